namespace MovieRecs.Persistence;

/// <summary>
/// Limits and conversions for reading <c>.npy</c> and <c>.npz</c> files. The limits are what make reading files
/// from strangers safe: a header that claims more than they allow is rejected before anything is allocated.
/// </summary>
/// <remarks>Immutable; safe to share across threads. Use <c>with</c> to derive variants.</remarks>
internal sealed record NpyReadOptions
{
    /// <summary>The default options: numpy's header limit, arrays of up to 2^28 elements, no conversion.</summary>
    public static NpyReadOptions Default { get; } = new();

    /// <summary>
    /// The largest number of elements one array may have (for string arrays: elements times characters per
    /// element); <see cref="ImplicitModelFile"/> applies it to all the arrays of a model together. It caps the memory
    /// a file can make the reader allocate: a float32 array costs 4 bytes per element.
    /// </summary>
    /// <remarks>Default 268,435,456 (2^28: 1 GiB of float32), because a deflated <c>.npz</c> entry of 1 MB can
    /// declare, and really inflate to, 1 GiB. Raise it, up to <see cref="long.MaxValue"/> (then only the .NET array
    /// limit, <see cref="Array.MaxLength"/> elements, applies), to read larger arrays from trusted files.</remarks>
    public long MaxElementCount { get; init; } = ModelLoadOptions.DefaultMaxElementCount;

    /// <summary>
    /// The longest header accepted, in bytes. Default 10,000, numpy's own limit (<c>max_header_size</c>); numpy
    /// writes headers of 128 bytes or less for one- and two-dimensional arrays.
    /// </summary>
    public int MaxHeaderLength { get; init; } = 10_000;

    /// <summary>
    /// When true, float64 and float16 arrays are converted to float32 as they are read, block by block, so the
    /// result has <see cref="NpyDataType.Float32"/> elements and no full-precision copy is ever held. Values round to
    /// the nearest float32; magnitudes beyond its range become infinities. Default false: types are kept.
    /// </summary>
    public bool ConvertFloatsToSingle { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxElementCount"/> is negative, or <see cref="MaxHeaderLength"/> is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxElementCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHeaderLength);
    }
}
