namespace MovieRecs.Web.Api;

/// <summary>The body of <c>POST /recommendations</c>: what a new user likes, by title, by id, or both.</summary>
/// <param name="Titles">Titles as a person types them, matched leniently: the ones that fit no movie or several are
/// reported, the others used.</param>
/// <param name="MovieIds">MovieLens ids, e.g. picked from <c>/movies/search</c>; each must be a movie of the model.</param>
/// <param name="Count">How many recommendations (default 10).</param>
internal sealed record NewUserRequest(IReadOnlyList<string>? Titles, IReadOnlyList<int>? MovieIds, int? Count);
