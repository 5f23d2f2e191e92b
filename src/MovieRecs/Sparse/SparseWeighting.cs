using System.Globalization;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// Term weightings of a sparse matrix whose rows are documents and whose columns are terms, as
/// <c>implicit.nearest_neighbours.bm25_weight</c> and <c>tfidf_weight</c> define them: the inverse document
/// frequency of column <c>c</c> is <c>idf(c) = ln(N) − ln(1 + n_c)</c>, with <c>N</c> the row count and <c>n_c</c>
/// the number of stored entries of column <c>c</c>.
/// </summary>
/// <remarks>
/// The weights are computed in double precision, in the same order of operations as <c>implicit</c>, and stored as
/// floats. The result has the structure of the input (same rows, columns and stored entries); a weight can be zero
/// or negative (a column stored in every row has a negative idf). To weight the items of a user x item matrix as
/// <c>implicit</c>'s item-item recommenders do, weight its transpose (items as documents, users as terms).
/// </remarks>
public static class SparseWeighting
{
    /// <summary>
    /// The Okapi BM25 weighting: entry <c>x</c> in row <c>r</c>, column <c>c</c> becomes
    /// <c>x (K1 + 1) / (K1 · L_r + x) · idf(c)</c>, where <c>L_r = (1 − B) + B · len_r / mean(len)</c> and
    /// <c>len_r</c> is the sum of row <c>r</c>'s values.
    /// </summary>
    /// <param name="matrix">The document x term matrix.</param>
    /// <param name="k1">The term-frequency saturation <c>K1</c> (non-negative, finite); <c>implicit</c>'s default 100.</param>
    /// <param name="b">The length normalisation <c>B</c>, in [0, 1]; <c>implicit</c>'s default 0.8.</param>
    /// <returns>A new matrix of the same structure holding the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k1"/> is negative or not finite, or
    /// <paramref name="b"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">A weight is not finite (where <c>implicit</c> stores NaN or infinity): the
    /// rows' values sum to zero on average (every <c>L_r</c> is then <c>0 / 0</c> or infinite), or a stored zero meets
    /// <c>K1</c> = 0 (<c>0 / 0</c>). The message names the entry, its value, its row's sum and the mean.</exception>
    /// <remarks>O(nnz + rows + columns); allocates the result.</remarks>
    public static CsrMatrix Bm25Weight(CsrMatrix matrix, double k1 = 100, double b = 0.8)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckBm25(k1, b);
        var weights = Bm25Values(matrix, k1, b);
        var values = ToFloats(weights);
        var bad = FirstNonFinite(values);
        if (bad >= 0)
        {
            var (row, column, value) = Entry(matrix, bad);
            var rowSum = matrix.GetValues(row).ToArray().Sum(v => (double)v);
            var meanRowSum = matrix.Sum() / matrix.RowCount;
            ThrowHelper.ThrowArgument(
                nameof(matrix),
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The BM25 weight of matrix[{row}, {column}] = {value} is {weights[bad]} (row sum {rowSum}, mean row sum {meanRowSum}, K1 {k1}, B {b}); weights must be finite: the mean row sum must not be 0, nor a stored value 0 when K1 is 0."));
        }

        return matrix.WithValues(values);
    }

    /// <summary>
    /// The TF-IDF weighting: entry <c>x</c> in column <c>c</c> becomes <c>√x · idf(c)</c>.
    /// </summary>
    /// <param name="matrix">The document x term matrix (non-negative values).</param>
    /// <returns>A new matrix of the same structure holding the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is negative (its square root is not a number, which <c>implicit</c>
    /// would store); the message names the entry and its value.</exception>
    /// <remarks>O(nnz + columns); allocates the result.</remarks>
    public static CsrMatrix TfIdfWeight(CsrMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var weights = TfIdfValues(matrix);
        var values = ToFloats(weights);
        var bad = FirstNonFinite(values);
        if (bad >= 0)
        {
            var (row, column, value) = Entry(matrix, bad);
            ThrowHelper.ThrowArgument(
                nameof(matrix),
                string.Create(CultureInfo.InvariantCulture, $"The TF-IDF weight of matrix[{row}, {column}] = {value} is {weights[bad]}; values must be non-negative (the weight is the square root of the value times the column's idf)."));
        }

        return matrix.WithValues(values);
    }

    /// <summary>Checks BM25's parameters; the messages name them as the caller does (<c>k1</c> here,
    /// <c>K1</c> for <c>ItemKnnOptions</c>) with their values.</summary>
    internal static void CheckBm25(double k1, double b, string k1Name = "k1", string bName = "b")
    {
        if (!double.IsFinite(k1) || k1 < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(k1Name, k1, $"{k1Name} must be finite and >= 0, but was {k1}.");
        }

        if (!(b >= 0 && b <= 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(bName, b, $"{bName} must be in [0, 1], but was {b}.");
        }
    }

    /// <summary>The BM25 weights of <paramref name="matrix"/>'s stored entries, in storage order, in double precision.</summary>
    internal static double[] Bm25Values(CsrMatrix matrix, double k1, double b)
    {
        var idf = InverseDocumentFrequencies(matrix);
        var rows = matrix.RowCount;
        var rowSums = new double[rows];
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            foreach (var v in matrix.GetValues(r))
            {
                sum += v;
            }

            rowSums[r] = sum;
            total += sum;
        }

        var averageLength = rows == 0 ? 0.0 : total / rows;
        var weights = new double[matrix.NonZeroCount];
        var at = 0L;
        for (var r = 0; r < rows; r++)
        {
            var lengthNorm = (1.0 - b) + (b * rowSums[r] / averageLength);
            var columns = matrix.GetColumnIndices(r);
            var values = matrix.GetValues(r);
            for (var i = 0; i < columns.Length; i++)
            {
                double x = values[i];
                weights[at++] = x * (k1 + 1.0) / ((k1 * lengthNorm) + x) * idf[columns[i]];
            }
        }

        return weights;
    }

    /// <summary>The TF-IDF weights of <paramref name="matrix"/>'s stored entries, in storage order, in double precision.</summary>
    internal static double[] TfIdfValues(CsrMatrix matrix)
    {
        var idf = InverseDocumentFrequencies(matrix);
        var weights = new double[matrix.NonZeroCount];
        var at = 0L;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            var columns = matrix.GetColumnIndices(r);
            var values = matrix.GetValues(r);
            for (var i = 0; i < columns.Length; i++)
            {
                weights[at++] = Math.Sqrt(values[i]) * idf[columns[i]];
            }
        }

        return weights;
    }

    /// <summary>Divides every row of <paramref name="weights"/> (laid out as <paramref name="matrix"/>'s entries) by its
    /// Euclidean norm, in place; a row of norm zero stays zero (where <c>implicit</c>'s <c>normalize</c> makes NaN).</summary>
    internal static void NormalizeRows(CsrMatrix matrix, double[] weights)
    {
        var pointers = matrix.RowPointers;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            var row = weights.AsSpan((int)pointers[r], (int)(pointers[r + 1] - pointers[r]));
            var squares = 0.0;
            foreach (var w in row)
            {
                squares += w * w;
            }

            if (squares == 0)
            {
                continue;
            }

            var norm = Math.Sqrt(squares);
            for (var i = 0; i < row.Length; i++)
            {
                row[i] /= norm;
            }
        }
    }

    private static double[] InverseDocumentFrequencies(CsrMatrix matrix)
    {
        var counts = matrix.GetColumnCounts();
        var logN = Math.Log(matrix.RowCount);
        var idf = new double[counts.Length];
        for (var c = 0; c < idf.Length; c++)
        {
            idf[c] = logN - double.LogP1(counts[c]);
        }

        return idf;
    }

    /// <summary>The weights as the floats a matrix stores (a weight beyond float's range becomes infinite).</summary>
    private static float[] ToFloats(double[] weights)
    {
        var values = new float[weights.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)weights[i];
        }

        return values;
    }

    /// <summary>The position of the first value that is not finite, or -1.</summary>
    private static int FirstNonFinite(float[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The row, column and value of the stored entry at <paramref name="position"/> (in storage order).</summary>
    private static (int Row, int Column, float Value) Entry(CsrMatrix matrix, int position)
    {
        var pointers = matrix.RowPointers;
        var row = 0;
        while (pointers[row + 1] <= position)
        {
            row++;
        }

        var offset = position - (int)pointers[row];
        return (row, matrix.GetColumnIndices(row)[offset], matrix.GetValues(row)[offset]);
    }
}
