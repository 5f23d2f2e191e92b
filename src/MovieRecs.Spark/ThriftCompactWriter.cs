using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MovieRecs.Spark;

/// <summary>
/// Writes Apache Thrift's compact protocol, the encoding of Parquet's page headers and footer: field headers with
/// id deltas, zigzag varints, length-prefixed binaries, lists with a size-and-type byte, structs ended by a stop byte.
/// Only what <see cref="SparkParquetWriter"/> emits.
/// </summary>
internal sealed class ThriftCompactWriter(IBufferWriter<byte> output)
{
    public const byte TypeI16 = 4;
    public const byte TypeI32 = 5;
    public const byte TypeI64 = 6;
    public const byte TypeBinary = 8;
    public const byte TypeList = 9;
    public const byte TypeStruct = 12;

    private readonly Stack<short> _outerFieldIds = new();
    private short _lastFieldId;

    /// <summary>Starts a struct: a top-level one, a list element, or the value of <see cref="BeginStructField"/>.</summary>
    public void BeginStruct()
    {
        _outerFieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    /// <summary>Ends the current struct with the stop byte.</summary>
    public void EndStruct()
    {
        WriteByte(0);
        _lastFieldId = _outerFieldIds.Pop();
    }

    public void BeginStructField(short id)
    {
        FieldHeader(id, TypeStruct);
        BeginStruct();
    }

    public void I32Field(short id, int value)
    {
        FieldHeader(id, TypeI32);
        Varint(ZigZag(value));
    }

    public void I16Field(short id, short value)
    {
        FieldHeader(id, TypeI16);
        Varint(ZigZag(value));
    }

    public void I64Field(short id, long value)
    {
        FieldHeader(id, TypeI64);
        Varint(ZigZag(value));
    }

    public void BinaryField(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, TypeBinary);
        Binary(value);
    }

    public void StringField(short id, string value)
    {
        FieldHeader(id, TypeBinary);
        String(value);
    }

    /// <summary>A list field's header; then <paramref name="count"/> elements of <paramref name="elementType"/>.</summary>
    public void ListField(short id, byte elementType, int count)
    {
        FieldHeader(id, TypeList);
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | elementType));
        }
        else
        {
            WriteByte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    public void I32Element(int value) => Varint(ZigZag(value));

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Binary(bytes);
    }

    private void Binary(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        var span = output.GetSpan(value.Length);
        value.CopyTo(span);
        output.Advance(value.Length);
    }

    private void FieldHeader(short id, byte type)
    {
        var delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            WriteByte(type);
            Varint(ZigZag(id));
        }

        _lastFieldId = id;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private void Varint(ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    /// <summary>Writes a little-endian int32 (Parquet's footer length, outside Thrift).</summary>
    public static void WriteInt32LittleEndian(IBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
