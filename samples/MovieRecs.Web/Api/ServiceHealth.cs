using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /health</c>.</summary>
/// <param name="Status"><c>ok</c>: a model is served (the service does not start without one).</param>
/// <param name="Model">The model served now.</param>
/// <param name="Reloads">What became of the model files seen since the start.</param>
internal sealed record ServiceHealth(string Status, ModelJson Model, ReloadStatus Reloads);
