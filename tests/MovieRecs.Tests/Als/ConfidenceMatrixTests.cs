using MovieRecs.Als;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Als;

public class ConfidenceMatrixTests
{
    private static CsrMatrix Segmented(CsrMatrix matrix)
    {
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < matrix.RowCount; r++)
        {
            foreach (var (c, v) in matrix.GetColumnIndices(r).ToArray().Zip(matrix.GetValues(r).ToArray()))
            {
                rows.Add(r);
                columns.Add(c);
                values.Add(v);
            }
        }

        var segmented = CsrMatrix.FromTriplets(
            matrix.RowCount, matrix.ColumnCount, rows.ToArray(), columns.ToArray(), values.ToArray(), new SparseBuildOptions { SegmentCapacity = 16 });
        Assert.True(segmented.Storage.SegmentCount > 1);
        return segmented;
    }

    private static void AssertSameRows(ConfidenceMatrix expected, ConfidenceMatrix actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        Assert.Equal(expected.MaxRowNonZeros, actual.MaxRowNonZeros);
        for (var r = 0; r < expected.RowCount; r++)
        {
            Assert.Equal(expected.RowColumns(r).ToArray(), actual.RowColumns(r).ToArray());
            Assert.Equal(expected.RowConfidence(r).ToArray(), actual.RowConfidence(r).ToArray());
        }
    }

    [Fact]
    public void FromCsr_AlphaOne_SharesTheMatrixArrays()
    {
        var matrix = TestMatrices.Random(3, users: 30, items: 20, density: 0.3);
        Assert.True(matrix.Storage.TryGetContiguousArrays(out var pointers, out var indices, out var values));

        var confidence = ConfidenceMatrix.FromCsr(matrix, 1f, "userItems");

        Assert.Same(pointers, confidence.RowPointers);
        Assert.Same(indices, confidence.Columns);
        Assert.Same(values, confidence.Confidence);
        Assert.Equal(matrix.NonZeroCount, confidence.NonZeroCount);
    }

    [Fact]
    public void FromCsr_OtherAlpha_SharesStructureAndScalesACopy()
    {
        var matrix = TestMatrices.Random(4, users: 30, items: 20, density: 0.3);
        var before = matrix.GetValues(0).ToArray();
        Assert.True(matrix.Storage.TryGetContiguousArrays(out _, out var indices, out var values));

        var confidence = ConfidenceMatrix.FromCsr(matrix, 2.5f, "userItems");

        Assert.Same(indices, confidence.Columns);
        Assert.NotSame(values, confidence.Confidence);
        Assert.Equal(values.Select(v => 2.5f * v), confidence.Confidence);
        Assert.Equal(before, matrix.GetValues(0).ToArray());
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(40f)]
    public void FromCsr_SegmentedMatrix_CopiesTheSameConfidences(float alpha)
    {
        var matrix = TestMatrices.Random(5, users: 40, items: 25, density: 0.3, negatives: true);
        var shared = ConfidenceMatrix.FromCsr(matrix, alpha, "userItems");
        var copied = ConfidenceMatrix.FromCsr(Segmented(matrix), alpha, "userItems");
        AssertSameRows(shared, copied);
        AssertSameRows(shared.Transpose(), copied.Transpose());
    }

    [Theory]
    [InlineData(1f, false)]
    [InlineData(1f, true)]
    [InlineData(4f, false)]
    [InlineData(4f, true)]
    public void FromCsr_NonFiniteConfidence_ThrowsNamingTheEntry(float alpha, bool segmented)
    {
        // Values 1 and 3 scaled so that 1 stays finite and 3 overflows, in Scale (alpha 1) or times alpha.
        var options = segmented ? new SparseBuildOptions { SegmentCapacity = 1 } : SparseBuildOptions.Default;
        var input = CsrMatrix.FromTriplets(3, 4, [0, 2, 2], [1, 0, 3], [1f, 1f, 3f], options).Scale(alpha == 1f ? 2e38f : 5e37f);
        Assert.Equal(segmented, input.Storage.SegmentCount > 1);

        var error = Assert.Throws<ArgumentException>(() => ConfidenceMatrix.FromCsr(input, alpha, "userItems"));

        Assert.Equal("userItems", error.ParamName);
        Assert.Contains("userItems[2, 3]", error.Message, StringComparison.Ordinal);
    }
}
