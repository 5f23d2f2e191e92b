namespace MovieRecs.Als;

/// <summary>
/// The initial factors: uniform in <c>[0, 0.01)</c> from the seed, as <c>implicit</c>'s
/// <c>random_state.random((n, factors), dtype=float32) * 0.01</c> (not scaled by the factor count). The stream is
/// SplitMix64 (not NumPy's PCG64, so values differ from <c>implicit</c>'s while the distribution is the same), users
/// drawn from one stream and items from another, sequentially: the result depends on the seed and the shape only.
/// </summary>
internal static class FactorInitializer
{
    private const float Scale = 0.01f / (1 << 24);

    /// <summary>Fills the first <paramref name="factors"/> floats of each of <paramref name="rows"/> rows; padding stays zero.</summary>
    public static void Fill(Span<float> destination, int rows, int factors, int stride, int seed, ulong stream)
    {
        var state = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ (stream * 0xD1B54A32D192ED03UL);
        for (var row = 0; row < rows; row++)
        {
            var span = destination.Slice(row * stride, factors);
            for (var f = 0; f < span.Length; f++)
            {
                span[f] = (float)(Next(ref state) >> 40) * Scale;
            }
        }
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
