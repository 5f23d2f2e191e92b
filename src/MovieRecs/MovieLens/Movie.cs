namespace MovieRecs.MovieLens;

/// <summary>A movie from a MovieLens release.</summary>
/// <param name="Id">The external MovieLens movie id.</param>
/// <param name="Title">The title exactly as the release spells it, year included (e.g. <c>"Matrix, The (1999)"</c>).</param>
/// <param name="Year">The release year parsed from the title, or <see langword="null"/> when the title has none.</param>
/// <param name="Genres">The genres, in the release's order (empty when the release lists none).</param>
public sealed record Movie(int Id, string Title, int? Year, IReadOnlyList<string> Genres);
