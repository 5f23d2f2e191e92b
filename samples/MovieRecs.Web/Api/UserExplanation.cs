namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /users/{id}/explanations/{movieId}</c>: <c>implicit</c>'s <c>explain</c> without the
/// user weights (a k x k matrix that only a later explanation would use).</summary>
/// <param name="UserId">The user.</param>
/// <param name="MovieId">The explained movie.</param>
/// <param name="Title">Its title.</param>
/// <param name="Score">Its score for the user: the sum of all the contributions.</param>
/// <param name="Contributions">The largest contributions of the user's liked movies, largest magnitude first.</param>
internal sealed record UserExplanation(int UserId, int MovieId, string Title, float Score, IReadOnlyList<ScoredMovieJson> Contributions);
