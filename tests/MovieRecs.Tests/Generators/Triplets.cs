using System.Globalization;
using System.Text;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A sparse matrix as a shape and a list of (row, column, value) entries, duplicates and zeros allowed.
/// Drawn and shrunk by <see cref="SparseGen"/>.
/// </summary>
public sealed record Triplets(int RowCount, int ColumnCount, int[] Rows, int[] Columns, float[] Values)
{
    public int Count => Rows.Length;

    public CsrMatrix ToCsr() => CsrMatrix.FromTriplets(RowCount, ColumnCount, Rows, Columns, Values);

    /// <summary>The stored entries of <paramref name="matrix"/>, row by row.</summary>
    public static Triplets FromCsr(CsrMatrix matrix)
    {
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < matrix.RowCount; r++)
        {
            var rowColumns = matrix.GetColumnIndices(r);
            var rowValues = matrix.GetValues(r);
            for (var k = 0; k < rowColumns.Length; k++)
            {
                rows.Add(r);
                columns.Add(rowColumns[k]);
                values.Add(rowValues[k]);
            }
        }

        return new Triplets(matrix.RowCount, matrix.ColumnCount, [.. rows], [.. columns], [.. values]);
    }

    /// <summary>The dense sum of the triplets, straight from the definition.</summary>
    public float[,] DenseSum()
    {
        var dense = new float[RowCount, ColumnCount];
        for (var i = 0; i < Rows.Length; i++)
        {
            dense[Rows[i], Columns[i]] += Values[i];
        }

        return dense;
    }

    /// <summary>Shape and entries, so that a counterexample reads as the matrix it is.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{RowCount}x{ColumnCount} [");
        for (var i = 0; i < Rows.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}({Rows[i]},{Columns[i]})={Values[i]}");
        }

        return text.Append(']').ToString();
    }
}
