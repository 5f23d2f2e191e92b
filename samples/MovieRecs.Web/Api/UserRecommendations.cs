namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /users/{id}/recommendations</c>.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Recommendations">The best movies the user has not rated, best first.</param>
internal sealed record UserRecommendations(int UserId, IReadOnlyList<ScoredMovieJson> Recommendations);
