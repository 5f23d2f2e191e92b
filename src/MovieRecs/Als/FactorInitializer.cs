using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <summary>
/// The initial factors, drawn as <c>implicit</c> draws them: <c>rng = numpy.random.default_rng(seed)</c>, then
/// <c>user_factors = rng.random((users, factors), dtype=float32) * 0.01</c> and
/// <c>item_factors = rng.random((items, factors), dtype=float32) * 0.01</c> from the same stream
/// (<see cref="NumPyPcg64"/>). So a seed gives the starting point <c>implicit</c>'s <c>random_state</c> of the same value
/// gives, for the same matrix shape, and the result depends on the seed and the shape only.
/// </summary>
internal static class FactorInitializer
{
    private const float Scale = 0.01f;

    /// <summary>
    /// Fills the first <paramref name="factors"/> floats of each row of <paramref name="users"/>
    /// (<paramref name="userCount"/> rows), then of <paramref name="items"/>; padding stays zero.
    /// </summary>
    /// <param name="users">The user rows, <paramref name="stride"/> floats apart.</param>
    /// <param name="userCount">How many user rows.</param>
    /// <param name="items">The item rows, <paramref name="stride"/> floats apart.</param>
    /// <param name="itemCount">How many item rows.</param>
    /// <param name="factors">The factors per row.</param>
    /// <param name="stride">The floats per row (factors plus padding).</param>
    /// <param name="seed">The seed; a negative one is taken as its unsigned 32-bit value (NumPy refuses negative seeds).</param>
    public static void Fill(Span<float> users, int userCount, Span<float> items, int itemCount, int factors, int stride, int seed)
    {
        var generator = new NumPyPcg64(unchecked((uint)seed));
        FillRows(generator, users, userCount, factors, stride);
        FillRows(generator, items, itemCount, factors, stride);
    }

    // Runs once per fit: compiled fully optimized from the first call rather than starting as tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRows(NumPyPcg64 generator, Span<float> destination, int rows, int factors, int stride)
    {
        for (var row = 0; row < rows; row++)
        {
            var span = destination.Slice(row * stride, factors);
            for (var f = 0; f < span.Length; f++)
            {
                // NumPy multiplies the float32 draws by the Python float 0.01 in float32.
                span[f] = generator.NextSingle() * Scale;
            }
        }
    }
}
