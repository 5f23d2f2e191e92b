using System.Text.Json.Serialization;

namespace MovieRecs.Web.Serving;

/// <summary>What became of the model files seen since the start, and whether the one at the path now is served.</summary>
/// <param name="Swapped">How many new models were swapped in.</param>
/// <param name="Rejected">How many new files were rejected (damaged, of another data set, unreadable), each counted once
/// however often it was seen; a file that could not be loaded while it was still changing (being written) is not.</param>
/// <param name="LastRejectedAt">When the file now at the model path was rejected, or null when it is the one served
/// (a swap clears it).</param>
/// <param name="LastRejection">Why the file now at the model path was rejected, or null when it is the one served.</param>
/// <param name="ChangedAt">When the model path changed, while the change is neither loaded nor rejected yet (it is
/// loaded once quiet), or null.</param>
internal sealed record ReloadStatus(int Swapped, int Rejected, DateTimeOffset? LastRejectedAt, string? LastRejection, DateTimeOffset? ChangedAt)
{
    /// <summary>The state <c>/health</c> reports: <c>loading</c> while a change waits to be loaded, <c>stale</c> when
    /// the file at the path was rejected and an earlier model serves, <c>ok</c> when the file at the path is the one
    /// served.</summary>
    [JsonIgnore]
    public string State => ChangedAt is not null ? "loading" : LastRejection is not null ? "stale" : "ok";
}
