using System.Buffers;
using MovieRecs.Als;

namespace MovieRecs.Spark;

/// <summary>
/// Writes a model as a Spark ALSModel directory into a fresh folder: the metadata line, then each side's part files
/// (rows spread over the parts by id as Spark's hash partitioner does, ascending id within a part), every file with its
/// Hadoop checksum file, and a <c>_SUCCESS</c> marker in each folder.
/// </summary>
internal static class SparkModelWriter
{
    /// <summary>The floats per part file when <see cref="SparkModelSaveOptions.PartCount"/> is 0.</summary>
    private const int FloatsPerPart = 1 << 20;

    public static void Write(AlsModel model, IdIndex<int> users, IdIndex<int> items, string folder, SparkModelSaveOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var metadataFolder = Path.Combine(folder, "metadata");
        Directory.CreateDirectory(metadataFolder);
        var uid = options.Uid ?? SparkMetadataJson.NewUid();
        WriteFile(Path.Combine(metadataFolder, "part-00000"), SparkMetadataJson.Write(model.Factors, options, options.Timestamp ?? DateTimeOffset.UtcNow, uid));
        WriteFile(Path.Combine(metadataFolder, "_SUCCESS"), []);
        WriteSide(Path.Combine(folder, SparkModelReader.UserFactors), users.Keys, model.UserCount, model.Factors, row => model.GetUserFactors(row), options, cancellationToken);
        WriteSide(Path.Combine(folder, SparkModelReader.ItemFactors), items.Keys, model.ItemCount, model.Factors, row => model.GetItemFactors(row), options, cancellationToken);
    }

    private delegate ReadOnlySpan<float> RowSource(int row);

    private static void WriteSide(
        string folder, ReadOnlySpan<int> ids, int rows, int rank, RowSource rowOf, SparkModelSaveOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var parts = options.PartCount > 0
            ? options.PartCount
            : (int)Math.Clamp(((long)rows * rank + FloatsPerPart - 1) / FloatsPerPart, 1, SparkModelSaveOptions.MaxPartCount);

        // Rows by part (Spark's nonNegativeMod(id, parts)), ascending id within a part: a counting sort of the rows
        // in id order.
        var byId = new int[rows];
        var sortedIds = ids.ToArray();
        for (var row = 0; row < rows; row++)
        {
            byId[row] = row;
        }

        Array.Sort(sortedIds, byId);
        var counts = new int[parts + 1];
        foreach (var id in sortedIds)
        {
            counts[PartOf(id, parts) + 1]++;
        }

        for (var p = 0; p < parts; p++)
        {
            counts[p + 1] += counts[p];
        }

        var order = new int[rows];
        var next = (int[])counts.Clone();
        for (var k = 0; k < rows; k++)
        {
            order[next[PartOf(sortedIds[k], parts)]++] = byId[k];
        }

        var job = Guid.NewGuid().ToString("D");
        var output = new ArrayBufferWriter<byte>();
        for (var p = 0; p < parts; p++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = counts[p + 1] - counts[p];
            if (count == 0)
            {
                // Spark writes no file for an empty partition.
                continue;
            }

            var partIds = new int[count];
            var partFactors = new float[(long)count * rank];
            for (var k = 0; k < count; k++)
            {
                var row = order[counts[p] + k];
                partIds[k] = ids[row];
                rowOf(row).CopyTo(partFactors.AsSpan(k * rank, rank));
            }

            output.ResetWrittenCount();
            SparkParquetWriter.Write(output, partIds, partFactors, rank, SparkParquetWriter.CreatedBy);
            WriteFile(Path.Combine(folder, $"part-{p:D5}-{job}-c000.snappy.parquet"), output.WrittenSpan);
        }

        WriteFile(Path.Combine(folder, "_SUCCESS"), []);
    }

    /// <summary>Spark's <c>HashPartitioner</c> for an int key: <c>nonNegativeMod(id.hashCode, parts)</c>.</summary>
    private static int PartOf(int id, int parts)
    {
        var mod = id % parts;
        return mod < 0 ? mod + parts : mod;
    }

    /// <summary>
    /// Called with each file's path once it and its checksum file are written, for the current asynchronous flow only:
    /// lets tests cancel at a chosen point of a real save.
    /// </summary>
    internal static AsyncLocal<Action<string>?> FileWritten { get; } = new();

    /// <summary>Writes a file and its Hadoop checksum file.</summary>
    private static void WriteFile(string path, ReadOnlySpan<byte> content)
    {
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.WriteAllBytes(HadoopChecksum.PathOf(path), HadoopChecksum.Compute(content));
        FileWritten.Value?.Invoke(path);
    }
}
