using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// An immutable sparse matrix in compressed sparse column (CSC) form: for each column, its row indices in
/// increasing order and their <see cref="float"/> values. For a user x item matrix, column access lists the users
/// of an item.
/// </summary>
/// <remarks>
/// <para>Column pointers are 64-bit; the row indices and values live in one array each, so a matrix holds at most
/// <see cref="Array.MaxLength"/> non-zeros. Instances are immutable and safe to share across threads; spans returned
/// by the accessors stay valid for the matrix's lifetime.</para>
/// <para>The CSC form of A has the same arrays as the CSR form of Aᵀ: <see cref="AsTransposedCsr"/> is O(1).</para>
/// </remarks>
public sealed class CscMatrix
{
    private readonly CompressedStorage _storage;

    internal CscMatrix(CompressedStorage storage) => _storage = storage;

    internal CompressedStorage Storage => _storage;

    /// <summary>The number of rows.</summary>
    public int RowCount => _storage.MinorCount;

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _storage.MajorCount;

    /// <summary>The number of stored entries.</summary>
    public long NonZeroCount => _storage.NonZeroCount;

    /// <summary>The column pointers (<see cref="ColumnCount"/> + 1 entries, starting at 0).</summary>
    public ReadOnlySpan<long> ColumnPointers => _storage.Pointers;

    /// <summary>The row indices of column <paramref name="column"/>, strictly increasing.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> GetRowIndices(int column)
    {
        CheckColumn(column);
        return _storage.Indices(column);
    }

    /// <summary>The values of column <paramref name="column"/>, in the order of <see cref="GetRowIndices(int)"/>.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetValues(int column)
    {
        CheckColumn(column);
        return _storage.Values(column);
    }

    /// <summary>The number of entries stored in column <paramref name="column"/>.</summary>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is out of range.</exception>
    public int GetColumnNonZeroCount(int column)
    {
        CheckColumn(column);
        return _storage.Count(column);
    }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>), zero where nothing is stored.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float this[int row, int column]
    {
        get
        {
            CheckColumn(column);
            if ((uint)row >= (uint)RowCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(row), row, $"row must be in [0, {RowCount}).");
            }

            return _storage.ValueAt(column, row);
        }
    }

    /// <summary>Builds a matrix from coordinate (COO) triplets in any order (see <see cref="CsrMatrix.FromTriplets"/>).</summary>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="columnCount">The number of columns.</param>
    /// <param name="rows">The row index of each triplet.</param>
    /// <param name="columns">The column index of each triplet.</param>
    /// <param name="values">The value of each triplet (finite).</param>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or an index out of range.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, a value is not finite, or a duplicate is found with <see cref="DuplicateHandling.Throw"/>.</exception>
    public static CscMatrix FromTriplets(int rowCount, int columnCount, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, SparseBuildOptions? options = null)
    {
        CsrMatrix.CheckTripletLengths(rows.Length, columns.Length, values.Length);
        return new CscMatrix(CompressedStorage.FromTriplets(columnCount, rowCount, columns, rows, values, options ?? SparseBuildOptions.Default, "column", "row"));
    }

    /// <summary>Creates a matrix from raw CSC arrays, validating them (see <see cref="CsrMatrix.FromArrays"/>). The arrays are copied.</summary>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="columnCount">The number of columns.</param>
    /// <param name="columnPointers"><paramref name="columnCount"/> + 1 column pointers.</param>
    /// <param name="rowIndices">The row index of each entry.</param>
    /// <param name="values">The value of each entry.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The arrays are inconsistent; the message names the first bad position.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static CscMatrix FromArrays(int rowCount, int columnCount, ReadOnlySpan<long> columnPointers, ReadOnlySpan<int> rowIndices, ReadOnlySpan<float> values) =>
        new(CompressedStorage.FromArrays(columnCount, rowCount, columnPointers, rowIndices, values, nameof(columnPointers), nameof(rowIndices), nameof(values), "column", "row"));

    /// <summary>Creates a matrix holding the non-zero entries of a dense array indexed [row, column].</summary>
    /// <param name="dense">The dense matrix.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dense"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public static CscMatrix FromDense(float[,] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var (rows, columns, values) = CsrMatrix.DenseToTriplets(dense);
        return FromTriplets(dense.GetLength(0), dense.GetLength(1), rows, columns, values);
    }

    /// <summary>The same matrix in CSR form, built by a counting sort in O(nnz + rows).</summary>
    /// <returns>The CSR matrix.</returns>
    public CsrMatrix ToCsr() => new(_storage.Transpose());

    /// <summary>The transpose, as CSC, in O(nnz + rows).</summary>
    /// <returns>A CSC matrix with <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    public CscMatrix Transpose() => new(_storage.Transpose());

    /// <summary>Views this matrix as the CSR form of its transpose, sharing storage (O(1)).</summary>
    /// <returns>A CSR matrix with <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    public CsrMatrix AsTransposedCsr() => new(_storage);

    /// <summary>The dense array [row, column] of this matrix; meant for tests and small matrices.</summary>
    /// <returns>A new dense array.</returns>
    public float[,] ToDense() => _storage.ToDense(transposed: true);

    /// <summary>The same structure with every value multiplied by <paramref name="factor"/>.</summary>
    /// <param name="factor">A finite factor.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite.</exception>
    public CscMatrix Scale(float factor)
    {
        SparseGuards.CheckFinite(factor, nameof(factor));
        return new(_storage.MapValues(new ScaleMap(factor)));
    }

    /// <summary>The same structure with every value set to 1.</summary>
    /// <returns>A new matrix.</returns>
    public CscMatrix Binarize() => new(_storage.MapValues(new ConstantMap(1f)));

    /// <summary>Keeps only the entries whose value is at least <paramref name="minimum"/>.</summary>
    /// <param name="minimum">The threshold (inclusive).</param>
    /// <returns>A new matrix with the same shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimum"/> is NaN.</exception>
    public CscMatrix KeepAtLeast(float minimum)
    {
        if (float.IsNaN(minimum))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(minimum), minimum, "The threshold must not be NaN.");
        }

        return new(_storage.Where(new AtLeastFilter(minimum)));
    }

    /// <summary>The number of entries in each row.</summary>
    /// <returns>A new array of <see cref="RowCount"/> counts.</returns>
    public int[] GetRowCounts() => _storage.MinorCounts();

    /// <summary>The number of entries in each column.</summary>
    /// <returns>A new array of <see cref="ColumnCount"/> counts.</returns>
    public int[] GetColumnCounts() => _storage.MajorCounts();

    /// <summary>Whether <paramref name="other"/> has the same shape and the same entries, bit for bit.</summary>
    /// <param name="other">The matrix to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool ContentEquals(CscMatrix? other) => other is not null && _storage.ContentEquals(other._storage);

    /// <inheritdoc/>
    public override string ToString() => $"CscMatrix {RowCount} x {ColumnCount}, {NonZeroCount} non-zeros";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckColumn(int column)
    {
        if ((uint)column >= (uint)_storage.MajorCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(column), column, $"column must be in [0, {_storage.MajorCount}).");
        }
    }
}
