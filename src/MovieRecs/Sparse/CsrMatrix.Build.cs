using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>Building a CSR matrix: from triplets, from raw arrays, from a dense array, and by transposing one.</summary>
public sealed partial class CsrMatrix
{
    /// <summary>
    /// Builds a matrix from coordinate (COO) triplets in any order: indices are sorted within each row, duplicates
    /// are combined (summed by default, as scipy does) and zeros dropped unless <paramref name="options"/> says
    /// otherwise.
    /// </summary>
    /// <param name="rowCount">The number of rows, in [0, 2,147,483,590] (one less than <see cref="Array.MaxLength"/>).</param>
    /// <param name="columnCount">The number of columns, in [0, 2,147,483,590].</param>
    /// <param name="rows">The row index of each triplet.</param>
    /// <param name="columns">The column index of each triplet.</param>
    /// <param name="values">The value of each triplet (finite).</param>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above 2,147,483,590, or a triplet's index is out of range (the message names its position and value).</exception>
    /// <exception cref="ArgumentException">The spans differ in length, a value is not finite, duplicates sum beyond float's
    /// range, or a duplicate is found with <see cref="DuplicateHandling.Throw"/>.</exception>
    /// <remarks>O(nnz + rowCount + columnCount) plus the sort of rows that are not already in column order. Allocates
    /// the result and one 64-bit counter per row; triplets not grouped by row also take one counter per column and a
    /// column-major copy, from which the rows come out sorted.</remarks>
    public static CsrMatrix FromTriplets(int rowCount, int columnCount, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, SparseBuildOptions? options = null)
    {
        SparseGuards.CheckTripletLengths(rows.Length, columns.Length, values.Length);
        SparseGuards.CheckDimension(rowCount, nameof(rowCount));
        SparseGuards.CheckDimension(columnCount, nameof(columnCount));
        options ??= SparseBuildOptions.Default;
        options.Validate();

        // Pass 1: validate, and count the entries of the lines the scatter fills: the rows when the input is grouped
        // by row (MovieLens files are sorted by user), the columns otherwise.
        var inRowOrder = IsNonDecreasing(rows);
        var counts = new long[(inRowOrder ? rowCount : columnCount) + 1];
        CountAndValidate(rowCount, columnCount, rows, columns, values, counts, inRowOrder ? rows : columns);

        // In row order, one sequential scatter. In any other order, a two-pass radix sort: scatter by column, then
        // the O(nnz) transpose scatters by row visiting columns in increasing order, so every row comes out sorted
        // with no comparison sort.
        var matrix = inRowOrder
            ? Scatter(rowCount, columnCount, counts, rows, columns, values)
            : Scatter(columnCount, rowCount, counts, columns, rows, values).Transpose();

        // Pass 2: sort rows that need it, combine duplicates, drop zeros, compact in place.
        return matrix.SortAndCompact(options);
    }

    /// <summary>
    /// Creates a matrix from raw CSR arrays, validating them: pointers start at 0 and never decrease, the last
    /// pointer equals the number of entries, column indices are in range and strictly increasing within each row,
    /// and values are finite. The arrays are copied.
    /// </summary>
    /// <param name="rowCount">The number of rows, in [0, 2,147,483,590] (one less than <see cref="Array.MaxLength"/>).</param>
    /// <param name="columnCount">The number of columns, in [0, 2,147,483,590].</param>
    /// <param name="rowPointers"><paramref name="rowCount"/> + 1 row pointers.</param>
    /// <param name="columnIndices">The column index of each entry.</param>
    /// <param name="values">The value of each entry.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The arrays are inconsistent; the message names the first bad position.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above 2,147,483,590.</exception>
    public static CsrMatrix FromArrays(int rowCount, int columnCount, ReadOnlySpan<long> rowPointers, ReadOnlySpan<int> columnIndices, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        SparseGuards.CheckDimension(columnCount, nameof(columnCount));
        if (rowPointers.Length != rowCount + 1L)
        {
            ThrowHelper.ThrowArgument(nameof(rowPointers), $"rowPointers has {rowPointers.Length} entries; expected row count + 1 = {rowCount + 1L}.");
        }

        SparseGuards.CheckDimension(rowCount, nameof(rowCount));

        if (rowPointers[0] != 0)
        {
            ThrowHelper.ThrowArgument(nameof(rowPointers), $"rowPointers[0] is {rowPointers[0]}; it must be 0.");
        }

        for (var row = 0; row < rowCount; row++)
        {
            if (rowPointers[row + 1] < rowPointers[row])
            {
                ThrowHelper.ThrowArgument(nameof(rowPointers), $"rowPointers decreases at {row + 1}: {rowPointers[row + 1]} < {rowPointers[row]}.");
            }
        }

        if (rowPointers[rowCount] != columnIndices.Length)
        {
            ThrowHelper.ThrowArgument(nameof(columnIndices), $"columnIndices has {columnIndices.Length} entries but rowPointers[{rowCount}] is {rowPointers[rowCount]}.");
        }

        if (values.Length != columnIndices.Length)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"values has {values.Length} entries but columnIndices has {columnIndices.Length}.");
        }

        for (var row = 0; row < rowCount; row++)
        {
            var previous = -1;
            for (var p = (int)rowPointers[row]; p < (int)rowPointers[row + 1]; p++)
            {
                var column = columnIndices[p];
                if ((uint)column >= (uint)columnCount)
                {
                    ThrowHelper.ThrowArgument(nameof(columnIndices), $"columnIndices[{p}] is {column} in row {row}; it must be in [0, {columnCount}).");
                }

                if (column <= previous)
                {
                    ThrowHelper.ThrowArgument(nameof(columnIndices), $"columnIndices[{p}] is {column} in row {row}, not greater than the previous index {previous}: indices must be strictly increasing within a row.");
                }

                if (!float.IsFinite(values[p]))
                {
                    ThrowHelper.ThrowArgument(nameof(values), $"values[{p}] is {values[p]} in row {row}; values must be finite.");
                }

                previous = column;
            }
        }

        var matrix = Allocate(rowCount, columnCount, rowPointers.ToArray());
        columnIndices.CopyTo(matrix._columnIndices);
        values.CopyTo(matrix._values);
        return matrix;
    }

    /// <summary>Creates a matrix holding the non-zero entries of a dense array indexed [row, column].</summary>
    /// <param name="dense">The dense matrix.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dense"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is not finite; the message names its cell, e.g. <c>dense[1, 0]</c>.</exception>
    public static CsrMatrix FromDense(float[,] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var builder = new SparseMatrixBuilder(dense.GetLength(0), dense.GetLength(1));
        for (var row = 0; row < builder.RowCount; row++)
        {
            for (var column = 0; column < builder.ColumnCount; column++)
            {
                var value = dense[row, column];
                if (!float.IsFinite(value))
                {
                    ThrowHelper.ThrowArgument(nameof(dense), $"dense[{row}, {column}] is {value}; values must be finite.");
                }

                if (value != 0f)
                {
                    builder.Add(row, column, value);
                }
            }
        }

        return builder.ToCsr();
    }

    /// <summary>The transpose (columns become rows), as CSR, in O(nnz + columns).</summary>
    /// <returns>The transposed matrix: <see cref="ColumnCount"/> rows and <see cref="RowCount"/> columns.</returns>
    /// <remarks>For a user x item matrix this gives the item x user matrix that the item half-step of ALS reads.
    /// A counting sort: each new row lists its entries in increasing old-row order.</remarks>
    public CsrMatrix Transpose() => Transpose(transient: false);

    /// <summary>
    /// <see cref="Transpose()"/> into arrays rented from <see cref="TransientArrays"/>, for an operation that uses the
    /// transpose only while it runs and then gives its arrays back with <see cref="ReturnTransient"/>.
    /// </summary>
    internal CsrMatrix TransposeTransient() => Transpose(transient: true);

    /// <summary>Gives the column indices and values of a <see cref="TransposeTransient"/> result back; the matrix must not be used after.</summary>
    internal void ReturnTransient()
    {
        TransientArrays.Return(_columnIndices);
        TransientArrays.Return(_values);
    }

    private CsrMatrix Transpose(bool transient)
    {
        var pointers = new long[ColumnCount + 1];
        foreach (var column in _columnIndices)
        {
            pointers[column + 1]++;
        }

        PrefixSum(pointers);
        var result = Allocate(ColumnCount, RowCount, pointers, transient);
        var next = GC.AllocateUninitializedArray<long>(ColumnCount);
        Array.Copy(pointers, next, ColumnCount);
        var rows = result._columnIndices;
        var values = result._values;
        for (var row = 0; row < RowCount; row++)
        {
            var end = (int)_rowPointers[row + 1];
            for (var k = (int)_rowPointers[row]; k < end; k++)
            {
                var position = (int)next[_columnIndices[k]]++;
                rows[position] = row;
                values[position] = _values[k];
            }
        }

        return result;
    }

    /// <summary>A matrix with the given row pointers and uninitialized column indices and values, to be filled here.</summary>
    /// <exception cref="InvalidOperationException">The pointers count more entries than one array holds.</exception>
    private static CsrMatrix Allocate(int rowCount, int columnCount, long[] rowPointers, bool transient = false)
    {
        var length = SparseGuards.CheckEntryCount(rowPointers[rowCount], "non-zeros");
        return transient
            ? new CsrMatrix(rowCount, columnCount, rowPointers, TransientArrays.Rent<int>(length), TransientArrays.Rent<float>(length))
            : new CsrMatrix(rowCount, columnCount, rowPointers, GC.AllocateUninitializedArray<int>(length), GC.AllocateUninitializedArray<float>(length));
    }

    /// <summary>Checks every triplet and counts it in <paramref name="counts"/> at its line (of <paramref name="lines"/>) + 1.</summary>
    private static void CountAndValidate(
        int rowCount, int columnCount, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, long[] counts, ReadOnlySpan<int> lines)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var column = columns[i];
            if ((uint)row >= (uint)rowCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(rows), row, $"rows[{i}] is {row}; row indices must be in [0, {rowCount}).");
            }

            if ((uint)column >= (uint)columnCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(columns), column, $"columns[{i}] is {column}; column indices must be in [0, {columnCount}).");
            }

            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.ThrowArgument(nameof(values), $"values[{i}] is {values[i]}; values must be finite.");
            }

            counts[lines[i] + 1]++;
        }
    }

    /// <summary>
    /// The matrix of <paramref name="lineCount"/> rows holding each triplet at the next free position of its line,
    /// in input order; <paramref name="counts"/> (entries per line, at line + 1) become its row pointers.
    /// </summary>
    private static CsrMatrix Scatter(
        int lineCount, int otherCount, long[] counts, ReadOnlySpan<int> lines, ReadOnlySpan<int> others, ReadOnlySpan<float> values)
    {
        PrefixSum(counts);
        var result = Allocate(lineCount, otherCount, counts);
        var next = GC.AllocateUninitializedArray<long>(lineCount);
        Array.Copy(counts, next, lineCount);
        var indices = result._columnIndices;
        var stored = result._values;
        for (var i = 0; i < lines.Length; i++)
        {
            var position = (int)next[lines[i]]++;
            indices[position] = others[i];
            stored[position] = values[i];
        }

        return result;
    }

    /// <summary>
    /// Sorts each row by column, combines duplicates and drops zeros as <paramref name="options"/> says. Compacts in
    /// place, so only for a matrix just built here whose arrays nobody else holds.
    /// </summary>
    private CsrMatrix SortAndCompact(SparseBuildOptions options)
    {
        var newPointers = new long[RowCount + 1];
        var write = 0;
        for (var row = 0; row < RowCount; row++)
        {
            var start = (int)_rowPointers[row];
            var length = (int)(_rowPointers[row + 1] - start);
            var columns = _columnIndices.AsSpan(start, length);
            var values = _values.AsSpan(start, length);
            if (!IsNonDecreasing(columns))
            {
                columns.Sort(values);
            }

            // Compact to [write, ...): never ahead of the read position.
            var i = 0;
            while (i < length)
            {
                var column = columns[i];
                var value = values[i];
                var j = i + 1;
                while (j < length && columns[j] == column)
                {
                    value = options.Duplicates switch
                    {
                        DuplicateHandling.Sum => value + values[j],
                        DuplicateHandling.Max => MathF.Max(value, values[j]),
                        _ => ThrowDuplicate(row, column),
                    };
                    j++;
                }

                i = j;
                if (!float.IsFinite(value))
                {
                    ThrowSumNotFinite(row, column, value);
                }

                if (value == 0f && !options.KeepExplicitZeros)
                {
                    continue;
                }

                _columnIndices[write] = column;
                _values[write] = value;
                write++;
            }

            newPointers[row + 1] = write;
        }

        return Trimmed(RowCount, ColumnCount, newPointers, _columnIndices, _values);
    }

    /// <summary>The matrix of the first <c>rowPointers[rowCount]</c> entries of the arrays, copied when the arrays are longer.</summary>
    private static CsrMatrix Trimmed(int rowCount, int columnCount, long[] rowPointers, int[] columnIndices, float[] values)
    {
        var count = (int)rowPointers[rowCount];
        return count == columnIndices.Length
            ? new CsrMatrix(rowCount, columnCount, rowPointers, columnIndices, values)
            : new CsrMatrix(rowCount, columnCount, rowPointers, columnIndices.AsSpan(0, count).ToArray(), values.AsSpan(0, count).ToArray());
    }

    private static float ThrowDuplicate(int row, int column)
    {
        ThrowHelper.ThrowArgument("options", $"Duplicate entry at row {row}, column {column} (duplicate handling is Throw).");
        return 0f;
    }

    private static void ThrowSumNotFinite(int row, int column, float sum) =>
        ThrowHelper.ThrowArgument("values", $"The duplicates at row {row}, column {column} sum to {sum}; values must stay finite.");

    private static bool IsNonDecreasing(ReadOnlySpan<int> indices)
    {
        for (var i = 1; i < indices.Length; i++)
        {
            if (indices[i] < indices[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Turns counts accumulated at line + 1 into pointers: afterwards <c>pointers[m]</c> is the start of line m.</summary>
    private static void PrefixSum(long[] pointers)
    {
        for (var m = 0; m + 1 < pointers.Length; m++)
        {
            pointers[m + 1] += pointers[m];
        }
    }
}
