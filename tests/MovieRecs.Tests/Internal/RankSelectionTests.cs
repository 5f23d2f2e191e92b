using FsCheck.Xunit;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

public sealed class RankSelectionTests
{
    [Property(MaxTest = 100)]
    public bool Select_GivesWhatAFullSortGives(int seed, ushort lengthSeed)
    {
        var random = new Random(seed);
        var length = 1 + lengthSeed % 3000;
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            // Negative and positive values, zeros of both signs, and many duplicates.
            values[i] = random.Next(5) switch
            {
                0 => 0f,
                1 => -0f,
                2 => random.Next(-3, 4),
                _ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4))),
            };
        }

        var ranks = Enumerable.Range(0, 7).Select(_ => random.Next(length)).ToArray();
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);

        var selected = RankSelection.Select(values, ranks);
        return ranks.Select((rank, i) => selected[i] == sorted[rank]).All(same => same);
    }

    [Fact]
    public void OrderedKey_PreservesOrder()
    {
        float[] ascending = [float.NegativeInfinity, -1e30f, -2.5f, -1e-30f, 0f, 1e-30f, 1f, 3e38f, float.PositiveInfinity];
        for (var i = 1; i < ascending.Length; i++)
        {
            Assert.True(RankSelection.OrderedKey(ascending[i - 1]) < RankSelection.OrderedKey(ascending[i]), $"{ascending[i - 1]} vs {ascending[i]}");
        }
    }
}
