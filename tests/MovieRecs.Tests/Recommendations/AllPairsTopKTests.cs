using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Recommendations;

/// <summary>The strip kernel and selection behind <see cref="AlsModel.SimilarItemsAll"/>.</summary>
[Trait("Category", "Kernels")]
public class AllPairsTopKTests
{
    [Theory]
    [InlineData(1, 1, 0, 2)]
    [InlineData(7, 20, 0, 2)]
    [InlineData(100, 97, 16, 2)]
    [InlineData(33, 160, 32, 2)]
    [InlineData(5, 48, 3, 2)]
    [InlineData(100, 97, 16, 1)]
    [InlineData(9, 60, 0, 3)]
    [InlineData(100, 200, 40, 5)]
    public void ScoreStrip_EqualsScore4BitForBit_AndGathersLaneMaxima(int factors, int items, int firstRow, int blocks)
    {
        foreach (var width in KernelTable.All)
        {
            ScoreStripAtWidth(width, factors, items, firstRow, blocks);
        }
    }

    private static void ScoreStripAtWidth(SimdWidth width, int factors, int items, int firstRow, int blocks)
    {
        // Odd block counts reach the 6-row tile that follows the 12-row ones at the 512-bit width.
        var rowCount = blocks * 6;
        var random = new Random((factors * 1000) + items);
        var rows = Enumerable.Range(0, items * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var norms = Enumerable.Range(0, items).Select(i => MathF.Sqrt(rows.Skip(i * factors).Take(factors).Sum(v => v * v)) + 1e-10f).ToArray();
        var packed = SimilarityKernels.PackNormalized(new FactorMatrix(rows, items, factors, factors), norms).Span.ToArray();
        var panels = (items + 15) / 16;
        var firstPanel = Math.Min(firstRow, items - 1) / 16;
        var stripWidth = (panels - firstPanel) * 16;
        // Blocks of six rows (rows past the last item are zero queries).
        var queries = new float[rowCount * factors];
        for (var b = 0; b < blocks; b++)
        {
            SimilarityKernels.InterleaveRows(packed, factors, items, firstRow + (6 * b), queries.AsSpan(6 * b * factors));
        }

        var groups = Math.Min(8, panels - firstPanel);
        var maxima = new Vector256<float>[rowCount * groups];
        maxima.AsSpan().Fill(Vector256.Create(float.NegativeInfinity));
        var strip = new float[rowCount * stripWidth];
        SimilarityKernels.ScoreStrip(width, queries, blocks, packed, factors, firstPanel, panels, strip, stripWidth, maxima, groups, firstPanel, panels);

        // The same rows through the single-query path, four at a time (the query in slot 0).
        for (var r = 0; r < rowCount; r++)
        {
            var single = new float[4 * factors];
            for (var f = 0; f < factors; f++)
            {
                single[f] = queries[((r / 6) * 6 * factors) + (f * 6) + (r % 6)];
            }

            var expected = new float[4 * items];
            SimilarityKernels.Score4(width, single, packed, factors, items, expected, items);
            for (var c = firstPanel * 16; c < items; c++)
            {
                var actual = strip[(r * stripWidth) + c - (firstPanel * 16)];
                Assert.True(expected[c] == actual, $"{width} row {r} column {c}: {actual} vs {expected[c]}");
            }

            // Each lane maximum is the best of its own columns (lanes l and 8 + l of the group's panels).
            for (var g = 0; g < groups; g++)
            {
                for (var lane = 0; lane < 8; lane++)
                {
                    var best = float.NegativeInfinity;
                    for (var p = firstPanel; p < panels; p++)
                    {
                        if ((p - firstPanel) * groups / (panels - firstPanel) == g)
                        {
                            best = MathF.Max(best, MathF.Max(strip[(r * stripWidth) + ((p - firstPanel) * 16) + lane], strip[(r * stripWidth) + ((p - firstPanel) * 16) + 8 + lane]));
                        }
                    }

                    Assert.Equal(best, maxima[(r * groups) + g].GetElement(lane));
                }
            }
        }
    }

    [Property(MaxTest = 200, Arbitrary = new[] { typeof(SelectionArbitraries) })]
    public bool KthLargest_EqualsSort(LaneCase c)
    {
        var vectors = c.VectorCount;
        var values = c.Values;
        var lanes = Enumerable.Range(0, vectors).Select(v => Vector256.Create(values.AsSpan(v * 8, 8))).ToArray();
        var k = c.WrappedK;
        var expected = values.OrderByDescending(v => v).ElementAt(k - 1);
        var actual = AllPairsTopK.KthLargest(lanes, k);
        return float.IsFinite(expected) ? actual == expected : actual == float.MinValue;
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(ServingArbitraries.SeedingSizes) })]
    public bool SimilarItemsAll_AtSeedingSizes_EqualsSingleCalls_ForAnyWorkerCount(PickedFactors picked, NonNegativeInt countChoice)
    {
        // Hundreds of items so that strips have the panels their seeds need, counts around the sorted-heap limit,
        // and a few exact duplicates so that ties are decided by the index.
        var factors = picked.Factors;
        var items = picked.ItemPicks.Length;
        var itemFactors = picked.ItemFactors;
        var userFactors = picked.UserFactors;
        var count = new[] { 2, 10, 11, 17, 40 }[countChoice.Get % 5];
        ScoredItem[][]? first = null;
        foreach (var workers in new[] { 1, 2, 3 })
        {
            var model = AlsModel.FromFactors(new AlsOptions { Factors = factors, MaxDegreeOfParallelism = workers }, userFactors, itemFactors);
            var all = model.SimilarItemsAll(count);
            if (!Enumerable.Range(0, items).All(i => all[i].SequenceEqual(model.SimilarItems(i, count))))
            {
                return false;
            }

            first ??= all;
            if (!Enumerable.Range(0, items).All(i => all[i].SequenceEqual(first[i])))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void SimilarAll_FromManyThreadsOnAFreshModel_EqualsSerialAnswers()
    {
        // A fresh model builds its norms and panels lazily: the first calls race to build them while batches run.
        var random = new Random(5);
        const int factors = 24;
        float[] Rows(int count) => Enumerable.Range(0, count * factors).Select(_ => (float)random.NextDouble() - 0.2f).ToArray();
        var userFactors = Rows(300);
        var itemFactors = Rows(420);
        AlsModel Fresh() => AlsModel.FromFactors(new AlsOptions { Factors = factors, MaxDegreeOfParallelism = 2 }, userFactors, itemFactors);
        var serial = Fresh();
        var expectedItems = serial.SimilarItemsAll(10);
        var expectedUsers = serial.SimilarUsersAll(7);

        var shared = Fresh();
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (var round = 0; round < 3; round++)
            {
                var ok = (t + round) % 2 == 0
                    ? shared.SimilarItemsAll(10).Zip(expectedItems).All(p => p.First.SequenceEqual(p.Second))
                    : shared.SimilarUsersAll(7).Zip(expectedUsers).All(p => p.First.SequenceEqual(p.Second));
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        Assert.Equal(0, failures);
    }
}
