namespace MovieRecs.Web.Serving;

/// <summary>What became of the model files seen since the start.</summary>
/// <param name="Swapped">How many new models were swapped in.</param>
/// <param name="Rejected">How many new files were rejected (damaged, of another data set, unreadable).</param>
/// <param name="LastRejectedAt">When the last file was rejected, or null.</param>
/// <param name="LastRejection">Why the last file was rejected, or null.</param>
internal sealed record ReloadStatus(int Swapped, int Rejected, DateTimeOffset? LastRejectedAt, string? LastRejection);
