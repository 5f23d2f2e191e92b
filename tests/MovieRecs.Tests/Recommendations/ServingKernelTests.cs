using FsCheck.Xunit;
using MovieRecs.Internal;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Recommendations;

[Trait("Category", "Kernels")]
public class ServingKernelTests
{
    public static TheoryData<int> Strides() => [4, 8, 16, 24, 32, 64, 104, 128, 256];

    [Theory]
    [MemberData(nameof(Strides))]
    public void Score_EveryWidth_MatchesScalarReference(int stride)
    {
        var random = new Random(stride);
        foreach (var rows in new[] { 0, 1, 3, 4, 5, 9, 33 })
        {
            var query = Enumerable.Range(0, stride).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var matrix = Enumerable.Range(0, rows * stride).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var expected = new float[rows];
            ScoringKernels.ScoreScalar(query, matrix, stride, expected);
            foreach (var width in KernelTable.All)
            {
                var actual = new float[rows];
                ScoringKernels.Score(width, query, matrix, stride, actual);
                for (var r = 0; r < rows; r++)
                {
                    Assert.True(MathF.Abs(actual[r] - expected[r]) <= 1e-4f * (1 + MathF.Abs(expected[r])), $"{width} stride {stride} row {r}: {actual[r]} vs {expected[r]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Strides))]
    public void ScoreBlock_EqualsScoreBitForBit(int stride)
    {
        foreach (var width in KernelTable.All)
        {
            ScoreBlockAtWidth(width, stride);
        }
    }

    private static void ScoreBlockAtWidth(SimdWidth width, int stride)
    {
        var random = new Random(stride + 7);
        foreach (var rows in new[] { 0, 1, 2, 3, 8, 33 })
        {
            for (var queryCount = 1; queryCount <= ScoringKernels.BlockQueries; queryCount++)
            {
                // Queries zero past nonZero floats (padding) may have those skipped; the scores must not change.
                var nonZero = Math.Max(1, stride - 1 - (queryCount % 3 * 5));
                var queries = Enumerable.Range(0, queryCount * stride).Select(i => i % stride < nonZero ? (float)random.NextDouble() - 0.5f : 0f).ToArray();
                var matrix = Enumerable.Range(0, rows * stride).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                var scoreStride = rows + 3;
                var actual = Enumerable.Repeat(float.NaN, (queryCount * scoreStride) + 1).ToArray();
                ScoringKernels.ScoreBlock(width, queries, queryCount, matrix, stride, rows, actual, scoreStride, nonZero);
                for (var u = 0; u < queryCount; u++)
                {
                    var expected = new float[rows];
                    ScoringKernels.Score(width, queries.AsSpan(u * stride, stride), matrix, stride, expected);
                    Assert.Equal(expected, actual.AsSpan(u * scoreStride, rows).ToArray());
                    Assert.True(actual.AsSpan((u * scoreStride) + rows, u + 1 < queryCount ? 3 : 1).ToArray().All(float.IsNaN), "wrote past its rows");
                }
            }
        }
    }

    [Fact]
    public void ScoreBlock_WideRangeOfMagnitudes_EqualsScoreBitForBit()
    {
        // Lanes of very different sizes: any other order of the horizontal sum rounds differently somewhere.
        const int stride = 32, rows = 37;
        var random = new Random(3);
        float Next() => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 30)));
        var queries = Enumerable.Range(0, ScoringKernels.BlockQueries * stride).Select(_ => Next()).ToArray();
        var matrix = Enumerable.Range(0, rows * stride).Select(_ => Next()).ToArray();
        foreach (var width in KernelTable.All)
        {
            var actual = new float[ScoringKernels.BlockQueries * rows];
            ScoringKernels.ScoreBlock(width, queries, ScoringKernels.BlockQueries, matrix, stride, rows, actual, rows);
            for (var u = 0; u < ScoringKernels.BlockQueries; u++)
            {
                var expected = new float[rows];
                ScoringKernels.Score(width, queries.AsSpan(u * stride, stride), matrix, stride, expected);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.AsSpan(u * rows, rows).ToArray().Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SelectionArbitraries) })]
    public bool TopK_Select_EqualsSortWithTies(TopKCase c)
    {
        var scores = c.Scores;
        var k = c.K;
        var items = new int[k];
        var itemScores = new float[k];
        var written = TopK.Select(scores, items, itemScores, new int[k], new float[k]);
        var expected = scores.Select((s, i) => (s, i)).Where(p => !float.IsNaN(p.s)).OrderByDescending(p => p.s).ThenBy(p => p.i).Take(k).ToArray();
        return written == expected.Length
            && items.Take(written).SequenceEqual(expected.Select(e => e.i))
            && itemScores.Take(written).SequenceEqual(expected.Select(e => e.s));
    }

    [Theory]
    [InlineData(1, 1, 5)]
    [InlineData(7, 8, 9)]
    [InlineData(100, 112, 40)]
    [InlineData(37, 48, 17)]
    public void RowNorms_EveryWidth_AreTheRowsNormsAndZeroRowsCountAsTenToTheMinusTen(int factors, int stride, int count)
    {
        var random = new Random((factors * 1000) + count);
        var storage = new float[count * stride];
        for (var r = 1; r < count; r++)
        {
            // Row 0 stays all zero; the padding after each row's factors stays zero as a factor matrix keeps it.
            for (var f = 0; f < factors; f++)
            {
                storage[(r * stride) + f] = ((float)random.NextDouble() - 0.5f) * (r % 3 == 0 ? 1e-3f : 4f);
            }
        }

        var rows = new FactorMatrix(storage, count, factors, stride);
        foreach (var width in KernelTable.All)
        {
            var norms = new float[count];
            SimilarityKernels.RowNorms(width, rows, norms);
            Assert.Equal(1e-10f, norms[0]);
            for (var r = 1; r < count; r++)
            {
                var expected = Math.Sqrt(Enumerable.Range(0, factors).Sum(f => (double)storage[(r * stride) + f] * storage[(r * stride) + f]));
                Assert.True(Math.Abs(norms[r] - expected) <= 1e-6 * expected, $"{width} row {r}: {norms[r]} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 1)]
    [InlineData(8, 15)]
    [InlineData(100, 16)]
    [InlineData(37, 33)]
    public void SimilarityScore4_EveryWidth_MatchesScalarReference(int factors, int items)
    {
        var random = new Random(factors * 100 + items);
        var rows = Enumerable.Range(0, items * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var norms = Enumerable.Range(0, items).Select(i => MathF.Sqrt(rows.Skip(i * factors).Take(factors).Sum(v => v * v)) + 1e-10f).ToArray();
        var packed = SimilarityKernels.PackNormalized(new FactorMatrix(rows, items, factors, factors), norms).Span.ToArray();
        var queries = Enumerable.Range(0, 4 * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var expected = new float[4 * (items + 1)];
        SimilarityKernels.Score4Scalar(queries, packed, factors, items, expected, items + 1);
        foreach (var width in KernelTable.All)
        {
            var actual = new float[4 * (items + 1)];
            SimilarityKernels.Score4(width, queries, packed, factors, items, actual, items + 1);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + MathF.Abs(expected[i])), $"{width} {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }
}
