namespace MovieRecs.Evaluation;

/// <summary>How <see cref="RankingEvaluator"/> runs an evaluation.</summary>
/// <remarks>Immutable. The options change only speed: metrics are identical for any degree of parallelism.</remarks>
public sealed record EvaluationOptions
{
    /// <summary>The defaults: all cores.</summary>
    public static EvaluationOptions Default { get; } = new();

    /// <summary>
    /// The largest number of threads that score users at once; -1 (the default) lets the runtime use every core.
    /// Use 1 to evaluate on the calling thread only, e.g. when the model itself is parallel.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxDegreeOfParallelism"/> is 0 or below -1.</exception>
    public void Validate()
    {
        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, $"MaxDegreeOfParallelism must be -1 (all cores) or positive; it is {MaxDegreeOfParallelism}.");
        }
    }
}
