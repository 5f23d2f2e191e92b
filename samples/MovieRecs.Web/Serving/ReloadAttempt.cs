namespace MovieRecs.Web.Serving;

/// <summary>What <see cref="ModelHost.TryReload"/> did.</summary>
internal enum ReloadOutcome
{
    /// <summary>A new model was swapped in.</summary>
    Swapped,

    /// <summary>The path holds the model served: nothing was loaded.</summary>
    Unchanged,

    /// <summary>The path holds the file last rejected: it was not tried again.</summary>
    StillRejected,

    /// <summary>The file could not be loaded; the model served stays.</summary>
    Failed,
}

/// <summary>One attempt to load the model path.</summary>
/// <param name="Outcome">What it did.</param>
/// <param name="Stamp">What the path held.</param>
/// <param name="Error">Why it failed, for <see cref="ReloadOutcome.Failed"/>.</param>
internal sealed record ReloadAttempt(ReloadOutcome Outcome, ModelStamp Stamp, Exception? Error);
