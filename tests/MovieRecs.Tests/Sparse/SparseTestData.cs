namespace MovieRecs.Tests.Sparse;

/// <summary>Seeded random triplets for sparse-matrix properties: small shapes, many duplicates, some zeros.</summary>
internal sealed record Triplets(int RowCount, int ColumnCount, int[] Rows, int[] Columns, float[] Values)
{
    public static Triplets Random(int seed, int maxSize = 12, int maxCount = 80)
    {
        var random = new Random(seed);
        var rowCount = random.Next(0, maxSize + 1);
        var columnCount = random.Next(0, maxSize + 1);
        var count = rowCount == 0 || columnCount == 0 ? 0 : random.Next(0, maxCount + 1);
        var rows = new int[count];
        var columns = new int[count];
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = random.Next(rowCount);
            columns[i] = random.Next(columnCount);
            values[i] = random.Next(-3, 6) * 0.5f; // small halves: exact in float, so sums are exact too
        }

        return new Triplets(rowCount, columnCount, rows, columns, values);
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
}
