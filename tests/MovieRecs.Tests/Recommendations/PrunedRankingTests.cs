using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Tests.Generators;
using MovieRecs.Tests.Internal;

namespace MovieRecs.Tests.Recommendations;

/// <summary>
/// The pruned single-user ranking (<see cref="AlsModel.RankPruned"/> over <see cref="QuantizedItems"/>): its bounds
/// bracket the float32 score of every kernel width, and whenever it answers, the answer is the full scan's (same items,
/// same order, same score bits), at every model width and every width of the integer scan.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class PrunedRankingTests
{
    [Property(MaxTest = 150, Arbitrary = new[] { typeof(PruningArbitraries) })]
    public void RankPruned_AnyModel_EqualsFullScanAndBoundsBracketScores(PruningCase c)
    {
        var options = new AlsOptions { Factors = c.Factors };
        var baseModel = AlsModel.FromFactors(options, c.Query, c.ItemFactors);
        var excluded = c.ExcludedItems;
        foreach (var width in KernelTable.All)
        {
            var model = baseModel.WithKernelWidth(width);
            var query = model.UserFactorMatrix.PaddedRow(0).ToArray();
            var scores = FullScores(model, width, query);
            var copy = model.QuantizedItemCopy();
            var pairCodes = new int[copy.Pairs];
            if (copy.PrepareQuery(query, pairCodes, out var scale, out var a, out var b))
            {
                foreach (var scanWidth in KernelTable.All)
                {
                    var lower = new float[copy.Panels * QuantizedItems.PanelItems];
                    var upper = new float[lower.Length];
                    copy.Bound(scanWidth, pairCodes, scale, a, b, lower, upper);
                    for (var i = 0; i < model.ItemCount; i++)
                    {
                        Assert.True(lower[i] <= scores[i] && scores[i] <= upper[i], $"{width}/{scanWidth} item {i}: {scores[i]:R} outside [{lower[i]:R}, {upper[i]:R}]");
                    }
                }
            }

            var expected = FullScan(scores, excluded, Math.Min(c.Count, model.ItemCount));
            foreach (var scanWidth in KernelTable.All)
            {
                var destination = new ScoredItem[Math.Min(c.Count, model.ItemCount)];
                var written = model.RankPruned(scanWidth, query, excluded, null, destination, "excluded");
                if (written >= 0)
                {
                    AssertSame(expected, destination[..written], $"{width}/{scanWidth}");
                }
            }
        }
    }

    [Property(MaxTest = 150, Arbitrary = new[] { typeof(PruningArbitraries) })]
    public void Prune_AnyModel_KeepsExactlyTheItemsWhoseUpperBoundReachesTheKthLowerBound(PruningCase c)
    {
        var model = AlsModel.FromFactors(new AlsOptions { Factors = c.Factors }, c.Query, c.ItemFactors);
        var query = model.UserFactorMatrix.PaddedRow(0).ToArray();
        var copy = model.QuantizedItemCopy();
        var pairCodes = new int[copy.Pairs];
        if (!copy.PrepareQuery(query, pairCodes, out var scale, out var a, out var b))
        {
            return;
        }

        var excluded = c.ExcludedItems;
        var k = Math.Min(c.Count, model.ItemCount);
        var mask = new ulong[copy.MaskWords];
        copy.ResetMask(mask);
        foreach (var e in excluded)
        {
            mask[e >> 6] |= 1UL << (e & 63);
        }

        var selectable = Enumerable.Range(0, model.ItemCount).Where(i => !excluded.Contains(i)).ToArray();
        foreach (var scanWidth in KernelTable.All)
        {
            // The definition: every bound stored, τ the k-th best lower bound of a selectable item, the candidates every
            // selectable item whose upper bound reaches τ, in item order; none when fewer than k items are selectable.
            var lower = new float[copy.Panels * QuantizedItems.PanelItems];
            var upper = new float[lower.Length];
            copy.Bound(scanWidth, pairCodes, scale, a, b, lower, upper);
            int[]? expected = null;
            if (selectable.Length >= k)
            {
                var tau = selectable.Select(i => lower[i]).OrderDescending().ElementAt(k - 1);
                expected = [.. selectable.Where(i => upper[i] >= tau)];
            }

            // Room for every item, then buffers so small that the scan must drop candidates as the threshold rises.
            foreach (var capacity in new[] { model.ItemCount + 1, (2 * k) + 1, k + 1 })
            {
                var items = new int[capacity];
                var found = copy.Prune(scanWidth, pairCodes, scale, a, b, mask, k, new float[k], items, new float[capacity], capacity - 1);
                var what = $"{scanWidth}, capacity {capacity}: {found} candidates, expected {(expected is null ? "none" : expected.Length)}";
                if (expected is null || expected.Length >= capacity)
                {
                    Assert.True(found == -1, what);
                }
                else if (found >= 0 || capacity > model.ItemCount)
                {
                    // With room for every item it must answer; with less it may give up, but never answer wrongly.
                    Assert.True(expected.AsSpan().SequenceEqual(items.AsSpan(0, Math.Max(found, 0))) && found == expected.Length, what);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void Recommend_ManyItems_IsPrunedAndEqualsFullScan(string name)
    {
        // Gaussian-like factors of a realistic size: the bounds are tight, so almost every user is pruned.
        var width = KernelWidths.Parse(name);
        const int factors = 40, users = 60, items = 1500;
        var random = new Random(5);
        float Next() => (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5);
        var model = AlsModel.FromFactors(
            new AlsOptions { Factors = factors },
            Enumerable.Range(0, users * factors).Select(_ => Next()).ToArray(),
            Enumerable.Range(0, items * factors).Select(_ => Next() * 0.3f).ToArray()).WithKernelWidth(width);
        var pruned = 0;
        for (var user = 0; user < users; user++)
        {
            var liked = Enumerable.Range(0, 30).Select(j => ((user * 31) + (j * 47)) % items).Distinct().ToArray();
            var query = model.UserFactorMatrix.PaddedRow(user).ToArray();
            var expected = FullScan(FullScores(model, width, query), liked, 10);
            var destination = new ScoredItem[10];
            var written = model.RankPruned(width, query, liked, null, destination, "liked");
            if (written >= 0)
            {
                pruned++;
                AssertSame(expected, destination[..written], $"user {user}");
            }

            // The public call, whichever path it takes.
            AssertSame(expected, model.Recommend(user, liked, 10), $"Recommend user {user}");
            var filtered = new RecommendOptions { FilterAlreadyLiked = false, FilterItems = liked };
            AssertSame(expected, model.Recommend(user, [], 10, filtered), $"Recommend user {user}, FilterItems");
        }

        Assert.True(pruned >= users * 9 / 10, $"only {pruned} of {users} users pruned");
    }

    [Fact]
    public void RankPruned_AllTied_FallsBackInsteadOfGuessing()
    {
        // Every item has the same row: every upper bound reaches the k-th lower bound, too many candidates.
        const int factors = 8, items = 1000;
        var row = Enumerable.Range(0, factors).Select(f => (f % 3) - 1f).ToArray();
        var model = AlsModel.FromFactors(new AlsOptions { Factors = factors }, row, [.. Enumerable.Range(0, items).SelectMany(_ => row)]);
        var query = model.UserFactorMatrix.PaddedRow(0).ToArray();
        Assert.Equal(-1, model.RankPruned(model.Width, query, [], null, new ScoredItem[10], "liked"));
        var recommended = model.Recommend(0, [], 10);
        Assert.Equal(Enumerable.Range(0, 10), recommended.Select(r => r.Item));
    }

    [Fact]
    public void Floor_IsExactlyTwoToTheMinus120()
    {
        // The bound's proof needs 2^-120; the constant is a decimal literal, so its bits are checked.
        Assert.Equal(BitConverter.SingleToInt32Bits(MathF.ScaleB(1f, -120)), BitConverter.SingleToInt32Bits(QuantizedItems.Floor));
    }

    [Fact]
    public void QuantizedItemCopy_IsBuiltOnce()
    {
        var model = AlsModel.FromFactors(new AlsOptions { Factors = 3 }, [1f, 2f, 3f], [1f, 0f, -1f, 0.5f, 0.25f, 2f]);
        var copies = new QuantizedItems[8];
        Parallel.For(0, copies.Length, i => copies[i] = model.QuantizedItemCopy());
        Assert.All(copies, c => Assert.Same(copies[0], c));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(4096)]
    public void QueryLevelsFor_IntegerDotProductCannotOverflow(int pairs)
    {
        var q = (long)QuantizedItems.QueryLevelsFor(pairs);
        const long items = QuantizedItems.ItemLevels;
        Assert.InRange(q, 1, 32767);
        Assert.True(2 * pairs * items * q <= int.MaxValue);
        Assert.True(2 * pairs * items * (q + 1) > int.MaxValue || q == 32767, "not the largest level count that fits");
    }

    public static TheoryData<string> AcceleratedWidths => KernelWidths.Accelerated;

    public static TheoryData<string> NotAcceleratedWidths => KernelWidths.NotAccelerated;

    private static float[] FullScores(AlsModel model, SimdWidth width, float[] query)
    {
        var scores = new float[model.ItemCount];
        ScoringKernels.Score(width, query, model.ItemFactorStorage, model.Stride, scores);
        return scores;
    }

    /// <summary>The full scan's selection: excluded items marked, then the bounded top-k.</summary>
    private static ScoredItem[] FullScan(float[] fullScores, int[] excluded, int k)
    {
        var scores = (float[])fullScores.Clone();
        foreach (var e in excluded)
        {
            scores[e] = float.NaN;
        }

        var items = new int[k];
        var values = new float[k];
        var written = TopK.Select(scores, items, values, new int[k], new float[k]);
        return [.. Enumerable.Range(0, written).Select(j => new ScoredItem(items[j], values[j]))];
    }

    private static void AssertSame(ScoredItem[] expected, ScoredItem[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} items, expected {expected.Length}");
        for (var j = 0; j < expected.Length; j++)
        {
            Assert.True(
                expected[j].Item == actual[j].Item && BitConverter.SingleToInt32Bits(expected[j].Score) == BitConverter.SingleToInt32Bits(actual[j].Score),
                $"{what} rank {j}: ({actual[j].Item}, {actual[j].Score:R}), expected ({expected[j].Item}, {expected[j].Score:R})");
        }
    }
}
