using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.LogisticMf;

/// <summary>
/// Hyperparameters of logistic matrix factorization (Johnson 2014); the defaults are those of Python's <c>implicit</c>
/// 0.7.3 (<c>LogisticMatrixFactorization()</c>), so the same values give the same model quality.
/// </summary>
/// <remarks>Immutable; call <see cref="Validate"/> (the fit does) to check a combination.</remarks>
public sealed record LogisticMfOptions
{
    /// <summary>The largest supported <see cref="Factors"/>: two columns fewer than <see cref="AlsOptions.MaxFactors"/>,
    /// because every factor row also carries a bias and a constant column.</summary>
    public const int MaxFactors = AlsOptions.MaxFactors - 2;

    /// <summary>
    /// The number of latent factors <c>k</c> per user and item. Default 30. Each factor row holds <c>k + 2</c> floats:
    /// the latent factors, then for users a constant 1 and the user's bias, for items the item's bias and a constant
    /// 1, so a score is one dot product. 16 to 100 is the usual range; the cost per sample is <c>O(k)</c>.
    /// </summary>
    public int Factors { get; init; } = 30;

    /// <summary>
    /// The Adagrad learning rate: each step moves a factor by <c>LearningRate · g / √(10⁻⁶ + Σ g²)</c>, where
    /// <c>g</c> is its gradient in this pass and the sum runs over all its passes so far. Default 1. Lower it (0.1 to
    /// 0.5) if scores saturate; must be finite and &gt; 0.
    /// </summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>
    /// The L2 regularization <c>λ</c>: every step subtracts <c>λ · x</c> from the gradient of a row <c>x</c> (not
    /// scaled by the row's count, as in <c>implicit</c>). Default 0.6; must be finite and ≥ 0.
    /// </summary>
    public double Regularization { get; init; } = 0.6;

    /// <summary>The number of epochs (each one pass over all users, then one over all items). Default 30; 0 keeps the
    /// initial factors. Must be ≥ 0.</summary>
    public int Iterations { get; init; } = 30;

    /// <summary>
    /// How many negatives each row samples per positive value. Default 30. A row with <c>n</c> values samples
    /// <c>min(NegativeProportion · n, Factors + 2)</c> negatives per pass: the cap is the length of a factor row,
    /// exactly as <c>implicit</c> 0.7.3 computes it (its kernel names the row length as its item count), so the
    /// quality matches its figures. Negatives are drawn from the stored values of the matrix (an item with many users
    /// is drawn more often) and may be one of the row's own positives, as there. Must be ≥ 0; 0 trains on positives only.
    /// </summary>
    public int NegativeProportion { get; init; } = 30;

    /// <summary>
    /// The seed of the initial factors (standard normal) and of the negative samples. Default 0. The same seed, data
    /// and machine give bit-identical factors whatever <see cref="MaxDegreeOfParallelism"/> is.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The most threads a fit (and the model's batch calls) use; <c>-1</c> (default) means
    /// <see cref="Environment.ProcessorCount"/>. Any other value must be ≥ 1. Results do not depend on it.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks every hyperparameter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="Factors"/> outside <c>[1, MaxFactors]</c>, <see cref="LearningRate"/> ≤ 0 or not finite,
    /// <see cref="Regularization"/> negative or not finite, <see cref="Iterations"/> or
    /// <see cref="NegativeProportion"/> negative, or <see cref="MaxDegreeOfParallelism"/> 0 or below -1; the message
    /// names the parameter and its value.
    /// </exception>
    public void Validate()
    {
        if (Factors <= 0 || Factors > MaxFactors)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Factors), Factors, $"Factors must be between 1 and {MaxFactors}, but was {Factors}.");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || !float.IsFinite((float)LearningRate) || (float)LearningRate == 0)
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

        if (NegativeProportion < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(NegativeProportion), NegativeProportion, $"NegativeProportion must be >= 0, but was {NegativeProportion}.");
        }

        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(MaxDegreeOfParallelism),
                MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism must be -1 (all cores) or >= 1, but was {MaxDegreeOfParallelism}.");
        }
    }

    /// <summary>The number of threads a fit with these options uses.</summary>
    internal int EffectiveParallelism =>
        MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
