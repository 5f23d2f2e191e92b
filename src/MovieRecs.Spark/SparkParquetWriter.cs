using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Snappier;

namespace MovieRecs.Spark;

/// <summary>
/// Writes one factor part file exactly in the layout Spark 3.5 (parquet-mr 1.13) gives it: the schema
/// <c>message spark_schema { required int32 id; optional group features (LIST) { repeated group list { required
/// float element; } } }</c> with no annotation on <c>id</c>, one row group, version-1 data pages of PLAIN values with
/// RLE levels, snappy compression, page CRCs, column statistics, Spark's schema JSON and version in the key-value
/// metadata.
/// </summary>
/// <remarks>
/// Its own writer rather than Parquet.Net's, which annotates every int32 column as <c>INT(32, signed)</c> and names
/// the root <c>root</c>: Spark reads that too, but the directory would then differ from what Spark writes. The rows
/// come in the order given (the caller puts them in ascending id order within the part).
/// </remarks>
internal static class SparkParquetWriter
{
    /// <summary>Spark's schema of the factor DataFrames, as it stores it in the key-value metadata.</summary>
    public const string SparkRowMetadata =
        "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}},"
        + "{\"name\":\"features\",\"type\":{\"type\":\"array\",\"elementType\":\"float\",\"containsNull\":false},\"nullable\":true,\"metadata\":{}}]}";

    /// <summary>The values per data page of the features column (about 1 MiB of floats, parquet-mr's page size), whole rows.</summary>
    private const int ValuesPerPage = 1 << 18;

    // Parquet's enums (parquet.thrift).
    private const int TypeInt32 = 1;
    private const int TypeFloat = 4;
    private const int Required = 0;
    private const int Optional = 1;
    private const int Repeated = 2;
    private const int ConvertedList = 3;
    private const int EncodingPlain = 0;
    internal const int EncodingRle = 3;
    internal const int EncodingBitPacked = 4;
    private const int CodecSnappy = 1;
    private const int PageData = 0;

    /// <summary>Writes a part file of <paramref name="ids"/> and their vectors (<paramref name="rank"/> floats each,
    /// row-major) to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<int> ids, ReadOnlySpan<float> factors, int rank, string createdBy)
    {
        var sink = new CountingWriter(output);
        sink.Write("PAR1"u8);
        var rows = ids.Length;

        // id: one page of PLAIN int32 (required, not repeated: no levels).
        var idStart = sink.Position;
        var idBody = MemoryMarshalBytes(ids);
        var idPage = WritePage(sink, idBody, rows, EncodingBitPacked);
        var idChunk = new ChunkInfo(idStart, sink.Position - idStart, idPage.Uncompressed, 1, rows);

        // features: pages of whole rows, each with RLE repetition and definition levels and PLAIN floats.
        var featuresStart = sink.Position;
        var rowsPerPage = Math.Max(1, ValuesPerPage / rank);
        long uncompressed = 0;
        var pages = 0;
        var levels = new ArrayBufferWriter<byte>();
        for (var first = 0; first < rows; first += rowsPerPage)
        {
            var count = Math.Min(rowsPerPage, rows - first);
            levels.ResetWrittenCount();
            WriteLevels(levels, count, rank);
            var values = MemoryMarshalBytes(factors.Slice(first * rank, count * rank));
            var body = new byte[levels.WrittenCount + values.Length];
            levels.WrittenSpan.CopyTo(body);
            values.CopyTo(body.AsSpan(levels.WrittenCount));
            uncompressed += WritePage(sink, body, count * rank, EncodingRle).Uncompressed;
            pages++;
        }

        var featuresChunk = new ChunkInfo(featuresStart, sink.Position - featuresStart, uncompressed, pages, (long)rows * rank);

        WriteFooter(sink, rows, idChunk, featuresChunk, IntStatistics(ids), FloatStatistics(factors), createdBy);
        sink.Write("PAR1"u8);
    }

    /// <summary>Writes the footer (the Thrift <c>FileMetaData</c>) and its length; the caller adds the closing magic.
    /// Tests call it with sizes of their own to forge damaged files.</summary>
    internal static void WriteFooter(
        CountingWriter sink, long rows, ChunkInfo idChunk, ChunkInfo featuresChunk, (byte[] Min, byte[] Max) idStatistics,
        (byte[] Min, byte[] Max) featureStatistics, string createdBy)
    {
        var footerStart = sink.Position;
        var thrift = new ThriftCompactWriter(sink);
        thrift.BeginStruct();
        thrift.I32Field(1, 1);
        thrift.ListField(2, ThriftCompactWriter.TypeStruct, 5);
        SchemaElement(thrift, "spark_schema", type: null, repetition: null, children: 2);
        SchemaElement(thrift, "id", TypeInt32, Required, children: null);
        SchemaElement(thrift, "features", type: null, Optional, children: 1, list: true);
        SchemaElement(thrift, "list", type: null, Repeated, children: 1);
        SchemaElement(thrift, "element", TypeFloat, Required, children: null);
        thrift.I64Field(3, rows);
        thrift.ListField(4, ThriftCompactWriter.TypeStruct, 1);
        thrift.BeginStruct();
        thrift.ListField(1, ThriftCompactWriter.TypeStruct, 2);
        ColumnChunk(thrift, idChunk, TypeInt32, [EncodingBitPacked, EncodingPlain], ["id"], idStatistics);
        ColumnChunk(thrift, featuresChunk, TypeFloat, [EncodingRle, EncodingPlain], ["features", "list", "element"], featureStatistics);
        thrift.I64Field(2, idChunk.Uncompressed + featuresChunk.Uncompressed);
        thrift.I64Field(3, rows);
        thrift.I64Field(5, idChunk.Start);
        thrift.I64Field(6, idChunk.Compressed + featuresChunk.Compressed);
        thrift.I16Field(7, 0);
        thrift.EndStruct();
        thrift.ListField(5, ThriftCompactWriter.TypeStruct, 2);
        KeyValue(thrift, "org.apache.spark.version", SparkMetadataJson.WrittenSparkVersion);
        KeyValue(thrift, "org.apache.spark.sql.parquet.row.metadata", SparkRowMetadata);
        thrift.StringField(6, createdBy);
        thrift.ListField(7, ThriftCompactWriter.TypeStruct, 2);
        for (var c = 0; c < 2; c++)
        {
            thrift.BeginStruct();
            thrift.BeginStructField(1);
            thrift.EndStruct();
            thrift.EndStruct();
        }

        thrift.EndStruct();
        ThriftCompactWriter.WriteInt32LittleEndian(sink, checked((int)(sink.Position - footerStart)));
    }

    /// <summary>Where a column chunk lies and what it holds, as the footer records it.</summary>
    internal readonly record struct ChunkInfo(long Start, long Compressed, long Uncompressed, int Pages, long Values);

    internal readonly record struct PageSizes(long Uncompressed);

    /// <summary>Writes one version-1 data page (header, then the snappy-compressed body); returns the header plus the
    /// uncompressed body size, what the column metadata counts as uncompressed.</summary>
    internal static PageSizes WritePage(CountingWriter sink, ReadOnlySpan<byte> body, int values, int levelEncoding)
    {
        var compressed = ArrayPool<byte>.Shared.Rent(Snappy.GetMaxCompressedLength(body.Length));
        try
        {
            var length = Snappy.Compress(body, compressed);
            var page = compressed.AsSpan(0, length);
            var header = new ArrayBufferWriter<byte>(64);
            var thrift = new ThriftCompactWriter(header);
            thrift.BeginStruct();
            thrift.I32Field(1, PageData);
            thrift.I32Field(2, body.Length);
            thrift.I32Field(3, length);
            thrift.I32Field(4, unchecked((int)Crc32.HashToUInt32(page)));
            thrift.BeginStructField(5);
            thrift.I32Field(1, values);
            thrift.I32Field(2, EncodingPlain);
            thrift.I32Field(3, levelEncoding);
            thrift.I32Field(4, levelEncoding);
            thrift.EndStruct();
            thrift.EndStruct();
            sink.Write(header.WrittenSpan);
            sink.Write(page);
            return new PageSizes(header.WrittenCount + body.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>
    /// The levels of <paramref name="rows"/> vectors of <paramref name="rank"/> floats in RLE runs, each block prefixed
    /// by its length: repetition (bit width 1) 0 then <c>rank − 1</c> ones per row; definition (bit width 2) all 2.
    /// </summary>
    private static void WriteLevels(ArrayBufferWriter<byte> output, int rows, int rank)
    {
        var lengthAt = output.WrittenCount;
        WriteInt32(output, 0);
        var start = output.WrittenCount;
        for (var row = 0; row < rows; row++)
        {
            Run(output, 1, 0);
            if (rank > 1)
            {
                Run(output, rank - 1, 1);
            }
        }

        PatchLength(output, lengthAt, output.WrittenCount - start);
        lengthAt = output.WrittenCount;
        WriteInt32(output, 0);
        start = output.WrittenCount;
        Run(output, rows * rank, 2);
        PatchLength(output, lengthAt, output.WrittenCount - start);
    }

    /// <summary>An RLE run of the hybrid encoding: the varint <c>count &lt;&lt; 1</c>, then the value in one byte.</summary>
    private static void Run(ArrayBufferWriter<byte> output, int count, byte value)
    {
        var span = output.GetSpan(6);
        var n = 0;
        var header = (uint)count << 1;
        while (header >= 0x80)
        {
            span[n++] = (byte)(header | 0x80);
            header >>= 7;
        }

        span[n++] = (byte)header;
        span[n++] = value;
        output.Advance(n);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void PatchLength(ArrayBufferWriter<byte> output, int at, int length) =>
        BinaryPrimitives.WriteInt32LittleEndian(System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span[at..], length);

    private static void SchemaElement(ThriftCompactWriter thrift, string name, int? type, int? repetition, int? children, bool list = false)
    {
        thrift.BeginStruct();
        if (type is { } t)
        {
            thrift.I32Field(1, t);
        }

        if (repetition is { } r)
        {
            thrift.I32Field(3, r);
        }

        thrift.StringField(4, name);
        if (children is { } c)
        {
            thrift.I32Field(5, c);
        }

        if (list)
        {
            thrift.I32Field(6, ConvertedList);
            thrift.BeginStructField(10);
            thrift.BeginStructField(3);
            thrift.EndStruct();
            thrift.EndStruct();
        }

        thrift.EndStruct();
    }

    private static void ColumnChunk(
        ThriftCompactWriter thrift, ChunkInfo chunk, int type, int[] encodings, string[] path, (byte[] Min, byte[] Max) statistics)
    {
        thrift.BeginStruct();
        thrift.I64Field(2, chunk.Start);
        thrift.BeginStructField(3);
        thrift.I32Field(1, type);
        thrift.ListField(2, ThriftCompactWriter.TypeI32, encodings.Length);
        foreach (var encoding in encodings)
        {
            thrift.I32Element(encoding);
        }

        thrift.ListField(3, ThriftCompactWriter.TypeBinary, path.Length);
        foreach (var part in path)
        {
            thrift.String(part);
        }

        thrift.I32Field(4, CodecSnappy);
        thrift.I64Field(5, chunk.Values);
        thrift.I64Field(6, chunk.Uncompressed);
        thrift.I64Field(7, chunk.Compressed);
        thrift.I64Field(9, chunk.Start);
        thrift.BeginStructField(12);
        thrift.BinaryField(1, statistics.Max);
        thrift.BinaryField(2, statistics.Min);
        thrift.I64Field(3, 0);
        thrift.BinaryField(5, statistics.Max);
        thrift.BinaryField(6, statistics.Min);
        thrift.EndStruct();
        thrift.ListField(13, ThriftCompactWriter.TypeStruct, 1);
        thrift.BeginStruct();
        thrift.I32Field(1, PageData);
        thrift.I32Field(2, EncodingPlain);
        thrift.I32Field(3, chunk.Pages);
        thrift.EndStruct();
        thrift.EndStruct();
        thrift.EndStruct();
    }

    private static void KeyValue(ThriftCompactWriter thrift, string key, string value)
    {
        thrift.BeginStruct();
        thrift.StringField(1, key);
        thrift.StringField(2, value);
        thrift.EndStruct();
    }

    internal static (byte[] Min, byte[] Max) IntStatistics(ReadOnlySpan<int> ids)
    {
        int min = int.MaxValue, max = int.MinValue;
        foreach (var id in ids)
        {
            min = Math.Min(min, id);
            max = Math.Max(max, id);
        }

        var minBytes = new byte[4];
        var maxBytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(minBytes, min);
        BinaryPrimitives.WriteInt32LittleEndian(maxBytes, max);
        return (minBytes, maxBytes);
    }

    /// <summary>Float statistics as the Parquet spec asks: a zero minimum is written as −0.0, a zero maximum as +0.0.</summary>
    internal static (byte[] Min, byte[] Max) FloatStatistics(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var value in values)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        if (min == 0f)
        {
            min = -0f;
        }

        if (max == 0f)
        {
            max = 0f;
        }

        var minBytes = new byte[4];
        var maxBytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(minBytes, min);
        BinaryPrimitives.WriteSingleLittleEndian(maxBytes, max);
        return (minBytes, maxBytes);
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        // Parquet's PLAIN encoding is little-endian; so is every platform .NET runs this library on.
        System.Diagnostics.Debug.Assert(BitConverter.IsLittleEndian);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
    }

    /// <summary>Forwards to a buffer writer and counts the bytes written (the offsets the footer records).</summary>
    internal sealed class CountingWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public long Position { get; private set; }

        public void Advance(int count)
        {
            inner.Advance(count);
            Position += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(GetSpan(bytes.Length));
            Advance(bytes.Length);
        }
    }

    /// <summary>The <c>created_by</c> string of the files this package writes (the form parquet-mr's version parser reads).</summary>
    public static string CreatedBy { get; } =
        "MovieRecs.Spark version " + (typeof(SparkParquetWriter).Assembly.GetName().Version?.ToString(3) ?? "0");
}
