namespace MovieRecs.Persistence;

/// <summary>
/// Limits for loading models with <see cref="AlsModelFile"/>. They are what make loading files from strangers
/// safe: a header that claims more than they allow is rejected before anything is allocated.
/// </summary>
/// <remarks>Immutable; safe to share across threads. Use <c>with</c> to derive variants.</remarks>
public sealed record AlsModelReadOptions
{
    /// <summary>The default options: the only limit is what one .NET array holds.</summary>
    public static AlsModelReadOptions Default { get; } = new();

    /// <summary>
    /// The most elements one factor matrix may have (rows × factors; id lists are bounded by the row counts).
    /// Default <see cref="Array.MaxLength"/>. Lower it to cap the memory a file can make the loader allocate: a
    /// matrix costs about 4 bytes per element, plus row padding.
    /// </summary>
    public long MaxElementCount { get; init; } = Array.MaxLength;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxElementCount"/> is negative.</exception>
    public void Validate() => ArgumentOutOfRangeException.ThrowIfNegative(MaxElementCount);
}
