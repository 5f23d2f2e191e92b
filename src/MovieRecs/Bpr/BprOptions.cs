using MovieRecs.Internal;

namespace MovieRecs.Bpr;

/// <summary>
/// Hyperparameters of Bayesian Personalized Ranking; the defaults are those of Python's <c>implicit</c>
/// (<c>BayesianPersonalizedRanking()</c>), so the same values give the same model quality.
/// </summary>
/// <remarks>Immutable; call <see cref="Validate"/> (<see cref="BprModel.Fit"/> does) to check a combination.</remarks>
public sealed record BprOptions
{
    /// <summary>
    /// The number of latent factors <c>k</c> per user and item. Default 100. The model stores one more column, the
    /// item bias (a constant 1 on the user side), so its <see cref="BprModel.Factors"/> is <c>k + 1</c>. 32 to 200
    /// is the usual range; each SGD step costs <c>O(k)</c>.
    /// </summary>
    public int Factors { get; init; } = 100;

    /// <summary>
    /// The SGD step size. Default 0.01. Larger steps learn faster and may diverge (factors grow to infinity); smaller
    /// ones need more <see cref="Iterations"/>. Must be finite and &gt; 0.
    /// </summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>
    /// The L2 penalty applied to the three rows an SGD step touches. Default 0.01. Raise it (0.01 to 0.1) when the
    /// model overfits; must be finite and ≥ 0. Keep <see cref="LearningRate"/> · Regularization well below 1: from 1
    /// on each step's penalty overshoots and the fit diverges.
    /// </summary>
    public double Regularization { get; init; } = 0.01;

    /// <summary>
    /// The number of epochs; each draws as many samples as the matrix has stored entries. Default 100; 0 keeps the
    /// initial factors.
    /// </summary>
    public int Iterations { get; init; } = 100;

    /// <summary>
    /// Whether a sampled negative item the user actually has is skipped (as <c>implicit</c>'s
    /// <c>verify_negative_samples</c>). Default <see langword="true"/>: slower (a binary search per sample) and
    /// usually better rankings.
    /// </summary>
    public bool VerifyNegativeSamples { get; init; } = true;

    /// <summary>
    /// The seed of the initial factors and of the sample streams. Default 0. The initial factors are drawn as
    /// <c>implicit</c> draws them from <c>numpy.random.default_rng(seed)</c>, so they equal <c>implicit</c>'s for
    /// <c>random_state</c> of the same value; the samples come from streams of their own. The same seed, data and
    /// thread count (<see cref="MaxDegreeOfParallelism"/>) give bit-identical factors.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The number of threads <c>T</c> a fit uses, which with the data's shape fixes the number of user blocks and item
    /// strata of its sampling scheme (a multiple of <c>T</c>, see <see cref="BprModel.Fit"/>); <c>-1</c> (default)
    /// means <see cref="Environment.ProcessorCount"/>.
    /// Any other value must be ≥ 1. Unlike ALS, results depend on it: fix it (and <see cref="Seed"/>) to repeat a fit
    /// on another machine.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks every hyperparameter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="Factors"/> outside <c>[1, <see cref="MaxFactors"/>]</c>, <see cref="LearningRate"/> ≤ 0 or not finite,
    /// <see cref="Regularization"/> negative or not finite, <see cref="Iterations"/> &lt; 0, or
    /// <see cref="MaxDegreeOfParallelism"/> 0 or below -1; the message names the parameter and its value.
    /// </exception>
    public void Validate()
    {
        if (Factors <= 0 || Factors > MaxFactors)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Factors), Factors, $"Factors must be between 1 and {MaxFactors}, but was {Factors}.");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || (float)LearningRate <= 0f || !float.IsFinite((float)LearningRate))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(LearningRate), LearningRate, $"LearningRate must be finite and > 0, but was {LearningRate}.");
        }

        if (!double.IsFinite(Regularization) || Regularization < 0 || !float.IsFinite((float)Regularization))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Regularization), Regularization, $"Regularization must be finite and >= 0, but was {Regularization}.");
        }

        if (Iterations < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Iterations), Iterations, $"Iterations must be >= 0, but was {Iterations}.");
        }

        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(MaxDegreeOfParallelism),
                MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism must be -1 (all cores) or >= 1, but was {MaxDegreeOfParallelism}.");
        }
    }

    /// <summary>The largest supported <see cref="Factors"/> (one less than ALS's, for the bias column).</summary>
    public const int MaxFactors = 4095;

    /// <summary>The number of threads a fit with these options uses.</summary>
    internal int EffectiveParallelism =>
        MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
