using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

public sealed class NumPyPcg64Tests
{
    /// <summary>
    /// <c>numpy.random.default_rng(seed).random()</c> as NumPy prints it: seed 12345 is the example of NumPy's own
    /// documentation (0.22733602246716966); seeds 0 and 42 are the values every NumPy user has seen. They pin the
    /// SeedSequence hashing, the PCG64 seeding and step, and the XSL-RR output together.
    /// </summary>
    [Theory]
    [InlineData(12345u, new[] { 0.22733602246716966 })]
    [InlineData(0u, new[] { 0.6369616873214543 })]
    [InlineData(42u, new[] { 0.7739560485559633, 0.4388784397520523, 0.8585979199113825 })]
    public void NextDouble_DefaultRngSeed_GivesNumPysValues(uint seed, double[] expected)
    {
        var generator = new NumPyPcg64(seed);

        foreach (var value in expected)
        {
            Assert.Equal(value, generator.NextDouble());
        }
    }

    /// <summary>32-bit draws are the low half of each 64-bit output, then its high half; float32 draws their top 24 bits.</summary>
    [Property(MaxTest = 50)]
    public bool NextSingle_IsTheTop24BitsOfLowThenHighHalves(uint seed)
    {
        var wide = new NumPyPcg64(seed);
        var narrow = new NumPyPcg64(seed);
        for (var i = 0; i < 8; i++)
        {
            var next = wide.NextUInt64();
            var low = narrow.NextSingle();
            var high = narrow.NextSingle();
            if (low != ((uint)next >> 8) / 16777216f || high != ((uint)(next >> 32) >> 8) / 16777216f)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 50)]
    public bool Seeds_GiveDifferentStreams(uint seed) =>
        new NumPyPcg64(seed).NextUInt64() != new NumPyPcg64(unchecked(seed + 1)).NextUInt64();

    /// <summary>
    /// As <c>implicit</c>: users, then items, from one stream, each float32 draw times 0.01 in float32; the padding of
    /// each row stays zero. An odd user count leaves the high half of a 64-bit output to the first item.
    /// </summary>
    [Theory]
    [InlineData(3, 5, 4, 8, 1)]
    [InlineData(7, 2, 3, 3, 42)]
    [InlineData(1, 1, 1, 16, -5)]
    public void FactorInitializer_UsersThenItemsFromOneStream(int users, int items, int factors, int stride, int seed)
    {
        var userStorage = new float[users * stride];
        var itemStorage = new float[items * stride];

        FactorInitializer.Fill(userStorage, users, itemStorage, items, factors, stride, seed);

        var reference = new NumPyPcg64(unchecked((uint)seed));
        foreach (var (storage, rows) in new[] { (userStorage, users), (itemStorage, items) })
        {
            for (var r = 0; r < rows; r++)
            {
                for (var f = 0; f < stride; f++)
                {
                    var expected = f < factors ? reference.NextSingle() * 0.01f : 0f;
                    Assert.Equal(expected, storage[(r * stride) + f]);
                    Assert.InRange(storage[(r * stride) + f], 0f, 0.01f);
                }
            }
        }
    }
}
