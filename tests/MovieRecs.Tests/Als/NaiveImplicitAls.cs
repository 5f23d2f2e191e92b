using MovieRecs.Sparse;

namespace MovieRecs.Tests.Als;

/// <summary>
/// A deliberately plain reference for one ALS half-step, in double, straight from Hu, Koren and Volinsky's formulas
/// with <c>implicit</c>'s conventions: c = alpha * r, preference 1 for r &gt; 0, a negative r means preference 0 with
/// confidence |alpha * r|, regularization not scaled by the row's count, empty rows give zero factors.
/// </summary>
internal static class NaiveImplicitAls
{
    /// <summary>Solves every row of <paramref name="rows"/> exactly against the fixed <paramref name="other"/> factors.</summary>
    public static double[][] HalfStep(CsrMatrix rows, double[][] other, int factors, double regularization, double alpha)
    {
        // YᵀY + λI
        var gram = new double[factors, factors];
        foreach (var y in other)
        {
            for (var a = 0; a < factors; a++)
            {
                for (var b = 0; b < factors; b++)
                {
                    gram[a, b] += y[a] * y[b];
                }
            }
        }

        for (var a = 0; a < factors; a++)
        {
            gram[a, a] += regularization;
        }

        var result = new double[rows.RowCount][];
        for (var u = 0; u < rows.RowCount; u++)
        {
            var columns = rows.GetColumnIndices(u);
            var values = rows.GetValues(u);
            if (columns.IsEmpty)
            {
                result[u] = new double[factors];
                continue;
            }

            var a = (double[,])gram.Clone();
            var rhs = new double[factors];
            for (var k = 0; k < columns.Length; k++)
            {
                var y = other[columns[k]];
                var c = alpha * values[k];
                var confidence = Math.Abs(c);
                for (var p = 0; p < factors; p++)
                {
                    for (var q = 0; q < factors; q++)
                    {
                        a[p, q] += (confidence - 1) * y[p] * y[q];
                    }

                    if (c > 0)
                    {
                        rhs[p] += c * y[p];
                    }
                }
            }

            result[u] = Solve(a, rhs);
        }

        return result;
    }

    /// <summary>Gaussian elimination with partial pivoting (overwrites <paramref name="a"/> and <paramref name="b"/>).</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (var c = 0; c < n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / a[col, col];
                for (var c = col; c < n; c++)
                {
                    a[r, c] -= f * a[col, c];
                }

                b[r] -= f * b[col];
            }
        }

        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = b[r];
            for (var c = r + 1; c < n; c++)
            {
                s -= a[r, c] * x[c];
            }

            x[r] = s / a[r, r];
        }

        return x;
    }
}
