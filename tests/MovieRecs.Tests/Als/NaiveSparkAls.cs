using MovieRecs.Sparse;

namespace MovieRecs.Tests.Als;

/// <summary>
/// A deliberately plain double-precision reference of Apache Spark MLlib's implicit ALS normal equations, written
/// after Spark's <c>ALS.computeFactors</c> with <c>implicitPrefs = true</c>: start from <c>YᵀY</c> of all the other
/// side's factors; for each entry <c>r</c> add <c>c1 = alpha·|r|</c> times <c>y yᵀ</c> to the matrix and, when
/// <c>r &gt; 0</c>, <c>(1 + c1) y</c> to the right-hand side and count it in <c>numExplicits</c>; then add
/// <c>regParam · numExplicits</c> to the diagonal and solve. Empty rows give zero factors (Spark has none).
/// </summary>
internal static class NaiveSparkAls
{
    /// <summary>Solves every row of <paramref name="rows"/> exactly against the fixed <paramref name="other"/> factors.</summary>
    public static double[][] HalfStep(CsrMatrix rows, double[][] other, int factors, double regParam, double alpha)
    {
        var result = new double[rows.RowCount][];
        for (var u = 0; u < rows.RowCount; u++)
        {
            var columns = rows.GetColumnIndices(u);
            result[u] = columns.IsEmpty ? new double[factors] : SolveRow(columns, rows.GetValues(u), other, factors, regParam, alpha);
        }

        return result;
    }

    /// <summary>One row's system, solved.</summary>
    public static double[] SolveRow(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, double[][] other, int factors, double regParam, double alpha)
    {
        var ata = new double[factors, factors];
        foreach (var y in other)
        {
            AddOuter(ata, y, 1.0);
        }

        var atb = new double[factors];
        var numExplicits = 0;
        for (var k = 0; k < columns.Length; k++)
        {
            var y = other[columns[k]];
            double rating = values[k];
            var c1 = alpha * Math.Abs(rating);
            if (rating > 0)
            {
                numExplicits++;
                for (var p = 0; p < factors; p++)
                {
                    atb[p] += (1.0 + c1) * y[p];
                }
            }

            AddOuter(ata, y, c1);
        }

        for (var p = 0; p < factors; p++)
        {
            ata[p, p] += regParam * numExplicits;
        }

        return NaiveImplicitAls.Solve(ata, atb);
    }

    /// <summary>
    /// The implicit loss under Spark's convention, from its definition over every cell:
    /// <c>(Σ_u Σ_i c_ui (p_ui − x_u·y_i)² + λ Σ_u n_u |x_u|² + λ Σ_i n_i |y_i|²) / (Σ_ui c_ui)</c> with <c>c = 1 + α|r|</c>
    /// for stored entries and 1 elsewhere.
    /// </summary>
    public static double Loss(CsrMatrix matrix, double[][] users, double[][] items, double regParam, double alpha)
    {
        double loss = 0, total = 0;
        var userCounts = new int[matrix.RowCount];
        var itemCounts = new int[matrix.ColumnCount];
        for (var u = 0; u < matrix.RowCount; u++)
        {
            var stored = new Dictionary<int, float>();
            var columns = matrix.GetColumnIndices(u);
            var values = matrix.GetValues(u);
            for (var k = 0; k < columns.Length; k++)
            {
                stored[columns[k]] = values[k];
                if (values[k] > 0)
                {
                    userCounts[u]++;
                    itemCounts[columns[k]]++;
                }
            }

            for (var i = 0; i < matrix.ColumnCount; i++)
            {
                var (confidence, preference) = stored.TryGetValue(i, out var r) ? (1 + (alpha * Math.Abs(r)), r > 0 ? 1.0 : 0.0) : (1.0, 0.0);
                var error = preference - Dot(users[u], items[i]);
                loss += confidence * error * error;
                total += confidence;
            }
        }

        for (var u = 0; u < users.Length; u++)
        {
            loss += regParam * userCounts[u] * Dot(users[u], users[u]);
        }

        for (var i = 0; i < items.Length; i++)
        {
            loss += regParam * itemCounts[i] * Dot(items[i], items[i]);
        }

        return loss / total;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var f = 0; f < a.Length; f++)
        {
            sum += a[f] * b[f];
        }

        return sum;
    }

    private static void AddOuter(double[,] a, double[] y, double weight)
    {
        for (var p = 0; p < y.Length; p++)
        {
            for (var q = 0; q < y.Length; q++)
            {
                a[p, q] += weight * y[p] * y[q];
            }
        }
    }
}
