using DuckDB.NET.Data;

namespace MovieRecs.Spark.Tests;

/// <summary>
/// Reads a factor folder (all its Parquet part files) with DuckDB, a reader that shares no code with the package:
/// the ids and vectors as the files hold them.
/// </summary>
internal static class IndependentReader
{
    public static Dictionary<int, float[]> ReadWithDuckDb(string folder)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var glob = Path.Combine(folder, "part-*.parquet").Replace("'", "''", StringComparison.Ordinal);
        command.CommandText = $"SELECT id, features FROM read_parquet('{glob}')";
        using var reader = command.ExecuteReader();
        var result = new Dictionary<int, float[]>();
        while (reader.Read())
        {
            var id = reader.GetInt32(0);
            var features = reader.GetFieldValue<List<float>>(1);
            result.Add(id, [.. features]);
        }

        return result;
    }

    /// <summary>The rows of each part file of <paramref name="folder"/> read with ParquetSharp (Apache Arrow's C++ reader).</summary>
    public static Dictionary<int, float[]> ReadWithParquetSharp(string folder)
    {
        var result = new Dictionary<int, float[]>();
        foreach (var file in Directory.GetFiles(folder, "part-*"))
        {
            using var reader = new ParquetSharp.ParquetFileReader(file);
            for (var g = 0; g < reader.FileMetaData.NumRowGroups; g++)
            {
                using var group = reader.RowGroup(g);
                var rows = checked((int)group.MetaData.NumRows);
                var ids = group.Column(0).LogicalReader<int>().ReadAll(rows);
                var features = group.Column(1).LogicalReader<float[]?>().ReadAll(rows);
                for (var r = 0; r < rows; r++)
                {
                    result.Add(ids[r], features[r] ?? throw new InvalidDataException($"{file}: a null vector"));
                }
            }
        }

        return result;
    }
}
