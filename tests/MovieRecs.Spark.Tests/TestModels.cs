using System.Buffers;
using MovieRecs.Als;

namespace MovieRecs.Spark.Tests;

/// <summary>Small models and part files made for the tests.</summary>
internal static class TestModels
{
    /// <summary>A model of seeded random factors with ids spread over positive and negative values.</summary>
    public static (AlsModel Model, IdIndex<int> Users, IdIndex<int> Items) Random(int users, int items, int rank, int seed)
    {
        var random = new Random(seed);
        var userFactors = new float[users * rank];
        var itemFactors = new float[items * rank];
        for (var k = 0; k < userFactors.Length; k++)
        {
            userFactors[k] = (float)((random.NextDouble() * 2) - 1);
        }

        for (var k = 0; k < itemFactors.Length; k++)
        {
            itemFactors[k] = (float)((random.NextDouble() * 2) - 1);
        }

        var model = AlsModel.FromFactors(new AlsOptions { Factors = rank }, userFactors, itemFactors);
        return (model, IdIndex.Create(DistinctIds(random, users)), IdIndex.Create(DistinctIds(random, items)));
    }

    /// <summary>Writes a part file with the package's writer (no checks: NaNs and any ids go through).</summary>
    public static void WritePart(string path, int[] ids, float[] factors, int rank)
    {
        var output = new ArrayBufferWriter<byte>();
        SparkParquetWriter.Write(output, ids, factors, rank, SparkParquetWriter.CreatedBy);
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Writes a part file whose footer declares <paramref name="declaredRows"/> rows and whose features column is one
    /// page of 16 zero bytes declaring <paramref name="declaredPageBytes"/> bytes uncompressed: files that lie about
    /// their sizes.
    /// </summary>
    public static void WriteLyingPart(string path, int[] ids, float[] factors, int rank, long declaredRows, int declaredPageBytes = 16)
    {
        var output = new ArrayBufferWriter<byte>();
        var sink = new SparkParquetWriter.CountingWriter(output);
        sink.Write("PAR1"u8);
        var idStart = sink.Position;
        var idPage = SparkParquetWriter.WritePage(sink, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()), ids.Length, SparkParquetWriter.EncodingBitPacked);
        var idChunk = new SparkParquetWriter.ChunkInfo(idStart, sink.Position - idStart, idPage.Uncompressed, 1, ids.Length);
        var featuresStart = sink.Position;
        var header = new ArrayBufferWriter<byte>();
        var thrift = new ThriftCompactWriter(header);
        thrift.BeginStruct();
        thrift.I32Field(1, 0);
        thrift.I32Field(2, declaredPageBytes);
        thrift.I32Field(3, 16);
        thrift.BeginStructField(5);
        thrift.I32Field(1, ids.Length * rank);
        thrift.I32Field(2, 0);
        thrift.I32Field(3, SparkParquetWriter.EncodingRle);
        thrift.I32Field(4, SparkParquetWriter.EncodingRle);
        thrift.EndStruct();
        thrift.EndStruct();
        sink.Write(header.WrittenSpan);
        sink.Write(new byte[16]);
        long uncompressed = header.WrittenCount + declaredPageBytes;
        var featuresChunk = new SparkParquetWriter.ChunkInfo(featuresStart, sink.Position - featuresStart, uncompressed, 1, (long)ids.Length * rank);
        SparkParquetWriter.WriteFooter(
            sink, declaredRows, idChunk, featuresChunk, SparkParquetWriter.IntStatistics(ids), SparkParquetWriter.FloatStatistics(factors), "forged");
        sink.Write("PAR1"u8);
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());
    }

    private static int[] DistinctIds(Random random, int count)
    {
        var ids = new HashSet<int>();
        while (ids.Count < count)
        {
            ids.Add(random.Next(-50, 10 * count));
        }

        return [.. ids];
    }
}
