using System.Collections.ObjectModel;

namespace MovieRecs.MovieLens;

/// <summary>
/// What <see cref="MovieTitleIndex.Match"/> made of a list of titles: the movies found and the titles it could not
/// resolve, so that the found ones can be used (<see cref="InteractionMatrix.AppendUser(string, TitleMatches, float)"/>,
/// <see cref="InteractionMatrix.AppendUser(int, TitleMatches, float)"/>,
/// <see cref="MovieRecommender.RecommendForTitles(TitleMatches, int, float)"/>) and the others reported.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TitleMatches
{
    internal TitleMatches(IList<Movie> found, IList<UnresolvedTitle> unresolved)
    {
        Found = new ReadOnlyCollection<Movie>(found);
        Unresolved = new ReadOnlyCollection<UnresolvedTitle>(unresolved);
    }

    /// <summary>The movie of each title that fits exactly one, in the order the titles were given (a movie named
    /// twice appears twice).</summary>
    public IReadOnlyList<Movie> Found { get; }

    /// <summary>The titles that fit no movie or several, in the order given; empty when every title was found.</summary>
    public IReadOnlyList<UnresolvedTitle> Unresolved { get; }
}
