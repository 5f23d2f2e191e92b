using MovieRecs.Sparse;

namespace MovieRecs.Tests.Sparse;

public class CscMatrixTests
{
    private static CscMatrix Sample() =>
        // [ 0 2 0 1 ]
        // [ 0 0 0 0 ]
        // [ 5 0 3 0 ]
        CsrMatrix.FromTriplets(3, 4, [2, 0, 2, 0], [2, 3, 0, 1], [3f, 1f, 5f, 2f]).ToCsc();

    [Fact]
    public void Accessors_ListTheRowsOfEachColumn()
    {
        var m = Sample();
        Assert.Equal((3, 4, 4L), (m.RowCount, m.ColumnCount, m.NonZeroCount));
        Assert.Equal([0L, 1, 2, 3, 4], m.ColumnPointers.ToArray());
        Assert.Equal([2], m.GetRowIndices(0).ToArray());
        Assert.Equal([3f], m.GetValues(2).ToArray());
        Assert.Equal(1, m.GetColumnNonZeroCount(3));
        Assert.Equal(2f, m[0, 1]);
        Assert.Equal(0f, m[1, 1]);
        Assert.Equal([2, 0, 2], m.GetRowCounts());
        Assert.Equal([1, 1, 1, 1], m.GetColumnCounts());
        Assert.Equal("CscMatrix 3 x 4, 4 non-zeros", m.ToString());
    }

    [Fact]
    public void Accessors_OutOfRange_NameTheColumnOrRowAndTheValue()
    {
        var m = Sample();

        // A column past the end is named as the column, not as a row of the transpose the matrix views.
        var column = Assert.Throws<ArgumentOutOfRangeException>(() => m.GetRowIndices(4));
        Assert.Equal(("column", 4), (column.ParamName, column.ActualValue));
        Assert.StartsWith("column must be in [0, 4).", column.Message, StringComparison.Ordinal);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => m.GetValues(-1)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => m.GetColumnNonZeroCount(4)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => m[0, 4]).ParamName);
        var row = Assert.Throws<ArgumentOutOfRangeException>(() => m[3, 0]);
        Assert.Equal(("row", 3), (row.ParamName, row.ActualValue));
        Assert.StartsWith("row must be in [0, 3).", row.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsTransposedCsr_SharesTheMatrix()
    {
        var csr = CsrMatrix.FromTriplets(2, 3, [0, 1], [2, 0], [1f, 4f]);

        Assert.Same(csr, csr.AsTransposedCsc().AsTransposedCsr());
        Assert.False(csr.ToCsc().ContentEquals(null));
    }
}
