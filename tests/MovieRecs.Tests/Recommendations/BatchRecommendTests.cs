using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;

namespace MovieRecs.Tests.Recommendations;

/// <summary>
/// Batch recommend's paired item rows (<see cref="PairedRows"/>, <see cref="ScoringKernels.ScoreBlockPaired"/>) and
/// seeded selection (<see cref="SeededTopK"/>): the same bits as the single query's kernel and the same items, scores
/// and order as the heap over every score.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class BatchRecommendTests
{
    public static TheoryData<int, int> StridesAndFactors() => new()
    {
        { 8, 1 }, { 8, 8 }, { 16, 9 }, { 24, 24 }, { 48, 37 }, { 112, 100 }, { 128, 128 },
    };

    [Theory]
    [MemberData(nameof(StridesAndFactors))]
    public void ScoreBlockPaired_EqualsScoreBitForBit(int stride, int factors)
    {
        var random = new Random((stride * 1000) + factors);
        foreach (var rows in new[] { 0, 1, 3, 7, 8, 9, 17, 40 })
        {
            var matrix = Matrix(random, rows, factors, stride);
            var paired = PairedRows.Build(matrix);
            var groupsTimesRows = paired.Groups * PairedRows.GroupRows;
            for (var queryCount = 1; queryCount <= ScoringKernels.BlockQueries; queryCount++)
            {
                var queries = Matrix(random, queryCount, factors, stride).Storage.ToArray();
                var scoreStride = groupsTimesRows + 3;
                var actual = Enumerable.Repeat(float.NaN, queryCount * scoreStride).ToArray();
                ScoringKernels.ScoreBlockPaired(SimdWidth.Vector512, queries, queryCount, stride, paired, matrix.Storage, actual, scoreStride);
                for (var u = 0; u < queryCount; u++)
                {
                    var expected = new float[rows];
                    ScoringKernels.Score(SimdWidth.Vector512, queries.AsSpan(u * stride, stride), matrix.Storage, stride, expected);
                    Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.AsSpan(u * scoreStride, rows).ToArray().Select(BitConverter.SingleToInt32Bits));
                    Assert.True(actual.AsSpan((u * scoreStride) + groupsTimesRows, 3).ToArray().All(float.IsNaN), $"rows {rows} query {u}: wrote past its groups");
                }
            }
        }
    }

    [Fact]
    public void ScoreBlockPaired_WideRangeOfMagnitudes_EqualsScoreBitForBit()
    {
        // Lanes of very different sizes: another order of the horizontal sum, or another row in a lane, rounds differently.
        const int stride = 32, factors = 30, rows = 37;
        var random = new Random(5);
        float Next() => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 30)));
        var matrix = new FactorMatrix(Padded(rows, factors, stride, Next), rows, factors, stride);
        var queries = Padded(ScoringKernels.BlockQueries, factors, stride, Next);
        var paired = PairedRows.Build(matrix);
        var scoreStride = paired.Groups * PairedRows.GroupRows;
        var actual = new float[ScoringKernels.BlockQueries * scoreStride];
        ScoringKernels.ScoreBlockPaired(SimdWidth.Vector512, queries, ScoringKernels.BlockQueries, stride, paired, matrix.Storage, actual, scoreStride);
        for (var u = 0; u < ScoringKernels.BlockQueries; u++)
        {
            var expected = new float[rows];
            ScoringKernels.Score(SimdWidth.Vector512, queries.AsSpan(u * stride, stride), matrix.Storage, stride, expected);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.AsSpan(u * scoreStride, rows).ToArray().Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void SeededTopKSelect_ManyShapes_EqualsTopKSelect()
    {
        // Long enough for the bound (at least 256 scores), with filtered entries, ties, infinities and every k up to 20.
        var random = new Random(11);
        var seededPaths = 0;
        for (var trial = 0; trial < 600; trial++)
        {
            var n = random.Next(200, 1500);
            var nanShare = random.Next(4) switch { 0 => 0.0, 1 => 0.1, 2 => 0.6, _ => 0.97 };
            var kind = random.Next(4);
            var scores = new float[n];
            for (var i = 0; i < n; i++)
            {
                scores[i] = random.NextDouble() < nanShare ? float.NaN : kind switch
                {
                    0 => (float)random.NextDouble(),
                    1 => random.Next(-20, 20) * 0.5f,
                    2 => random.Next(8) == 0 ? float.NegativeInfinity : (float)(random.NextDouble() - 0.5),
                    _ => i % 97 == 0 ? 2f : (float)random.NextDouble(),
                };
            }

            var k = random.Next(1, 21);
            var expectedItems = new int[k];
            var expectedScores = new float[k];
            var expected = TopK.Select(scores, expectedItems, expectedScores, new int[k], new float[k]);
            var items = new int[k];
            var itemScores = new float[k];
            var candidates = new int[SeededTopK.MaxCandidates];
            var written = SeededTopK.Select(scores, items, itemScores, new int[k], new float[k], candidates, new float[SeededTopK.MaxCandidates]);
            Assert.Equal(expected, written);
            Assert.Equal(expectedItems.Take(expected), items.Take(written));
            Assert.Equal(expectedScores.Take(expected).Select(BitConverter.SingleToInt32Bits), itemScores.Take(written).Select(BitConverter.SingleToInt32Bits));
            seededPaths += n >= 4 * SeededTopK.Runs && k <= SeededTopK.MaxK ? 1 : 0;
        }

        // Most cases must be long enough and ask few enough items for the bound, or the test shows nothing.
        Assert.True(seededPaths > 200, $"only {seededPaths} cases could use the bound");
    }

    [Theory]
    [InlineData(nameof(SimdWidth.Vector512))]
    [InlineData(nameof(SimdWidth.Vector256))]
    public void RecommendAll_PairedRowsAndSeededSelection_EqualsUnpairedAndSingleCalls(string widthName)
    {
        var width = Enum.Parse<SimdWidth>(widthName);
        // 700 items (88 groups, the last one part padding), 45 users (blocks of 16 with quads and a remainder), 37 factors.
        const int users = 45, items = 700, factors = 37;
        var random = new Random(31);
        float[] Rows(int count) => [.. Enumerable.Range(0, count * factors).Select(_ => random.NextSingle() - 0.3f)];
        var model = AlsModel.FromFactors(new AlsOptions { Factors = factors, MaxDegreeOfParallelism = 2 }, Rows(users), Rows(items)).WithKernelWidth(width);
        var userItems = TestMatrices.Random(seed: 32, users, items, density: 0.05, minRating: 3);
        foreach (var count in new[] { 1, 10, 16, 17 })
        {
            var all = model.RecommendAll(userItems, count);
            var unpaired = model.RecommendAllUnpaired(userItems, count);
            var destination = new ScoredItem[count];
            for (var u = 0; u < users; u++)
            {
                var written = model.RecommendFullScan(u, userItems.GetColumnIndices(u), destination);
                AssertSame(destination.AsSpan(0, written).ToArray(), all[u], $"{width} k {count} user {u}");
                AssertSame(unpaired[u], all[u], $"{width} k {count} user {u} unpaired");
            }
        }
    }

    private static FactorMatrix Matrix(Random random, int rows, int factors, int stride) =>
        new(Padded(rows, factors, stride, () => random.NextSingle() - 0.5f), rows, factors, stride);

    /// <summary>Rows of <paramref name="factors"/> values from <paramref name="next"/>, zero up to <paramref name="stride"/>.</summary>
    private static float[] Padded(int rows, int factors, int stride, Func<float> next)
    {
        var data = new float[rows * stride];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < factors; f++)
            {
                data[(r * stride) + f] = next();
            }
        }

        return data;
    }

    private static void AssertSame(ScoredItem[] expected, ScoredItem[] actual, string what)
    {
        Assert.Equal(expected.Select(s => s.Item), actual.Select(s => s.Item));
        Assert.True(
            expected.Select(s => BitConverter.SingleToInt32Bits(s.Score)).SequenceEqual(actual.Select(s => BitConverter.SingleToInt32Bits(s.Score))), $"{what}: scores differ");
    }
}
