using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Api;

/// <summary>The answer of <c>GET /health</c>.</summary>
/// <param name="Status">A model is always served (the service does not start without one); <c>ok</c>: the one the model
/// path holds; <c>loading</c>: the path changed and is loaded once quiet, the earlier model serves meanwhile;
/// <c>stale</c>: the file at the path was rejected (<c>reloads.lastRejection</c> says why), the earlier model serves.</param>
/// <param name="Model">The model served now.</param>
/// <param name="Reloads">What became of the model files seen since the start.</param>
internal sealed record ServiceHealth(string Status, ModelJson Model, ReloadStatus Reloads);
