namespace MovieRecs.Web.Api;

/// <summary>A title of <see cref="NewUserRequest.Titles"/> that was not used.</summary>
/// <param name="Title">The title as given.</param>
/// <param name="Ambiguous">Whether it fits several movies (otherwise none, or one that the model lacks).</param>
/// <param name="Message">Why, as the library words it, with the candidates.</param>
/// <param name="Candidates">The movies it fits (the first 10), or the closest titles.</param>
internal sealed record UnresolvedTitleJson(string Title, bool Ambiguous, string Message, IReadOnlyList<MovieJson> Candidates);
