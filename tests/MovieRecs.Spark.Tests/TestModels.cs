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

    /// <summary>
    /// Writes a part file like <see cref="WritePart"/> whose id column lies: its chunk declares
    /// <paramref name="idChunkValues"/> values and its one page <paramref name="idPageValues"/>, and
    /// <paramref name="afterIdChunk"/> lies between the id chunk and the features chunk (bytes no chunk claims).
    /// </summary>
    public static void WritePartWithLyingIdColumn(string path, int[] ids, float[] factors, int rank, long idChunkValues, int idPageValues, byte[] afterIdChunk)
    {
        // The features chunk of an honest file: it starts right after the honest id chunk and ends at the footer.
        var honest = new ArrayBufferWriter<byte>();
        SparkParquetWriter.Write(honest, ids, factors, rank, SparkParquetWriter.CreatedBy);
        var honestIdChunk = new SparkParquetWriter.CountingWriter(new ArrayBufferWriter<byte>());
        SparkParquetWriter.WritePage(honestIdChunk, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()), ids.Length, SparkParquetWriter.EncodingBitPacked);
        var file = honest.WrittenSpan;
        var footerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(file[^8..]);
        var features = file[(4 + (int)honestIdChunk.Position)..(file.Length - 8 - footerLength)];

        var output = new ArrayBufferWriter<byte>();
        var sink = new SparkParquetWriter.CountingWriter(output);
        sink.Write("PAR1"u8);
        var idStart = sink.Position;
        var idPage = SparkParquetWriter.WritePage(sink, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()), idPageValues, SparkParquetWriter.EncodingBitPacked);
        var idChunk = new SparkParquetWriter.ChunkInfo(idStart, sink.Position - idStart, idPage.Uncompressed, 1, idChunkValues);
        sink.Write(afterIdChunk);
        var featuresStart = sink.Position;
        sink.Write(features);
        var featuresChunk = new SparkParquetWriter.ChunkInfo(featuresStart, features.Length, features.Length, 1, (long)ids.Length * rank);
        SparkParquetWriter.WriteFooter(
            sink, ids.Length, idChunk, featuresChunk, SparkParquetWriter.IntStatistics(ids), SparkParquetWriter.FloatStatistics(factors), "forged");
        sink.Write("PAR1"u8);
        File.WriteAllBytes(path, output.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Replaces the footer of the part file at <paramref name="path"/> (its Thrift <c>FileMetaData</c>) with what
    /// <paramref name="change"/> makes of it, and writes the new length and the closing magic after it.
    /// </summary>
    public static void RewriteFooter(string path, Func<byte[], byte[]> change)
    {
        var file = File.ReadAllBytes(path);
        var footerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var footerStart = file.Length - 8 - footerLength;
        var footer = change(file[footerStart..(file.Length - 8)]);
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        File.WriteAllBytes(path, [.. file.AsSpan(0, footerStart), .. footer, .. length, .. "PAR1"u8]);
    }

    /// <summary>Thrift compact bytes of a field of id <paramref name="fieldId"/> (written with a full header) holding a
    /// list of a list of ... nested <paramref name="depth"/> deep, the innermost empty.</summary>
    public static byte[] DeeplyNestedListField(short fieldId, int depth)
    {
        var bytes = new List<byte> { ThriftCompactWriter.TypeList };
        var zigZag = (ushort)((fieldId << 1) ^ (fieldId >> 15));
        while (zigZag >= 0x80)
        {
            bytes.Add((byte)(zigZag | 0x80));
            zigZag >>= 7;
        }

        bytes.Add((byte)zigZag);
        bytes.AddRange(Enumerable.Repeat((byte)((1 << 4) | ThriftCompactWriter.TypeList), depth)); // one element: a list
        bytes.Add((0 << 4) | ThriftCompactWriter.TypeI32); // the innermost: no elements
        return [.. bytes];
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
