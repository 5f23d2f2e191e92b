namespace MovieRecs.Web.Api;

/// <summary>A recommendation for a new user with its explanation.</summary>
/// <param name="MovieId">The recommended movie's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Score">Its score.</param>
/// <param name="Because">The liked movies that contribute most to the score, largest magnitude first: "because you
/// liked …" (a negative contribution counts against the movie).</param>
internal sealed record ExplainedMovieJson(int MovieId, string Title, float Score, IReadOnlyList<ScoredMovieJson> Because);
