using System.Runtime.CompilerServices;

namespace MovieRecs.Sparse;

/// <summary>
/// An immutable sparse matrix in compressed sparse column (CSC) form: for each column, its row indices in
/// increasing order and their <see cref="float"/> values. For a user x item matrix, column access lists the users
/// of an item: this is the item side that the trainer reads.
/// </summary>
/// <remarks>
/// <para>Get one from a <see cref="CsrMatrix"/>: <see cref="CsrMatrix.ToCsc"/> converts in O(nnz + columns), and
/// <see cref="CsrMatrix.AsTransposedCsc"/> views the CSR of Aᵀ as the CSC of A in O(1), since both have the same
/// arrays. Column pointers are 64-bit; the row indices and values live in one array each, so a matrix holds at most
/// <see cref="Array.MaxLength"/> non-zeros.</para>
/// <para>Instances are immutable and safe to share across threads; spans returned by the accessors stay valid for
/// the matrix's lifetime.</para>
/// </remarks>
public sealed class CscMatrix
{
    // Column j of this matrix is row j of its transpose, held in CSR form.
    private readonly CsrMatrix _transpose;

    internal CscMatrix(CsrMatrix transpose) => _transpose = transpose;

    /// <summary>The number of rows.</summary>
    public int RowCount => _transpose.ColumnCount;

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _transpose.RowCount;

    /// <summary>The number of stored entries.</summary>
    public long NonZeroCount => _transpose.NonZeroCount;

    /// <summary>The column pointers (<see cref="ColumnCount"/> + 1 entries, starting at 0).</summary>
    public ReadOnlySpan<long> ColumnPointers => _transpose.RowPointers;

    /// <summary>The row indices of column <paramref name="column"/>, strictly increasing.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> GetRowIndices(int column)
    {
        SparseGuards.CheckIndex(column, ColumnCount, nameof(column));
        return _transpose.GetColumnIndices(column);
    }

    /// <summary>The values of column <paramref name="column"/>, in the order of <see cref="GetRowIndices(int)"/>.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetValues(int column)
    {
        SparseGuards.CheckIndex(column, ColumnCount, nameof(column));
        return _transpose.GetValues(column);
    }

    /// <summary>The number of entries stored in column <paramref name="column"/>.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    public int GetColumnNonZeroCount(int column)
    {
        SparseGuards.CheckIndex(column, ColumnCount, nameof(column));
        return _transpose.GetRowNonZeroCount(column);
    }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>), zero where nothing is stored.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float this[int row, int column]
    {
        get
        {
            SparseGuards.CheckIndex(column, ColumnCount, nameof(column));
            SparseGuards.CheckIndex(row, RowCount, nameof(row));
            return _transpose[column, row];
        }
    }

    /// <summary>The same matrix in CSR form, built by a counting sort in O(nnz + rows).</summary>
    /// <returns>The CSR matrix.</returns>
    public CsrMatrix ToCsr() => _transpose.Transpose();

    /// <summary>Views this matrix as the CSR form of its transpose, sharing storage (O(1)).</summary>
    /// <returns>A CSR matrix with <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    public CsrMatrix AsTransposedCsr() => _transpose;

    /// <summary>The dense array [row, column] of this matrix; meant for tests and small matrices.</summary>
    /// <returns>A new dense array.</returns>
    /// <exception cref="InvalidOperationException">The matrix has more cells than one array holds (<see cref="Array.MaxLength"/>).</exception>
    public float[,] ToDense()
    {
        SparseGuards.CheckDenseShape(RowCount, ColumnCount);
        return ToCsr().ToDense();
    }

    /// <summary>The number of entries in each row.</summary>
    /// <returns>A new array of <see cref="RowCount"/> counts.</returns>
    public int[] GetRowCounts() => _transpose.GetColumnCounts();

    /// <summary>The number of entries in each column.</summary>
    /// <returns>A new array of <see cref="ColumnCount"/> counts.</returns>
    public int[] GetColumnCounts() => _transpose.GetRowCounts();

    /// <summary>Whether <paramref name="other"/> has the same shape and the same entries, bit for bit (a stored -0
    /// differs from a stored 0).</summary>
    /// <param name="other">The matrix to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool ContentEquals(CscMatrix? other) => other is not null && _transpose.ContentEquals(other._transpose);

    /// <inheritdoc/>
    public override string ToString() => $"CscMatrix {RowCount} x {ColumnCount}, {NonZeroCount} non-zeros";
}
