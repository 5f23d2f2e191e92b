namespace MovieRecs.Persistence;

/// <summary>
/// Limits for loading models with <see cref="AlsModelFile"/> and <see cref="ImplicitModelFile"/>. They are what make
/// loading files from strangers safe: a header that claims more than they allow is rejected before anything is
/// allocated.
/// </summary>
/// <remarks>Immutable; safe to share across threads. Use <c>with</c> to derive variants.</remarks>
public sealed record ModelLoadOptions
{
    /// <summary>The default of <see cref="MaxElementCount"/> (and of the numpy readers' per-array limit).</summary>
    internal const long DefaultMaxElementCount = 1L << 28;

    /// <summary>The default options: models of up to 2^28 floats (1 GiB of factors).</summary>
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>
    /// The most floats the loaded model's factors may take in memory: users and items together, each row padded to
    /// the vector width the model computes with (<c>(users + items) × stride</c>, where the stride is the factor count
    /// rounded up to a multiple of 8, or of 16 on machines with 512-bit vectors). At 4 bytes per float this caps the
    /// memory a file can make the loader keep; id lists are bounded by the row counts.
    /// </summary>
    /// <remarks>
    /// <para>Default 268,435,456 (2^28 floats, 1 GiB): almost five times what a 256-factor model of MovieLens 25M
    /// takes (162,541 users and 59,047 items: 56.7 million floats), yet safe against small files that claim huge
    /// models (an <c>.npz</c> of 1 MB can inflate to 1 GiB, which rows of one factor pad to 8 or 16 GiB). Raise it,
    /// up to <see cref="long.MaxValue"/> (then only the .NET array limit applies), to load larger models from
    /// trusted files.</para>
    /// <para>Loading an <c>.npz</c> also holds the unpadded matrices while it pads them, and every other array of the
    /// archive counts against the same limit (unpadded).</para>
    /// </remarks>
    public long MaxElementCount { get; init; } = DefaultMaxElementCount;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxElementCount"/> is negative.</exception>
    public void Validate() => ArgumentOutOfRangeException.ThrowIfNegative(MaxElementCount);
}
