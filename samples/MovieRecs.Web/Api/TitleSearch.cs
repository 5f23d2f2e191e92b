namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /movies/search</c>: the library's title lookup.</summary>
/// <param name="Query">The query as given.</param>
/// <param name="Outcome"><c>found</c> (one movie fits), <c>ambiguous</c> (several fit: <see cref="Movies"/> lists
/// them) or <c>notFound</c> (none fits: <see cref="Movies"/> holds the closest titles).</param>
/// <param name="Message">For <c>ambiguous</c> and <c>notFound</c>, what the library says, e.g. "No movie is titled
/// 'jurasic park'. Did you mean 'Jurassic Park (1993)', …?"; null for <c>found</c>.</param>
/// <param name="Movies">The movie found, the movies the query fits, or the suggestions, best first.</param>
internal sealed record TitleSearch(string Query, string Outcome, string? Message, IReadOnlyList<MovieJson> Movies);
