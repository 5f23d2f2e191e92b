using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <summary>
/// The trainer's view of the interactions: CSR with the confidences <c>c = alpha · value</c> already applied (as
/// <c>implicit</c> multiplies its matrix by alpha), in one orientation. Built once per fit; never exposed. The arrays
/// may be shared with the caller's <see cref="CsrMatrix"/> (see <see cref="FromCsr"/>) and are read-only.
/// </summary>
internal sealed class ConfidenceMatrix
{
    private ConfidenceMatrix(int rowCount, int columnCount, long[] rowPointers, int[] columns, float[] confidence)
    {
        RowCount = rowCount;
        ColumnCount = columnCount;
        RowPointers = rowPointers;
        Columns = columns;
        Confidence = confidence;
        var max = 0L;
        for (var row = 0; row < rowCount; row++)
        {
            max = Math.Max(max, rowPointers[row + 1] - rowPointers[row]);
        }

        MaxRowNonZeros = checked((int)max);
    }

    public int RowCount { get; }

    public int ColumnCount { get; }

    public long[] RowPointers { get; }

    public int[] Columns { get; }

    public float[] Confidence { get; }

    public int MaxRowNonZeros { get; }

    public long NonZeroCount => RowPointers[RowCount];

    public ReadOnlySpan<int> RowColumns(int row)
    {
        var start = RowPointers[row];
        return Columns.AsSpan(checked((int)start), (int)(RowPointers[row + 1] - start));
    }

    public ReadOnlySpan<float> RowConfidence(int row)
    {
        var start = RowPointers[row];
        return Confidence.AsSpan(checked((int)start), (int)(RowPointers[row + 1] - start));
    }

    /// <summary>
    /// The confidences of <paramref name="matrix"/>: every value scaled by <paramref name="alpha"/> in float (as
    /// <c>implicit</c> computes <c>alpha * Cui</c> in float32).
    /// </summary>
    /// <remarks>
    /// The row pointers and column indices are the matrix's own arrays, shared, and so are its values when
    /// <paramref name="alpha"/> is 1 (<c>1 · v == v</c> for every finite <c>v</c>): then nothing is copied. Otherwise
    /// only the values are copied, scaled. Neither this type nor the engine ever writes to these arrays.
    /// </remarks>
    /// <exception cref="ArgumentException">A scaled value overflows to infinity.</exception>
    public static ConfidenceMatrix FromCsr(CsrMatrix matrix, float alpha, string paramName)
    {
        var pointers = matrix.Storage.PointerArray;
        var columns = matrix.Storage.IndexArray;
        var values = matrix.Storage.ValueArray;
        var scaled = values;
        if (alpha == 1f)
        {
            // Stored values are finite by construction except after an overflowing Scale; check, don't write.
            for (var k = 0; k < values.Length; k++)
            {
                if (!float.IsFinite(values[k]))
                {
                    ThrowNotFinite(pointers, columns, values, k, alpha, paramName);
                }
            }
        }
        else
        {
            scaled = GC.AllocateUninitializedArray<float>(values.Length);
            for (var k = 0; k < values.Length; k++)
            {
                var c = alpha * values[k];
                if (!float.IsFinite(c))
                {
                    ThrowNotFinite(pointers, columns, values, k, alpha, paramName);
                }

                scaled[k] = c;
            }
        }

        return new ConfidenceMatrix(matrix.RowCount, matrix.ColumnCount, pointers, columns, scaled);
    }

    private static void ThrowNotFinite(long[] pointers, int[] columns, float[] values, int position, float alpha, string paramName)
    {
        // The row holding entry `position`: the last row whose start is at or before it.
        var row = 0;
        while (pointers[row + 1] <= position)
        {
            row++;
        }

        ThrowHelper.ThrowArgument(
            paramName,
            $"{paramName}[{row}, {columns[position]}] = {values[position]} times alpha {alpha} is not finite; lower Alpha or the values.");
    }

    /// <summary>The column-major counterpart (item × user when this is user × item), by an O(nnz) counting sort.</summary>
    /// <remarks>Within each output row the entries are in increasing column order, so the result is deterministic.</remarks>
    public ConfidenceMatrix Transpose()
    {
        var nnz = NonZeroCount;
        var pointers = new long[ColumnCount + 1];
        foreach (var column in Columns.AsSpan(0, checked((int)nnz)))
        {
            pointers[column + 1]++;
        }

        for (var c = 0; c < ColumnCount; c++)
        {
            pointers[c + 1] += pointers[c];
        }

        var next = new long[ColumnCount];
        Array.Copy(pointers, next, ColumnCount);
        var columns = GC.AllocateUninitializedArray<int>(checked((int)nnz));
        var confidence = GC.AllocateUninitializedArray<float>(checked((int)nnz));
        for (var row = 0; row < RowCount; row++)
        {
            for (var k = RowPointers[row]; k < RowPointers[row + 1]; k++)
            {
                var target = next[Columns[k]]++;
                columns[target] = row;
                confidence[target] = Confidence[k];
            }
        }

        return new ConfidenceMatrix(ColumnCount, RowCount, pointers, columns, confidence);
    }

    /// <summary>
    /// Cuts the rows into contiguous chunks of about equal solve cost (nonzeros plus a per-row dense share), independent
    /// of the thread count; workers claim chunks dynamically, which balances heavy-tailed rows.
    /// </summary>
    /// <returns>Chunk starts followed by <see cref="RowCount"/>.</returns>
    public int[] PartitionRows(int factors, int targetChunks)
    {
        var denseShare = (factors / 2) + 1;
        long total = 0;
        for (var row = 0; row < RowCount; row++)
        {
            total += RowPointers[row + 1] - RowPointers[row] + denseShare;
        }

        var target = Math.Max(1, total / Math.Max(1, targetChunks));
        var bounds = new List<int>(targetChunks + 2) { 0 };
        long accumulated = 0;
        for (var row = 0; row < RowCount; row++)
        {
            accumulated += RowPointers[row + 1] - RowPointers[row] + denseShare;
            if (accumulated >= target && row + 1 < RowCount)
            {
                bounds.Add(row + 1);
                accumulated = 0;
            }
        }

        bounds.Add(RowCount);
        return [.. bounds];
    }
}
