using MovieRecs.Persistence;

namespace MovieRecs.Web.Serving;

/// <summary>One model format the service loads: a name for logs and <c>/health</c>, which paths it takes, and how to
/// load one.</summary>
/// <param name="Name">The format's name.</param>
/// <param name="Accepts">Whether a path is in this format (by its name or kind; the load checks the content).</param>
/// <param name="Load">Loads the model and its ids; throws an <see cref="IOException"/> for a missing or damaged file.</param>
internal sealed record ModelFormat(string Name, Func<string, bool> Accepts, Func<string, ModelFileContent> Load);
