using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <summary>
/// Hyperparameters of implicit alternating least squares; the defaults are those of Python's <c>implicit</c>
/// (<c>AlternatingLeastSquares()</c>), so the same values give the same model quality.
/// </summary>
/// <remarks>Immutable; call <see cref="Validate"/> (the trainer does) to check a combination.</remarks>
public sealed record AlsOptions
{
    /// <summary>
    /// The number of latent factors <c>k</c> per user and item. Default 100. More factors fit more detail and cost
    /// <c>O(k²)</c> per row; 32 to 200 is the usual range.
    /// </summary>
    public int Factors { get; init; } = 100;

    /// <summary>
    /// The L2 regularization <c>λ</c> added to every row's system (not scaled by the row's count, as in
    /// <c>implicit</c>). Default 0.01. Raise it (0.05 to 1) when confidences are large (high <see cref="Alpha"/>) or the
    /// fit diverges; must be ≥ 0.
    /// </summary>
    public double Regularization { get; init; } = 0.01;

    /// <summary>
    /// The confidence scale: a stored value <c>r</c> becomes confidence <c>c = Alpha · r</c> (no "+1": entries
    /// absent from the matrix have confidence 1 and preference 0). Default 1. Typical values 1 to 40; must be
    /// finite and &gt; 0.
    /// </summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// How values become confidences and how <see cref="Regularization"/> scales per row. Default
    /// <see cref="AlsConvention.Implicit"/> (<c>implicit</c>'s <c>c = Alpha · r</c> and a plain <c>λ</c>);
    /// <see cref="AlsConvention.Spark"/> gives Spark MLlib's <c>c = 1 + Alpha · r</c> and <c>λ</c> times each row's
    /// count of positive values, for models trained by Spark or meant to behave like them. A model keeps the
    /// convention it was trained with; fold-in and explanations use it.
    /// </summary>
    public AlsConvention Convention { get; init; }

    /// <summary>The number of ALS iterations (each solves all users, then all items). Default 15; 0 keeps the initial factors.</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>The per-row solver. Default <see cref="AlsSolver.ConjugateGradient"/>.</summary>
    public AlsSolver Solver { get; init; } = AlsSolver.ConjugateGradient;

    /// <summary>
    /// Conjugate-gradient steps per row and half-step (warm-started), for <see cref="AlsSolver.ConjugateGradient"/>.
    /// Default 3, as <c>implicit</c>; more steps approach the exact solution at proportional cost. Must be ≥ 1.
    /// </summary>
    public int CgSteps { get; init; } = 3;

    /// <summary>
    /// The seed of the initial factors (uniform in <c>[0, 0.01)</c>), drawn as <c>implicit</c> draws them from
    /// <c>numpy.random.default_rng(seed)</c>: the same seed starts where <c>implicit</c>'s <c>random_state</c> of the
    /// same value starts, for a matrix of the same shape (a negative seed counts as its unsigned 32-bit value).
    /// Default 0. The same seed and data give bit-identical factors whatever <see cref="MaxDegreeOfParallelism"/> is.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The most threads a fit uses; <c>-1</c> (default) means <see cref="Environment.ProcessorCount"/>. Any other
    /// value must be ≥ 1. Results do not depend on it.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>
    /// Whether to compute the training loss after each iteration (as <c>implicit</c>'s
    /// <c>calculate_training_loss</c>), reported through the progress callback and <see cref="AlsModel.TrainingLoss"/>.
    /// Default <see langword="false"/>; costs about one CG step per row.
    /// </summary>
    public bool ComputeLoss { get; init; }

    /// <summary>Checks every hyperparameter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="Factors"/> ≤ 0, <see cref="Regularization"/> negative or not finite, <see cref="Alpha"/> ≤ 0 or not
    /// finite, <see cref="Iterations"/> &lt; 0, <see cref="CgSteps"/> ≤ 0, <see cref="MaxDegreeOfParallelism"/> 0 or
    /// below -1, or <see cref="Solver"/> or <see cref="Convention"/> undefined.
    /// </exception>
    public void Validate()
    {
        if (Factors <= 0 || Factors > MaxFactors)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(Factors), Factors, $"Factors must be between 1 and {MaxFactors}, but was {Factors}.");
        }

        if (!double.IsFinite(Regularization) || Regularization < 0 || !float.IsFinite((float)Regularization))
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(Regularization), Regularization, $"Regularization must be finite and >= 0, but was {Regularization}.");
        }

        if (!double.IsFinite(Alpha) || Alpha <= 0 || !float.IsFinite((float)Alpha))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Alpha), Alpha, $"Alpha must be finite and > 0, but was {Alpha}.");
        }

        if (Iterations < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Iterations), Iterations, $"Iterations must be >= 0, but was {Iterations}.");
        }

        if (CgSteps <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(CgSteps), CgSteps, $"CgSteps must be >= 1, but was {CgSteps}.");
        }

        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(MaxDegreeOfParallelism),
                MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism must be -1 (all cores) or >= 1, but was {MaxDegreeOfParallelism}.");
        }

        if (!Enum.IsDefined(Solver))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Solver), Solver, $"Solver {Solver} is not a defined AlsSolver.");
        }

        if (!Enum.IsDefined(Convention))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Convention), Convention, $"Convention {Convention} is not a defined AlsConvention.");
        }
    }

    /// <summary>The largest supported <see cref="Factors"/> (the per-row system is dense <c>k × k</c>).</summary>
    public const int MaxFactors = 4096;

    /// <summary>
    /// The <c>λ</c> of the shared system matrix <c>YᵀY + λI</c>: <see cref="Regularization"/>, or 0 under
    /// <see cref="AlsConvention.Spark"/>, where each row adds its own <c>λ·n</c> (<see cref="RowRegularization"/>).
    /// </summary>
    internal float SystemRegularization => Convention == AlsConvention.Spark ? 0f : (float)Regularization;

    /// <summary>
    /// What a row with <paramref name="positives"/> positive values adds to its system's diagonal on top of the shared
    /// system matrix: <c>λ·n</c> under <see cref="AlsConvention.Spark"/>, otherwise 0 (the shared matrix holds <c>λ</c>).
    /// The one place the per-row regularization is computed.
    /// </summary>
    internal float RowRegularization(int positives) => Convention == AlsConvention.Spark ? (float)Regularization * positives : 0f;

    /// <summary>The confidence of a stored value under <see cref="Convention"/> (in float, as the trainer stores it):
    /// <c>Alpha · v</c>, or Spark's <c>±(1 + Alpha · |v|)</c>, positive exactly when <c>v &gt; 0</c>.</summary>
    internal static float Confidence(AlsConvention convention, float alpha, float value) =>
        convention == AlsConvention.Spark
            ? (value > 0f ? 1f + (alpha * value) : -(1f + (alpha * -value)))
            : alpha * value;

    /// <summary>The number of threads a fit with these options uses.</summary>
    internal int EffectiveParallelism =>
        MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
