namespace MovieRecs.Spark;

/// <summary>
/// Reads Apache Thrift's compact protocol from a byte span, far enough to walk Parquet's page headers and check their
/// sizes before the Parquet reader acts on them: field headers, integers, and skipping any value. Every length is
/// checked against the bytes left; malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ThriftCompactReader(ReadOnlySpan<byte> data)
{
    public const byte TypeStop = 0;
    public const byte TypeTrue = 1;
    public const byte TypeFalse = 2;
    public const byte TypeByte = 3;
    public const byte TypeI16 = 4;
    public const byte TypeI32 = 5;
    public const byte TypeI64 = 6;
    public const byte TypeDouble = 7;
    public const byte TypeBinary = 8;
    public const byte TypeList = 9;
    public const byte TypeSet = 10;
    public const byte TypeMap = 11;
    public const byte TypeStruct = 12;

    /// <summary>Deeper nesting than this is rejected (Parquet's structures nest a few levels).</summary>
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    /// <summary>Reads a field header of the current struct; <paramref name="type"/> is <see cref="TypeStop"/> at its end.</summary>
    public void ReadFieldHeader(ref short lastFieldId, out byte type, out short id)
    {
        var header = ReadByte();
        type = (byte)(header & 0x0F);
        if (type == TypeStop)
        {
            id = 0;
            return;
        }

        var delta = header >> 4;
        if (delta != 0)
        {
            id = (short)(lastFieldId + delta);
        }
        else
        {
            var value = ReadZigZag();
            if (value is < short.MinValue or > short.MaxValue)
            {
                throw new InvalidDataException($"a Thrift field id at byte {Position} is out of range ({value}).");
            }

            id = (short)value;
        }

        lastFieldId = id;
    }

    public int ReadI32()
    {
        var value = ReadZigZag();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new InvalidDataException($"a Thrift i32 at byte {Position} is out of range ({value}).");
        }

        return (int)value;
    }

    public long ReadI64() => ReadZigZag();

    /// <summary>Skips a value of <paramref name="type"/> (structs, lists and maps recursively).</summary>
    public void Skip(byte type, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("Thrift structures nested too deeply.");
        }

        switch (type)
        {
            case TypeTrue:
            case TypeFalse:
                return;
            case TypeByte:
                Advance(1);
                return;
            case TypeI16:
            case TypeI32:
            case TypeI64:
                ReadVarint();
                return;
            case TypeDouble:
                Advance(8);
                return;
            case TypeBinary:
                Advance(ReadLength());
                return;
            case TypeList:
            case TypeSet:
            {
                var header = ReadByte();
                var elementType = (byte)(header & 0x0F);
                var count = header >> 4;
                if (count == 15)
                {
                    count = ReadLength();
                }

                for (var i = 0; i < count; i++)
                {
                    if (elementType is TypeTrue or TypeFalse)
                    {
                        Advance(1);
                    }
                    else
                    {
                        Skip(elementType, depth + 1);
                    }
                }

                return;
            }

            case TypeMap:
            {
                var count = ReadLength();
                if (count == 0)
                {
                    return;
                }

                var types = ReadByte();
                for (var i = 0; i < count; i++)
                {
                    Skip((byte)(types >> 4), depth + 1);
                    Skip((byte)(types & 0x0F), depth + 1);
                }

                return;
            }

            case TypeStruct:
            {
                short last = 0;
                while (true)
                {
                    ReadFieldHeader(ref last, out var fieldType, out _);
                    if (fieldType == TypeStop)
                    {
                        return;
                    }

                    Skip(fieldType, depth + 1);
                }
            }

            default:
                throw new InvalidDataException($"unknown Thrift type {type} at byte {Position}.");
        }
    }

    private int ReadLength()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - Position))
        {
            throw new InvalidDataException($"a Thrift length of {length} at byte {Position} runs past the end ({_data.Length - Position} bytes left).");
        }

        return (int)length;
    }

    private long ReadZigZag()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException($"a Thrift varint at byte {Position} is longer than 10 bytes.");
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length)
        {
            throw new InvalidDataException("the Thrift data ends in the middle of a value.");
        }

        return _data[Position++];
    }

    private void Advance(int count)
    {
        if (count > _data.Length - Position)
        {
            throw new InvalidDataException($"the Thrift data ends in the middle of a value ({count} bytes needed at byte {Position}, {_data.Length - Position} left).");
        }

        Position += count;
    }
}
