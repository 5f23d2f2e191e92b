namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /movies/{id}/similar</c>.</summary>
/// <param name="MovieId">The movie asked about.</param>
/// <param name="Title">Its title.</param>
/// <param name="Similar">The most similar movies by cosine similarity of their factors, most similar first; as the
/// library (and <c>implicit</c>) answers, the movie itself comes first, with similarity 1.</param>
internal sealed record SimilarMovies(int MovieId, string Title, IReadOnlyList<ScoredMovieJson> Similar);
