using FsCheck.Xunit;
using MovieRecs.Internal;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Internal;

public sealed class RankSelectionTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SelectionArbitraries) })]
    public bool Select_GivesWhatAFullSortGives(SelectionCase c)
    {
        // Negative and positive values, zeros of both signs, and many duplicates.
        var values = c.Values;
        var ranks = c.WrappedRanks;
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
