namespace MovieRecs.Web.Api;

/// <summary>A movie with a score: a recommendation's score, a similarity, or a liked movie's contribution to a score.</summary>
/// <param name="MovieId">Its MovieLens id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Score">The score.</param>
internal sealed record ScoredMovieJson(int MovieId, string Title, float Score);
