using FsCheck.Xunit;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Sparse;

/// <summary>BM25 and TF-IDF weights against a naive dense reference of <c>implicit</c>'s formulas.</summary>
public class SparseWeightingPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Bm25Weight_EqualsNaiveReference(Triplets t)
    {
        const double k1 = 1.2, b = 0.75;
        var matrix = t.ToCsr();
        var weighted = SparseWeighting.Bm25Weight(matrix, k1, b);
        var dense = matrix.ToDense();
        var (present, idf) = Idf(matrix);
        var lengths = new double[matrix.RowCount];
        for (var r = 0; r < matrix.RowCount; r++)
        {
            for (var c = 0; c < matrix.ColumnCount; c++)
            {
                lengths[r] += dense[r, c];
            }
        }

        var average = lengths.Average();
        return SameStructure(matrix, weighted) && AllClose(weighted, present, (r, c) =>
        {
            var norm = 1 - b + (b * lengths[r] / average);
            return dense[r, c] * (k1 + 1) / ((k1 * norm) + dense[r, c]) * idf[c];
        });
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool TfIdfWeight_EqualsNaiveReference(Triplets t)
    {
        var matrix = t.ToCsr();
        var weighted = SparseWeighting.TfIdfWeight(matrix);
        var dense = matrix.ToDense();
        var (present, idf) = Idf(matrix);
        return SameStructure(matrix, weighted) && AllClose(weighted, present, (r, c) => Math.Sqrt(dense[r, c]) * idf[c]);
    }

    [Property(MaxTest = 50)]
    public bool Bm25Weight_SingleEntryRow_IsClosedForm(byte rating, byte otherRows)
    {
        // One row holding one entry x, and otherRows rows holding one entry of another column each.
        var x = 1 + (rating % 5);
        var rows = 1 + (otherRows % 6);
        var rowIndex = Enumerable.Range(0, rows).ToArray();
        var columns = rowIndex.Select(r => r == 0 ? 0 : 1).ToArray();
        var values = rowIndex.Select(r => r == 0 ? (float)x : 2f).ToArray();
        var matrix = CsrMatrix.FromTriplets(rows, 2, rowIndex, columns, values);
        var weighted = SparseWeighting.Bm25Weight(matrix, k1: 100, b: 0.8);
        var average = (x + (2.0 * (rows - 1))) / rows;
        var norm = 0.2 + (0.8 * x / average);
        var expected = x * 101.0 / ((100 * norm) + x) * (Math.Log(rows) - Math.Log(2));
        return Math.Abs(weighted[0, 0] - expected) <= 1e-5 * (1 + Math.Abs(expected));
    }

    private static (bool[,] Present, double[] Idf) Idf(CsrMatrix matrix)
    {
        var present = new bool[matrix.RowCount, matrix.ColumnCount];
        var counts = new int[matrix.ColumnCount];
        for (var r = 0; r < matrix.RowCount; r++)
        {
            foreach (var c in matrix.GetColumnIndices(r))
            {
                present[r, c] = true;
                counts[c]++;
            }
        }

        return (present, counts.Select(n => Math.Log(matrix.RowCount) - Math.Log(1 + n)).ToArray());
    }

    private static bool SameStructure(CsrMatrix a, CsrMatrix b) =>
        a.RowCount == b.RowCount && a.ColumnCount == b.ColumnCount && a.RowPointers.SequenceEqual(b.RowPointers)
        && Enumerable.Range(0, a.RowCount).All(r => a.GetColumnIndices(r).SequenceEqual(b.GetColumnIndices(r)));

    private static bool AllClose(CsrMatrix weighted, bool[,] present, Func<int, int, double> expected)
    {
        for (var r = 0; r < weighted.RowCount; r++)
        {
            for (var c = 0; c < weighted.ColumnCount; c++)
            {
                if (present[r, c] && Math.Abs(weighted[r, c] - expected(r, c)) > 1e-5 * (1 + Math.Abs(expected(r, c))))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
