using FsCheck.Xunit;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void NextUInt64_ReferenceState_GivesThePublishedOutputs()
    {
        // Published outputs of the reference xoshiro256** implementation from the state {1, 2, 3, 4}.
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
            607988272756665600, 16172922978634559625, 8476171486693032832,
            10595114339597558777, 2904607092377533576,
        ];
        var rng = new Xoshiro256StarStar(1, 2, 3, 4);

        foreach (var value in expected)
        {
            Assert.Equal(value, rng.NextUInt64());
        }
    }

    [Fact]
    public void SplitMix64_SeedZero_GivesThePublishedOutputs()
    {
        var mix = new SplitMix64(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, mix.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, mix.Next());
        Assert.Equal(0x06C45D188009454FUL, mix.Next());
        Assert.Equal(0xF88BB8A8724C81ECUL, mix.Next());
    }

    [Fact]
    public void Constructor_ZeroState_Throws() =>
        Assert.Throws<ArgumentException>(() => new Xoshiro256StarStar(0, 0, 0, 0));

    /// <summary>The seed is the generator's own input under test (not a source of test data), so it stays a drawn number.</summary>
    [Property(MaxTest = 100)]
    public bool NextInt_StaysBelowTheBound(ulong seed, int boundSeed)
    {
        var bound = 1 + (int)((uint)boundSeed % 1000);
        var rng = new Xoshiro256StarStar(seed);
        for (var i = 0; i < 100; i++)
        {
            var value = rng.NextInt(bound);
            if (value < 0 || value >= bound)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public bool NextLong_StaysInsideTheRange(ulong seed, int low, ushort width)
    {
        var rng = new Xoshiro256StarStar(seed);
        var value = rng.NextLong(low, (long)low + width);
        return value >= low && value <= (long)low + width;
    }

    [Fact]
    public void NextInt_IsUniform()
    {
        var rng = new Xoshiro256StarStar(99);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        // Chi-square with 6 degrees of freedom: 22.5 is the 0.999 quantile.
        var chiSquare = counts.Sum(c => (c - 10_000.0) * (c - 10_000.0) / 10_000.0);
        Assert.True(chiSquare < 22.5, $"chi-square {chiSquare:F1}");
    }

    [Fact]
    public void NextDouble_AndNonZero_StayInTheirIntervals()
    {
        var rng = new Xoshiro256StarStar(5);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.NextDouble(), 0, Math.BitDecrement(1.0));
            var nonZero = rng.NextDoubleNonZero();
            Assert.True(nonZero > 0 && nonZero <= 1);
        }
    }

    [Fact]
    public void NextGaussian_HasZeroMeanAndUnitVariance()
    {
        var rng = new Xoshiro256StarStar(2024);
        double sum = 0, sumSquares = 0;
        const int N = 200_000;
        for (var i = 0; i < N; i++)
        {
            var x = rng.NextGaussian();
            sum += x;
            sumSquares += x * x;
        }

        var mean = sum / N;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sumSquares / N - mean * mean, 0.98, 1.02);
    }

    [Fact]
    public void DeriveSeed_DifferentStreams_GiveDifferentSeeds()
    {
        var seeds = Enumerable.Range(0, 1000).Select(i => Xoshiro256StarStar.DeriveSeed(42, (ulong)i)).ToHashSet();
        Assert.Equal(1000, seeds.Count);
        Assert.NotEqual(Xoshiro256StarStar.DeriveSeed(42, 0), Xoshiro256StarStar.DeriveSeed(43, 0));
    }
}
