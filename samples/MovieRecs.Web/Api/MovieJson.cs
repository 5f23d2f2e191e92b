namespace MovieRecs.Web.Api;

/// <summary>A movie of the data set.</summary>
/// <param name="MovieId">Its MovieLens id.</param>
/// <param name="Title">Its title, as the movies file gives it.</param>
/// <param name="Year">Its year, when the title has one.</param>
/// <param name="Genres">Its genres.</param>
/// <param name="InModel">Whether the model has it (a movie without kept ratings has no factors: it can be neither liked nor recommended).</param>
internal sealed record MovieJson(int MovieId, string Title, int? Year, IReadOnlyList<string> Genres, bool InModel);
