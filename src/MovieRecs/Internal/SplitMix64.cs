namespace MovieRecs.Internal;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny 64-bit generator used to expand one seed into
/// the state of <see cref="Xoshiro256StarStar"/> and to derive independent sub-seeds.
/// </summary>
/// <remarks>Integer arithmetic only, so its output is the same on every machine and runtime.</remarks>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>Advances the state and returns the next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>The SplitMix64 finalizer: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
