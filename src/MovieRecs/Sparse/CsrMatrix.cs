using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// for large matrices; they too are one array, of one more entry than there are rows, so a matrix has at most
/// 2,147,483,590 rows and as many columns (its transpose's rows), and the constructors reject larger counts.</para>
/// <para>Instances are immutable and safe to share across threads. Every transformation returns a new matrix.
/// Spans returned by the accessors point into the matrix's own storage and stay valid for its lifetime.</para>
/// </remarks>
public sealed partial class CsrMatrix
{
    // Row r occupies [_rowPointers[r], _rowPointers[r + 1]) of _columnIndices and _values. Never written to once the
    // matrix is handed out (the trainer and CscMatrix share these arrays).
    private readonly long[] _rowPointers;
    private readonly int[] _columnIndices;
    private readonly float[] _values;

    private CsrMatrix(int rowCount, int columnCount, long[] rowPointers, int[] columnIndices, float[] values)
    {
        Debug.Assert(rowPointers.Length == rowCount + 1 && columnIndices.Length == rowPointers[rowCount] && values.Length == columnIndices.Length);
        RowCount = rowCount;
        ColumnCount = columnCount;
        _rowPointers = rowPointers;
        _columnIndices = columnIndices;
        _values = values;
    }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The number of columns.</summary>
    public int ColumnCount { get; }

    /// <summary>The number of stored entries.</summary>
    public long NonZeroCount => _rowPointers[RowCount];

    /// <summary>
    /// The row pointers: row <c>r</c> holds entries <c>RowPointers[r]</c> to <c>RowPointers[r + 1] - 1</c>
    /// (<see cref="RowCount"/> + 1 entries, starting at 0).
    /// </summary>
    public ReadOnlySpan<long> RowPointers => _rowPointers;

    /// <summary>The row pointer array itself, for a reader that shares it instead of copying (never written to).</summary>
    internal long[] PointerArray => _rowPointers;

    /// <summary>The column indices of all rows, row after row (never written to).</summary>
    internal int[] IndexArray => _columnIndices;

    /// <summary>The values of all rows, in the order of <see cref="IndexArray"/> (never written to).</summary>
    internal float[] ValueArray => _values;

    /// <summary>The column indices of row <paramref name="row"/>, strictly increasing.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> GetColumnIndices(int row)
    {
        SparseGuards.CheckIndex(row, RowCount, nameof(row));
        var start = _rowPointers[row];
        return new ReadOnlySpan<int>(_columnIndices, (int)start, (int)(_rowPointers[row + 1] - start));
    }

    /// <summary>The values of row <paramref name="row"/>, in the order of <see cref="GetColumnIndices(int)"/>.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetValues(int row)
    {
        SparseGuards.CheckIndex(row, RowCount, nameof(row));
        var start = _rowPointers[row];
        return new ReadOnlySpan<float>(_values, (int)start, (int)(_rowPointers[row + 1] - start));
    }

    /// <summary>The number of entries stored in row <paramref name="row"/>.</summary>
    /// <param name="row">The row, in <c>[0, RowCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public int GetRowNonZeroCount(int row)
    {
        SparseGuards.CheckIndex(row, RowCount, nameof(row));
        return (int)(_rowPointers[row + 1] - _rowPointers[row]);
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
            var columns = GetColumnIndices(row);
            SparseGuards.CheckIndex(column, ColumnCount, nameof(column));
            var at = columns.BinarySearch(column);
            return at >= 0 ? _values[_rowPointers[row] + at] : 0f;
        }
    }

    /// <summary>The same matrix in CSC form (column-major), built by a counting sort in O(nnz + columns).</summary>
    /// <returns>The CSC matrix.</returns>
    public CscMatrix ToCsc() => new(Transpose());

    /// <summary>Views this matrix as the CSC form of its transpose, sharing storage (O(1)).</summary>
    /// <returns>A CSC matrix with <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    public CscMatrix AsTransposedCsc() => new(this);

    /// <summary>The dense array [row, column] of this matrix; meant for tests and small matrices.</summary>
    /// <returns>A new dense array.</returns>
    /// <exception cref="InvalidOperationException">The matrix has more cells than one array holds (<see cref="Array.MaxLength"/>).</exception>
    public float[,] ToDense()
    {
        SparseGuards.CheckDenseShape(RowCount, ColumnCount);
        var dense = new float[RowCount, ColumnCount];
        for (var row = 0; row < RowCount; row++)
        {
            var columns = GetColumnIndices(row);
            var values = GetValues(row);
            for (var k = 0; k < columns.Length; k++)
            {
                dense[row, columns[k]] = values[k];
            }
        }

        return dense;
    }

    /// <summary>The same structure with every value multiplied by <paramref name="factor"/> (e.g. confidence = alpha x rating).</summary>
    /// <param name="factor">A finite factor.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite.</exception>
    /// <exception cref="InvalidOperationException">A scaled value overflows float's range.</exception>
    public CsrMatrix Scale(float factor)
    {
        SparseGuards.CheckFinite(factor, nameof(factor));
        var scaled = GC.AllocateUninitializedArray<float>(_values.Length);
        TensorPrimitives.Multiply(_values, factor, scaled);
        CheckFinite(scaled, $"Scaling by {factor}");
        return WithValues(scaled);
    }

    /// <summary>The same structure with every value set to 1.</summary>
    /// <returns>A new matrix.</returns>
    public CsrMatrix Binarize()
    {
        var ones = GC.AllocateUninitializedArray<float>(_values.Length);
        Array.Fill(ones, 1f);
        return WithValues(ones);
    }

    /// <summary>The same structure with every value v replaced by log(1 + scale x v) (a common confidence scaling).</summary>
    /// <param name="scale">A finite, non-negative scale.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">A value gives a non-finite log (1 + scale x v at most 0, or overflowing).</exception>
    public CsrMatrix LogScale(float scale = 1f)
    {
        SparseGuards.CheckFinite(scale, nameof(scale));
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ReadOnlySpan<float> values = _values;
        var logs = GC.AllocateUninitializedArray<float>(values.Length);
        for (var k = 0; k < values.Length; k++)
        {
            logs[k] = MathF.Log(1f + (scale * values[k]));
        }

        CheckFinite(logs, $"log(1 + {scale} x v)");
        return WithValues(logs);
    }

    /// <summary>The same structure with every value transformed by <paramref name="map"/>.</summary>
    /// <param name="map">The transform; it must return finite values.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="map"/> returned a non-finite value.</exception>
    public CsrMatrix MapValues(Func<float, float> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ReadOnlySpan<float> values = _values;
        var mapped = GC.AllocateUninitializedArray<float>(values.Length);
        for (var k = 0; k < values.Length; k++)
        {
            var value = map(values[k]);
            if (!float.IsFinite(value))
            {
                ThrowHelper.ThrowInvalidOperation($"The value map returned {value} for {values[k]}; values must stay finite.");
            }

            mapped[k] = value;
        }

        return WithValues(mapped);
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

        return Keep(minimum, nonZeroOnly: false);
    }

    /// <summary>Drops stored entries whose value is zero.</summary>
    /// <returns>A new matrix.</returns>
    public CsrMatrix EliminateZeros() => Keep(minimum: 0f, nonZeroOnly: true);

    /// <summary>The number of entries in each row (for a user x item matrix: items per user).</summary>
    /// <returns>A new array of <see cref="RowCount"/> counts.</returns>
    public int[] GetRowCounts()
    {
        var counts = new int[RowCount];
        for (var row = 0; row < counts.Length; row++)
        {
            counts[row] = (int)(_rowPointers[row + 1] - _rowPointers[row]);
        }

        return counts;
    }

    /// <summary>The number of entries in each column (for a user x item matrix: users per item, the popularity).</summary>
    /// <returns>A new array of <see cref="ColumnCount"/> counts.</returns>
    public int[] GetColumnCounts()
    {
        var counts = new int[ColumnCount];
        foreach (var column in _columnIndices)
        {
            counts[column]++;
        }

        return counts;
    }

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

        var pointers = new long[checked(RowCount + rows.RowCount) + 1];
        _rowPointers.CopyTo(pointers, 0);
        for (var r = 0; r < rows.RowCount; r++)
        {
            pointers[RowCount + r + 1] = rows._rowPointers[r + 1] + NonZeroCount;
        }

        var result = Allocate(pointers.Length - 1, ColumnCount, pointers);
        _columnIndices.CopyTo(result._columnIndices, 0);
        _values.CopyTo(result._values, 0);
        rows._columnIndices.CopyTo(result._columnIndices, _columnIndices.Length);
        rows._values.CopyTo(result._values, _values.Length);
        return result;
    }

    /// <summary>Appends one row given as (column, value) pairs in any order; duplicates are summed.</summary>
    /// <param name="columns">The columns of the new row's entries, in <c>[0, ColumnCount)</c>.</param>
    /// <param name="values">The values, one per column.</param>
    /// <returns>A new matrix with one more row.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is out of range.</exception>
    /// <exception cref="InvalidOperationException">The result would hold more than <see cref="Array.MaxLength"/> non-zeros.</exception>
    public CsrMatrix AppendRow(ReadOnlySpan<int> columns, ReadOnlySpan<float> values) =>
        AppendRows(FromTriplets(1, ColumnCount, new int[columns.Length], columns, values));

    /// <summary>Whether <paramref name="other"/> has the same shape and the same entries, bit for bit (a stored -0
    /// differs from a stored 0).</summary>
    /// <param name="other">The matrix to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool ContentEquals(CsrMatrix? other) =>
        other is not null
        && RowCount == other.RowCount
        && ColumnCount == other.ColumnCount
        && _rowPointers.AsSpan().SequenceEqual(other._rowPointers)
        && _columnIndices.AsSpan().SequenceEqual(other._columnIndices)
        && MemoryMarshal.Cast<float, int>(_values.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(other._values.AsSpan()));

    /// <summary>The sum of all stored values, accumulated in double in storage order.</summary>
    /// <returns>The sum.</returns>
    public double Sum()
    {
        var sum = 0.0;
        foreach (var value in _values)
        {
            sum += value;
        }

        return sum;
    }

    /// <inheritdoc/>
    public override string ToString() => $"CsrMatrix {RowCount} x {ColumnCount}, {NonZeroCount} non-zeros";

    /// <summary>Throws, naming the first entry, when a transform of the values (<paramref name="transform"/>) gave
    /// a non-finite one; the matrix's values stay finite, as every constructor requires.</summary>
    private void CheckFinite(float[] transformed, string transform)
    {
        // The arrays may be longer than the entries (slack past the last row's end is never read); IsFiniteAll is
        // false for no values at all.
        var count = (int)NonZeroCount;
        if (count == 0 || TensorPrimitives.IsFiniteAll<float>(transformed.AsSpan(0, count)))
        {
            return;
        }

        var k = 0;
        while (float.IsFinite(transformed[k]))
        {
            k++;
        }

        var row = 0;
        while (_rowPointers[row + 1] <= k)
        {
            row++;
        }

        ThrowHelper.ThrowInvalidOperation(
            $"{transform} takes the value {_values[k]} at row {row}, column {_columnIndices[k]} to {transformed[k]}; values must stay finite.");
    }

    /// <summary>The same structure (row pointers and column indices shared) with other values, one per entry.</summary>
    internal CsrMatrix WithValues(float[] values)
    {
        Debug.Assert(values.Length == _values.Length);
        return new CsrMatrix(RowCount, ColumnCount, _rowPointers, _columnIndices, values);
    }

    /// <summary>
    /// The entries whose value is at least <paramref name="minimum"/>, or with <paramref name="nonZeroOnly"/> those
    /// that are not zero: one pass copies them into arrays as long as this matrix's, which are then trimmed.
    /// </summary>
    private CsrMatrix Keep(float minimum, bool nonZeroOnly)
    {
        ReadOnlySpan<int> columns = _columnIndices;
        ReadOnlySpan<float> values = _values;
        var pointers = new long[RowCount + 1];
        var keptColumns = GC.AllocateUninitializedArray<int>(values.Length);
        var keptValues = GC.AllocateUninitializedArray<float>(values.Length);
        var kept = 0;
        var k = 0;
        for (var row = 0; row < RowCount; row++)
        {
            for (var end = (int)_rowPointers[row + 1]; k < end; k++)
            {
                var value = values[k];
                if (nonZeroOnly ? value != 0f : value >= minimum)
                {
                    keptColumns[kept] = columns[k];
                    keptValues[kept] = value;
                    kept++;
                }
            }

            pointers[row + 1] = kept;
        }

        return Trimmed(RowCount, ColumnCount, pointers, keptColumns, keptValues);
    }
}
