namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>POST /recommendations</c>: a new user folded in, without retraining.</summary>
/// <param name="Liked">The liked movies used, in the order given (ids first, then titles), each once.</param>
/// <param name="Unresolved">The titles that were not used, with the library's message and candidates.</param>
/// <param name="Recommendations">The best movies not liked, best first, each with its explanation; empty when no
/// liked movie was found.</param>
internal sealed record NewUserRecommendations(IReadOnlyList<MovieJson> Liked, IReadOnlyList<UnresolvedTitleJson> Unresolved, IReadOnlyList<ExplainedMovieJson> Recommendations);
