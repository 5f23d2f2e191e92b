namespace MovieRecs.Web.Api;

/// <summary>The model served.</summary>
/// <param name="Version">1 for the model loaded at start, one more for each swapped in (the <c>X-Model-Version</c>
/// header of every answer).</param>
/// <param name="Path">Its file.</param>
/// <param name="Format">Its format.</param>
/// <param name="LoadedAt">When it was swapped in.</param>
/// <param name="LoadSeconds">How long loading, checking and indexing it took.</param>
/// <param name="Users">Its users.</param>
/// <param name="Movies">Its movies.</param>
/// <param name="Factors">Its factors per user and movie.</param>
internal sealed record ModelJson(int Version, string Path, string Format, DateTimeOffset LoadedAt, double LoadSeconds, int Users, int Movies, int Factors);
