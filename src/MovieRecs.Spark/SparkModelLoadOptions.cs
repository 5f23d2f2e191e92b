using MovieRecs.Als;

namespace MovieRecs.Spark;

/// <summary>
/// How <see cref="SparkModelDirectory.Load"/> reads a Spark ALSModel directory: the hyperparameters the Spark job
/// trained with (Spark does not save them with the model), the memory a directory may claim, and whether the Hadoop
/// checksum files are verified.
/// </summary>
/// <remarks>Immutable; safe to share across threads. Use <c>with</c> to derive variants.</remarks>
public sealed record SparkModelLoadOptions
{
    // Declared before Default, which reads it while the static fields initialize.
    /// <summary>Spark's <c>ALS</c> defaults (<c>regParam</c> 0.1, <c>alpha</c> 1.0, <c>maxIter</c> 10, rank 10) under
    /// Spark's convention.</summary>
    internal static AlsOptions SparkDefaults { get; } =
        new() { Factors = 10, Regularization = 0.1, Alpha = 1.0, Iterations = 10, Convention = AlsConvention.Spark };

    /// <summary>The default options: Spark's ALS defaults, 2^28 floats at most, checksums verified.</summary>
    public static SparkModelLoadOptions Default { get; } = new();

    /// <summary>
    /// The hyperparameters the model was trained with, which fold-in (<see cref="AlsModel.RecalculateUser(ReadOnlySpan{int}, ReadOnlySpan{float})"/>)
    /// and explanations use. <see cref="AlsOptions.Factors"/> is ignored: the loaded model's comes from the metadata's
    /// <c>rank</c>.
    /// </summary>
    /// <remarks>Default: Spark's <c>ALS</c> defaults, <c>regParam</c> 0.1 (<see cref="AlsOptions.Regularization"/>),
    /// <c>alpha</c> 1.0 and <c>maxIter</c> 10, with <see cref="AlsOptions.Convention"/> <see cref="AlsConvention.Spark"/>
    /// (confidence <c>1 + alpha · r</c>, <c>regParam</c> times each row's count), so that fold-in and explanations solve
    /// the systems Spark's training solved. Set them to the values of the job (<c>ALS(regParam=…, alpha=…)</c>), which
    /// Spark keeps on the estimator, not on the saved model. (A model Spark trained with <c>implicitPrefs=false</c>, an
    /// explicit-feedback model, is served the same way; its fold-in then follows the implicit equations.)</remarks>
    public AlsOptions Training { get; init; } = SparkDefaults;

    /// <summary>
    /// The most floats the factors may take, users and items together (<c>(users + items) × rank</c>, as the part
    /// files' footers declare them). A directory that declares more is rejected before anything is allocated for it.
    /// </summary>
    /// <remarks>Default 268,435,456 (2^28 floats, 1 GiB), as the core's <see cref="Persistence.ModelLoadOptions.MaxElementCount"/>:
    /// a rank-256 model of MovieLens 25M takes 56.7 million. Loading holds the factors twice at its peak (as read, then
    /// laid out for serving), plus one part file.</remarks>
    public long MaxElementCount { get; init; } = 1L << 28;

    /// <summary>Whether the Hadoop checksum files (<c>.NAME.crc</c>) beside the files are verified where present.
    /// Default <see langword="true"/>; costs one CRC-32 pass over the bytes read.</summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentNullException"><see cref="Training"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxElementCount"/> is negative, or an option of
    /// <see cref="Training"/> is out of range (see <see cref="AlsOptions.Validate"/>).</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Training);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxElementCount);
        Training.Validate();
    }
}
