using System.Globalization;
using MovieRecs.MovieLens;

namespace MovieRecs.Web.Serving;

/// <summary>One loaded model, as the service answers with it: immutable, so a request that took it finishes on it
/// even when a newer one is swapped in meanwhile.</summary>
/// <param name="Recommender">The model joined with its data set.</param>
/// <param name="Version">1 for the model loaded at start, one more for each model swapped in after it.</param>
/// <param name="Path">The file it was loaded from.</param>
/// <param name="Format">The name of its <see cref="ModelFormat"/>.</param>
/// <param name="LoadedAt">When it was swapped in.</param>
/// <param name="LoadSeconds">How long loading, checking and indexing it took.</param>
/// <param name="Stamp">What the path held when it was read.</param>
internal sealed record ServedModel(MovieRecommender Recommender, int Version, string Path, string Format, DateTimeOffset LoadedAt, double LoadSeconds, ModelStamp Stamp)
{
    /// <summary>The version as the <c>X-Model-Version</c> response header gives it.</summary>
    public string VersionText { get; } = Version.ToString(CultureInfo.InvariantCulture);
}
