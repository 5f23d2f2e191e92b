using MovieRecs.Sparse;

namespace MovieRecs.Tests.Sparse;

public class CsrMatrixTests
{
    private static CsrMatrix Sample() =>
        // [ 0 2 0 1 ]
        // [ 0 0 0 0 ]
        // [ 5 0 3 0 ]
        CsrMatrix.FromTriplets(3, 4, [2, 0, 2, 0], [2, 3, 0, 1], [3f, 1f, 5f, 2f]);

    [Fact]
    public void FromTriplets_UnsortedInput_SortsColumnsPerRow()
    {
        var m = Sample();
        Assert.Equal([1, 3], m.GetColumnIndices(0).ToArray());
        Assert.Equal([2f, 1f], m.GetValues(0).ToArray());
        Assert.Empty(m.GetColumnIndices(1).ToArray());
        Assert.Equal([0, 2], m.GetColumnIndices(2).ToArray());
        Assert.Equal([0L, 2, 2, 4], m.RowPointers.ToArray());
        Assert.Equal(4, m.NonZeroCount);
    }

    [Fact]
    public void FromTriplets_Duplicates_SummedByDefault()
    {
        var m = CsrMatrix.FromTriplets(1, 2, [0, 0, 0], [1, 1, 0], [2f, 3f, 1f]);
        Assert.Equal(5f, m[0, 1]);
        Assert.Equal(2, m.NonZeroCount);
    }

    [Fact]
    public void FromTriplets_DuplicatesMax_KeepsLargest()
    {
        var m = CsrMatrix.FromTriplets(1, 2, [0, 0], [1, 1], [2f, 4f], new SparseBuildOptions { Duplicates = DuplicateHandling.Max });
        Assert.Equal(4f, m[0, 1]);
    }

    [Fact]
    public void FromTriplets_DuplicatesThrow_NamesPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            CsrMatrix.FromTriplets(3, 3, [2, 2], [1, 1], [1f, 1f], new SparseBuildOptions { Duplicates = DuplicateHandling.Throw }));
        Assert.Contains("row 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("column 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTriplets_ExplicitZeros_DroppedUnlessKept()
    {
        int[] rows = [0, 0, 0];
        int[] columns = [0, 1, 1];
        float[] values = [0f, 2f, -2f];
        Assert.Equal(0, CsrMatrix.FromTriplets(1, 2, rows, columns, values).NonZeroCount);
        var kept = CsrMatrix.FromTriplets(1, 2, rows, columns, values, new SparseBuildOptions { KeepExplicitZeros = true });
        Assert.Equal(2, kept.NonZeroCount);
        Assert.Equal([0, 1], kept.GetColumnIndices(0).ToArray());
        Assert.Equal(0, kept.EliminateZeros().NonZeroCount);
    }

    [Fact]
    public void FromTriplets_RowOutOfRange_NamesPositionAndValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromTriplets(2, 2, [0, 7], [0, 0], [1f, 1f]));
        Assert.Equal("rows", ex.ParamName);
        Assert.Contains("rows[1] is 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTriplets_NegativeColumn_NamesPositionAndValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromTriplets(2, 2, [0], [-1], [1f]));
        Assert.Equal("columns", ex.ParamName);
        Assert.Contains("columns[0] is -1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void FromTriplets_NonFiniteValue_Throws(float bad)
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromTriplets(1, 1, [0], [0], [bad]));
        Assert.Equal("values", ex.ParamName);
    }

    [Fact]
    public void FromTriplets_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromTriplets(1, 1, [0, 0], [0], [1f]));
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromTriplets(1, 1, [0], [0], [1f, 2f]));
    }

    [Fact]
    public void FromTriplets_NegativeShape_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromTriplets(-1, 1, [], [], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrMatrix.FromTriplets(1, -1, [], [], []));
    }

    [Fact]
    public void FromTriplets_EmptyShapes_Work()
    {
        var empty = CsrMatrix.FromTriplets(0, 0, [], [], []);
        Assert.Equal(0, empty.RowCount);
        Assert.Equal([0L], empty.RowPointers.ToArray());
        Assert.Equal(0, empty.Transpose().RowCount);
        var noColumns = CsrMatrix.FromTriplets(3, 0, [], [], []);
        Assert.Equal(3, noColumns.Transpose().ColumnCount);
    }

    [Theory]
    [InlineData(int.MaxValue, 3, "rowCount")]
    [InlineData(3, int.MaxValue, "columnCount")]
    [InlineData(2_147_483_591, 0, "rowCount")]
    [InlineData(0, 2_147_483_591, "columnCount")]
    public void Constructors_DimensionBeyondArrayLimit_ThrowNamingIt(int rowCount, int columnCount, string named)
    {
        // Array.MaxLength (2,147,483,591) rows or columns would need one pointer more than an array holds: building
        // overflowed, or the matrix was made and its transpose (ToCsc) overflowed later.
        var expected = $"{named} is {(named == "rowCount" ? rowCount : columnCount)}; a sparse matrix has at most 2,147,483,590 rows and columns";
        void Check(Action build)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(build);
            Assert.Equal(named, ex.ParamName);
            Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        }

        Check(() => CsrMatrix.FromTriplets(rowCount, columnCount, [], [], []));
        Check(() => CsrMatrix.FromTriplets(rowCount, columnCount, [0, 0], [0, 0], [1f, 1f]));
        Check(() => _ = new SparseMatrixBuilder(rowCount, columnCount));
        if (named == "columnCount")
        {
            Check(() => CsrMatrix.FromArrays(rowCount, columnCount, new long[rowCount + 1], [], []));
        }
    }

    [Fact]
    public void ToDense_MoreCellsThanAnArrayHolds_ThrowsNamingTheShape()
    {
        // 3 x 1,000,000,000 cells: no dense array can hold them (the framework threw a bare OutOfMemoryException).
        var wide = CsrMatrix.FromTriplets(3, 1_000_000_000, [1], [999_999_999], [2f]);
        var ex = Assert.Throws<InvalidOperationException>(() => wide.ToDense());
        Assert.StartsWith("A dense 3 x 1000000000 array would have 3,000,000,000 cells; one .NET array holds at most 2,147,483,591.", ex.Message, StringComparison.Ordinal);

        // The CSC view of its transpose is refused before it is converted (which would take 8 GB of row pointers).
        ex = Assert.Throws<InvalidOperationException>(() => wide.AsTransposedCsc().ToDense());
        Assert.StartsWith("A dense 1000000000 x 3 array would have 3,000,000,000 cells;", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentEquals_IsBitForBit_NegativeZeroIsNotZero()
    {
        // Float equality says -0 == 0; the promise is bit for bit, which round-trip tests of stored matrices rely on.
        var keep = new SparseBuildOptions { KeepExplicitZeros = true };
        var zero = CsrMatrix.FromTriplets(1, 2, [0], [1], [0f], keep);
        var negativeZero = CsrMatrix.FromTriplets(1, 2, [0], [1], [-0f], keep);
        Assert.False(zero.ContentEquals(negativeZero));
        Assert.False(zero.ToCsc().ContentEquals(negativeZero.ToCsc()));
        Assert.True(negativeZero.ContentEquals(CsrMatrix.FromTriplets(1, 2, [0], [1], [-0f], keep)));
    }

    [Fact]
    public void FromDense_NonFiniteValue_NamesPosition()
    {
        Assert.Throws<ArgumentNullException>(() => CsrMatrix.FromDense(null!));
        // The cell of the caller's array, not the position of the triplet built from it.
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromDense(new float[,] { { 0f, 1f }, { float.NaN, 0f } }));
        Assert.Equal("dense", ex.ParamName);
        Assert.StartsWith("dense[1, 0] is NaN; values must be finite.", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromDense(new float[,] { { float.NegativeInfinity } }));
        Assert.StartsWith("dense[0, 0] is -", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_DecreasingPointer_NamesPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(2, 3, [0, 2, 1], [0, 1], [1f, 1f]));
        Assert.Equal("rowPointers", ex.ParamName);
        Assert.Contains("decreases at 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_MaximalRowCount_SaysHowManyPointersWereExpected()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(int.MaxValue, 3, [0], [], []));
        Assert.Equal("rowPointers", ex.ParamName);
        Assert.Contains("expected row count + 1 = 2147483648.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_UnsortedColumns_NamesPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [0, 2], [2, 1], [1f, 1f]));
        Assert.Equal("columnIndices", ex.ParamName);
        Assert.Contains("columnIndices[1] is 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_DuplicateColumns_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [0, 2], [1, 1], [1f, 1f]));
        Assert.Contains("strictly increasing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_ColumnOutOfRange_NamesPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [0, 1], [3], [1f]));
        Assert.Contains("columnIndices[0] is 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_NonFiniteValue_NamesPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [0, 2], [0, 2], [1f, float.NaN]));
        Assert.Equal("values", ex.ParamName);
        Assert.Contains("values[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromArrays_WrongPointerCountOrEnd_Throws()
    {
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(2, 3, [0, 1], [0], [1f]));
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [1, 1], [0], [1f]));
        Assert.Throws<ArgumentException>(() => CsrMatrix.FromArrays(1, 3, [0, 2], [0], [1f]));
    }

    [Fact]
    public void ValueMaps_TransformValuesKeepStructure()
    {
        var m = Sample();
        Assert.Equal([4f, 2f], m.Scale(2f).GetValues(0).ToArray());
        Assert.Equal([1f, 1f], m.Binarize().GetValues(2).ToArray());
        Assert.Equal(MathF.Log(1f + 5f), m.LogScale().GetValues(2)[0]);
        Assert.Equal([-2f, -1f], m.MapValues(v => -v).GetValues(0).ToArray());
        var filtered = m.KeepAtLeast(3f);
        Assert.Equal(2, filtered.NonZeroCount);
        Assert.Equal(m.RowCount, filtered.RowCount);
        Assert.Equal([0, 2], filtered.GetColumnIndices(2).ToArray());
        Assert.Empty(filtered.GetColumnIndices(0).ToArray());
    }

    [Fact]
    public void ValueMaps_BadArguments_Throw()
    {
        var m = Sample();
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Scale(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.KeepAtLeast(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.LogScale(-1f));
        Assert.Throws<InvalidOperationException>(() => m.MapValues(_ => float.NaN));
    }

    [Fact]
    public void ValueMaps_ResultsBeyondFloat_ThrowNamingTheEntry()
    {
        // Rows 0 and 2 hold 2 and 5 (row 1 is empty), so the first overflow is at row 2, column 0.
        var m = CsrMatrix.FromTriplets(3, 3, [0, 2, 2], [1, 0, 2], [2f, 5f, 1f]);
        var scaled = Assert.Throws<InvalidOperationException>(() => m.Scale(1e38f));
        Assert.Contains("value 5 at row 2, column 0", scaled.Message, StringComparison.Ordinal);
        Assert.Contains($"to {float.PositiveInfinity}", scaled.Message, StringComparison.Ordinal);
        m.Scale(6e37f);

        var negative = CsrMatrix.FromTriplets(2, 3, [0, 1, 1], [2, 0, 1], [3f, 1f, -1f]);
        var logged = Assert.Throws<InvalidOperationException>(() => negative.LogScale());
        Assert.Contains("value -1 at row 1, column 1", logged.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => negative.LogScale(2f));
        Assert.Equal(MathF.Log(1f + (0.5f * -1f)), negative.LogScale(0.5f).GetValues(1)[1]);
        Assert.Throws<InvalidOperationException>(() => m.LogScale(1e38f));
    }

    [Fact]
    public void FromTriplets_DuplicatesSummingBeyondFloat_ThrowNamingTheEntry()
    {
        var error = Assert.Throws<ArgumentException>(() => CsrMatrix.FromTriplets(2, 2, [1, 0, 1], [1, 0, 1], [3e38f, 1f, 3e38f]));
        Assert.Equal("values", error.ParamName);
        Assert.Contains("row 1, column 1", error.Message, StringComparison.Ordinal);
        var builder = new SparseMatrixBuilder(2, 2);
        builder.Add(0, 1, -3e38f);
        builder.Add(0, 1, -3e38f);
        Assert.Throws<ArgumentException>(() => builder.ToCsr());
        Assert.Equal(3e38f, CsrMatrix.FromTriplets(1, 1, [0, 0], [0, 0], [3e38f, 3e38f], new SparseBuildOptions { Duplicates = DuplicateHandling.Max }).GetValues(0)[0]);
    }

    [Fact]
    public void AppendRow_AddsRowWithoutChangingExisting()
    {
        var m = Sample();
        var grown = m.AppendRow([3, 1, 3], [1f, 4f, 1f]);
        Assert.Equal(4, grown.RowCount);
        Assert.Equal(m.ColumnCount, grown.ColumnCount);
        for (var r = 0; r < m.RowCount; r++)
        {
            Assert.Equal(m.GetColumnIndices(r).ToArray(), grown.GetColumnIndices(r).ToArray());
            Assert.Equal(m.GetValues(r).ToArray(), grown.GetValues(r).ToArray());
        }

        Assert.Equal([1, 3], grown.GetColumnIndices(3).ToArray());
        Assert.Equal([4f, 2f], grown.GetValues(3).ToArray());
        Assert.Equal(3, m.RowCount); // the original is untouched
    }

    [Fact]
    public void AppendRows_TooManyColumns_Throws()
    {
        var wide = CsrMatrix.FromTriplets(1, 9, [0], [8], [1f]);
        Assert.Throws<ArgumentException>(() => Sample().AppendRows(wide));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample().AppendRow([4], [1f]));
    }

    [Fact]
    public void Accessors_OutOfRange_Throw()
    {
        var m = Sample();
        Assert.Throws<ArgumentOutOfRangeException>(() => m.GetColumnIndices(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.GetValues(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => m[0, 4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.ToCsc().GetRowIndices(4));
    }

    [Fact]
    public void AsTransposedCsc_SharesStorage()
    {
        var m = Sample();
        var view = m.AsTransposedCsc();
        Assert.Equal(m.ColumnCount, view.RowCount);
        Assert.True(CsrMatrixPropertyTests.DenseEqual(view.ToDense(), m.Transpose().ToDense()));
        Assert.True(view.AsTransposedCsr().ContentEquals(m));
    }
}
