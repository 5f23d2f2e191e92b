using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// An immutable sparse matrix in compressed sparse row (CSR) form: for each row, its column indices in
/// increasing order and their <see cref="float"/> values. The user x item interaction matrix of a recommender is
/// one of these: one row per user, one column per item.
/// </summary>
/// <remarks>
/// <para>The column indices and values of all rows live in one array each, so a matrix holds at most
/// <see cref="Array.MaxLength"/> (2,147,483,591) non-zeros; an operation whose result would hold more throws an
/// <see cref="InvalidOperationException"/> naming the count and the limit. Row pointers are 64-bit, as scipy's are
/// for large matrices.</para>
/// <para>Instances are immutable and safe to share across threads. Every transformation returns a new matrix.
/// Spans returned by the accessors point into the matrix's own storage and stay valid for its lifetime.</para>
/// </remarks>
public sealed class CsrMatrix
{
    private readonly CompressedStorage _storage;

    internal CsrMatrix(CompressedStorage storage) => _storage = storage;

    internal CompressedStorage Storage => _storage;

    /// <summary>The number of rows.</summary>
    public int RowCount => _storage.MajorCount;

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _storage.MinorCount;

    /// <summary>The number of stored entries.</summary>
    public long NonZeroCount => _storage.NonZeroCount;

    /// <summary>
    /// The row pointers: row <c>r</c> holds entries <c>RowPointers[r]</c> to <c>RowPointers[r + 1] - 1</c>
    /// (<see cref="RowCount"/> + 1 entries, starting at 0).
    /// </summary>
    public ReadOnlySpan<long> RowPointers => _storage.Pointers;

    /// <summary>The column indices of row <paramref name="row"/>, strictly increasing.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> GetColumnIndices(int row)
    {
        CheckRow(row);
        return _storage.Indices(row);
    }

    /// <summary>The values of row <paramref name="row"/>, in the order of <see cref="GetColumnIndices(int)"/>.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetValues(int row)
    {
        CheckRow(row);
        return _storage.Values(row);
    }

    /// <summary>The number of entries stored in row <paramref name="row"/>.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public int GetRowNonZeroCount(int row)
    {
        CheckRow(row);
        return _storage.Count(row);
    }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>), zero where nothing is stored.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <param name="column">The column, in <c>[0, ColumnCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <remarks>O(log of the row's entry count), by binary search.</remarks>
    public float this[int row, int column]
    {
        get
        {
            CheckRow(row);
            if ((uint)column >= (uint)ColumnCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(column), column, $"column must be in [0, {ColumnCount}).");
            }

            return _storage.ValueAt(row, column);
        }
    }

    /// <summary>
    /// Builds a matrix from coordinate (COO) triplets in any order: indices are sorted within each row, duplicates
    /// are combined (summed by default, as scipy does) and zeros dropped unless <paramref name="options"/> says
    /// otherwise.
    /// </summary>
    /// <param name="rowCount">The number of rows (at least 0).</param>
    /// <param name="columnCount">The number of columns (at least 0).</param>
    /// <param name="rows">The row index of each triplet.</param>
    /// <param name="columns">The column index of each triplet.</param>
    /// <param name="values">The value of each triplet (finite).</param>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or a triplet's index is out of range (the message names its position and value).</exception>
    /// <exception cref="ArgumentException">The spans differ in length, a value is not finite, or a duplicate is found with <see cref="DuplicateHandling.Throw"/>.</exception>
    /// <remarks>O(nnz + rowCount) plus the sort of rows that are not already in column order. Allocates the result
    /// and one 64-bit counter per row.</remarks>
    public static CsrMatrix FromTriplets(int rowCount, int columnCount, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, SparseBuildOptions? options = null)
    {
        CheckTripletLengths(rows.Length, columns.Length, values.Length);
        return new CsrMatrix(CompressedStorage.FromTriplets(rowCount, columnCount, rows, columns, values, options ?? SparseBuildOptions.Default, "row", "column"));
    }

    /// <summary>
    /// Creates a matrix from raw CSR arrays, validating them: pointers start at 0 and never decrease, the last
    /// pointer equals the number of entries, column indices are in range and strictly increasing within each row,
    /// and values are finite. The arrays are copied.
    /// </summary>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="columnCount">The number of columns.</param>
    /// <param name="rowPointers"><paramref name="rowCount"/> + 1 row pointers.</param>
    /// <param name="columnIndices">The column index of each entry.</param>
    /// <param name="values">The value of each entry.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The arrays are inconsistent; the message names the first bad position.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static CsrMatrix FromArrays(int rowCount, int columnCount, ReadOnlySpan<long> rowPointers, ReadOnlySpan<int> columnIndices, ReadOnlySpan<float> values) =>
        new(CompressedStorage.FromArrays(rowCount, columnCount, rowPointers, columnIndices, values, nameof(rowPointers), nameof(columnIndices), nameof(values), "row", "column"));

    /// <summary>Creates a matrix holding the non-zero entries of a dense array indexed [row, column].</summary>
    /// <param name="dense">The dense matrix.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dense"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public static CsrMatrix FromDense(float[,] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var (rows, columns, values) = DenseToTriplets(dense);
        return FromTriplets(dense.GetLength(0), dense.GetLength(1), rows, columns, values);
    }

    /// <summary>The same matrix in CSC form (column-major), built by a counting sort in O(nnz + columns).</summary>
    /// <returns>The CSC matrix.</returns>
    public CscMatrix ToCsc() => new(_storage.Transpose());

    /// <summary>The transpose (columns become rows), as CSR, in O(nnz + columns).</summary>
    /// <returns>The transposed matrix: <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    /// <remarks>For a user x item matrix this gives the item x user matrix that the item half-step of ALS reads.</remarks>
    public CsrMatrix Transpose() => new(_storage.Transpose());

    /// <summary>Views this matrix as the CSC form of its transpose, sharing storage (O(1)).</summary>
    /// <returns>A CSC matrix with <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    public CscMatrix AsTransposedCsc() => new(_storage);

    /// <summary>The dense array [row, column] of this matrix; meant for tests and small matrices.</summary>
    /// <returns>A new dense array.</returns>
    public float[,] ToDense() => _storage.ToDense(transposed: false);

    /// <summary>The same structure with every value multiplied by <paramref name="factor"/> (e.g. confidence = alpha x rating).</summary>
    /// <param name="factor">A finite factor.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite.</exception>
    public CsrMatrix Scale(float factor)
    {
        SparseGuards.CheckFinite(factor, nameof(factor));
        return new(_storage.MapValues(new ScaleMap(factor)));
    }

    /// <summary>The same structure with every value set to 1.</summary>
    /// <returns>A new matrix.</returns>
    public CsrMatrix Binarize() => new(_storage.MapValues(new ConstantMap(1f)));

    /// <summary>The same structure with every value v replaced by log(1 + scale x v) (a common confidence scaling).</summary>
    /// <param name="scale">A finite, non-negative scale.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is negative or not finite.</exception>
    public CsrMatrix LogScale(float scale = 1f)
    {
        SparseGuards.CheckFinite(scale, nameof(scale));
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        return new(_storage.MapValues(new Log1pMap(scale)));
    }

    /// <summary>The same structure with every value transformed by <paramref name="map"/>.</summary>
    /// <param name="map">The transform; it must return finite values.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="map"/> returned a non-finite value.</exception>
    public CsrMatrix MapValues(Func<float, float> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(_storage.MapValues(new DelegateMap(map)));
    }

    /// <summary>Keeps only the entries whose value is at least <paramref name="minimum"/> (e.g. ratings &gt;= 3).</summary>
    /// <param name="minimum">The threshold (inclusive).</param>
    /// <returns>A new matrix with the same shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimum"/> is NaN.</exception>
    public CsrMatrix KeepAtLeast(float minimum)
    {
        if (float.IsNaN(minimum))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(minimum), minimum, "The threshold must not be NaN.");
        }

        return new(_storage.Where(new AtLeastFilter(minimum)));
    }

    /// <summary>Drops stored entries whose value is zero.</summary>
    /// <returns>A new matrix.</returns>
    public CsrMatrix EliminateZeros() => new(_storage.Where(default(NonZeroFilter)));

    /// <summary>The number of entries in each row (for a user x item matrix: items per user).</summary>
    /// <returns>A new array of <see cref="RowCount"/> counts.</returns>
    public int[] GetRowCounts() => _storage.MajorCounts();

    /// <summary>The number of entries in each column (for a user x item matrix: users per item, the popularity).</summary>
    /// <returns>A new array of <see cref="ColumnCount"/> counts.</returns>
    public int[] GetColumnCounts() => _storage.MinorCounts();

    /// <summary>
    /// Appends the rows of <paramref name="rows"/> below this matrix (existing rows keep their indices; this is
    /// how a new user is added). The result has this matrix's column count.
    /// </summary>
    /// <param name="rows">The rows to append; its column count must not exceed this matrix's.</param>
    /// <returns>A new matrix with <c>RowCount + rows.RowCount</c> rows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="rows"/> has more columns than this matrix.</exception>
    /// <exception cref="InvalidOperationException">The result would hold more than <see cref="Array.MaxLength"/> non-zeros.</exception>
    public CsrMatrix AppendRows(CsrMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.ColumnCount > ColumnCount)
        {
            ThrowHelper.ThrowArgument(nameof(rows), $"The appended rows have {rows.ColumnCount} columns; this matrix has {ColumnCount}.");
        }

        return new(_storage.Concat(rows._storage, ColumnCount));
    }

    /// <summary>Appends one row given as (column, value) pairs in any order; duplicates are summed.</summary>
    /// <param name="columns">The columns of the new row's entries, in <c>[0, ColumnCount)</c>.</param>
    /// <param name="values">The values, one per column.</param>
    /// <returns>A new matrix with one more row.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is out of range.</exception>
    /// <exception cref="InvalidOperationException">The result would hold more than <see cref="Array.MaxLength"/> non-zeros.</exception>
    public CsrMatrix AppendRow(ReadOnlySpan<int> columns, ReadOnlySpan<float> values)
    {
        CheckTripletLengths(columns.Length, columns.Length, values.Length);
        var zeros = new int[columns.Length];
        return AppendRows(new CsrMatrix(CompressedStorage.FromTriplets(1, ColumnCount, zeros, columns, values, SparseBuildOptions.Default, "row", "column")));
    }

    /// <summary>Whether <paramref name="other"/> has the same shape and the same entries, bit for bit.</summary>
    /// <param name="other">The matrix to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool ContentEquals(CsrMatrix? other) => other is not null && _storage.ContentEquals(other._storage);

    /// <summary>The sum of all stored values, accumulated in double in storage order.</summary>
    /// <returns>The sum.</returns>
    public double Sum() => _storage.Sum();

    /// <inheritdoc/>
    public override string ToString() => $"CsrMatrix {RowCount} x {ColumnCount}, {NonZeroCount} non-zeros";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)_storage.MajorCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(row), row, $"row must be in [0, {_storage.MajorCount}).");
        }
    }

    internal static void CheckTripletLengths(int first, int second, int values)
    {
        if (second != first)
        {
            ThrowHelper.ThrowArgument("columns", $"The index spans differ in length: {first} and {second}.");
        }

        if (values != first)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"values has {values} entries but the index spans have {first}.");
        }
    }

    internal static (int[] Rows, int[] Columns, float[] Values) DenseToTriplets(float[,] dense)
    {
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < dense.GetLength(0); r++)
        {
            for (var c = 0; c < dense.GetLength(1); c++)
            {
                if (dense[r, c] != 0f)
                {
                    rows.Add(r);
                    columns.Add(c);
                    values.Add(dense[r, c]);
                }
            }
        }

        return (rows.ToArray(), columns.ToArray(), values.ToArray());
    }
}
