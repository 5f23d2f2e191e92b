using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <summary>
/// The trainer's view of the interactions in one orientation, with the confidences <c>c = alpha · value</c> already
/// applied (as <c>implicit</c> multiplies its matrix by alpha; Spark's <c>±(1 + alpha · |value|)</c> under
/// <see cref="AlsConvention.Spark"/>): user x item rows from the CSR matrix of confidences
/// (<see cref="FromCsr(CsrMatrix)"/>), item x user rows from its CSC form (<see cref="FromCsc"/>). Built once per fit; never
/// exposed. The arrays are those of the matrix it views, shared, not copied, and read-only.
/// </summary>
internal sealed class ConfidenceMatrix
{
    private ConfidenceMatrix(CsrMatrix rows)
    {
        RowCount = rows.RowCount;
        ColumnCount = rows.ColumnCount;
        RowPointers = rows.PointerArray;
        Columns = rows.IndexArray;
        Confidence = rows.ValueArray;
        var max = 0L;
        for (var row = 0; row < RowCount; row++)
        {
            max = Math.Max(max, RowPointers[row + 1] - RowPointers[row]);
        }

        MaxRowNonZeros = (int)max;
    }

    private ConfidenceMatrix(ConfidenceMatrix source, float[] rowRegularization)
    {
        RowCount = source.RowCount;
        ColumnCount = source.ColumnCount;
        RowPointers = source.RowPointers;
        Columns = source.Columns;
        Confidence = source.Confidence;
        MaxRowNonZeros = source.MaxRowNonZeros;
        RowRegularization = rowRegularization;
    }

    public int RowCount { get; }

    public int ColumnCount { get; }

    public long[] RowPointers { get; }

    public int[] Columns { get; }

    public float[] Confidence { get; }

    public int MaxRowNonZeros { get; }

    public long NonZeroCount => RowPointers[RowCount];

    /// <summary>
    /// What each row adds to its system's diagonal on top of the shared <c>YᵀY + λI</c> (<see cref="AlsOptions.RowRegularization"/>
    /// of its count of positive confidences), or <see langword="null"/> when no row adds anything (<see cref="AlsConvention.Implicit"/>).
    /// </summary>
    public float[]? RowRegularization { get; }

    /// <summary>
    /// These rows with <see cref="RowRegularization"/> set for <paramref name="options"/>' convention (O(nnz) under
    /// <see cref="AlsConvention.Spark"/>: each row's positive confidences are counted once); this instance when the
    /// convention adds nothing per row.
    /// </summary>
    public ConfidenceMatrix WithRowRegularization(AlsOptions options)
    {
        if (options.RowRegularization(1) == 0f)
        {
            return this;
        }

        var perRow = new float[RowCount];
        for (var row = 0; row < RowCount; row++)
        {
            var positives = 0;
            foreach (var c in RowConfidence(row))
            {
                positives += c > 0f ? 1 : 0;
            }

            perRow[row] = options.RowRegularization(positives);
        }

        return new ConfidenceMatrix(this, perRow);
    }

    public ReadOnlySpan<int> RowColumns(int row)
    {
        var start = RowPointers[row];
        return Columns.AsSpan((int)start, (int)(RowPointers[row + 1] - start));
    }

    public ReadOnlySpan<float> RowConfidence(int row)
    {
        var start = RowPointers[row];
        return Confidence.AsSpan((int)start, (int)(RowPointers[row + 1] - start));
    }

    /// <summary>The rows of a CSR matrix of confidences (user x item: one row per user), sharing its arrays (O(rows)).</summary>
    public static ConfidenceMatrix FromCsr(CsrMatrix confidences) => new(confidences);

    /// <summary>The rows of <paramref name="matrix"/> scaled by <paramref name="alpha"/> (see <see cref="Confidences"/>).</summary>
    /// <exception cref="ArgumentException">A scaled value is not finite.</exception>
    public static ConfidenceMatrix FromCsr(CsrMatrix matrix, float alpha, string paramName) => FromCsr(Confidences(matrix, alpha, paramName));

    /// <summary>The rows of <paramref name="matrix"/> as confidences under <paramref name="options"/> (see
    /// <see cref="Confidences"/>), with their <see cref="RowRegularization"/>.</summary>
    /// <exception cref="ArgumentException">A confidence is not finite.</exception>
    public static ConfidenceMatrix FromCsr(CsrMatrix matrix, AlsOptions options, string paramName) =>
        FromCsr(Confidences(matrix, (float)options.Alpha, paramName, options.Convention)).WithRowRegularization(options);

    /// <summary>
    /// The columns of a CSC matrix of confidences as rows (user x item in CSC: one row per item, listing its users in
    /// increasing order), sharing its arrays (O(columns)).
    /// </summary>
    public static ConfidenceMatrix FromCsc(CscMatrix confidences) => new(confidences.AsTransposedCsr());

    /// <summary>
    /// The confidences of <paramref name="matrix"/>: every value scaled by <paramref name="alpha"/> in float (as
    /// <c>implicit</c> computes <c>alpha * Cui</c> in float32), or under <see cref="AlsConvention.Spark"/> turned into
    /// <c>±(1 + alpha · |value|)</c> (<see cref="AlsOptions.Confidence"/>; always a copy).
    /// </summary>
    /// <remarks>
    /// When <paramref name="alpha"/> is 1 (and the convention <see cref="AlsConvention.Implicit"/>) (<c>1 · v == v</c> for every finite <c>v</c>) the result is
    /// <paramref name="matrix"/> itself, after checking that its values are finite: nothing is copied. Otherwise the
    /// result shares the row pointers and column indices and holds a scaled copy of the values (4 bytes per non-zero).
    /// Neither this type nor the engine ever writes to these arrays.
    /// </remarks>
    /// <exception cref="ArgumentException">A scaled value is not finite.</exception>
    public static CsrMatrix Confidences(CsrMatrix matrix, float alpha, string paramName, AlsConvention convention = AlsConvention.Implicit)
    {
        var values = matrix.ValueArray;
        if (convention == AlsConvention.Spark)
        {
            var transformed = GC.AllocateUninitializedArray<float>(values.Length);
            for (var k = 0; k < values.Length; k++)
            {
                var c = AlsOptions.Confidence(convention, alpha, values[k]);
                if (!float.IsFinite(c))
                {
                    ThrowNotFinite(matrix, k, alpha, paramName);
                }

                transformed[k] = c;
            }

            return matrix.WithValues(transformed);
        }

        if (alpha == 1f)
        {
            // Stored values are finite by construction except after an overflowing Scale; check, don't write.
            for (var k = 0; k < values.Length; k++)
            {
                if (!float.IsFinite(values[k]))
                {
                    ThrowNotFinite(matrix, k, alpha, paramName);
                }
            }

            return matrix;
        }

        var scaled = GC.AllocateUninitializedArray<float>(values.Length);
        for (var k = 0; k < values.Length; k++)
        {
            var c = alpha * values[k];
            if (!float.IsFinite(c))
            {
                ThrowNotFinite(matrix, k, alpha, paramName);
            }

            scaled[k] = c;
        }

        return matrix.WithValues(scaled);
    }

    private static void ThrowNotFinite(CsrMatrix matrix, int position, float alpha, string paramName)
    {
        // The row holding entry `position`: the last row whose start is at or before it.
        var pointers = matrix.RowPointers;
        var row = 0;
        while (pointers[row + 1] <= position)
        {
            row++;
        }

        ThrowHelper.ThrowArgument(
            paramName,
            $"{paramName}[{row}, {matrix.IndexArray[position]}] = {matrix.ValueArray[position]} times alpha {alpha} is not finite; lower Alpha or the values.");
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
