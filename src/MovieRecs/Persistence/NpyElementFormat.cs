using System.Globalization;

namespace MovieRecs.Persistence;

/// <summary>A parsed numpy <c>descr</c>: element type, byte order and item size.</summary>
/// <param name="DataType">The element type.</param>
/// <param name="BigEndian">Whether multi-byte elements are stored big-endian.</param>
/// <param name="ItemSize">Bytes per element (for strings: 4 per character).</param>
/// <param name="StringLength">Characters per element of a Unicode array; 0 otherwise.</param>
internal readonly record struct NpyElementFormat(NpyDataType DataType, bool BigEndian, int ItemSize, int StringLength)
{
    /// <summary>The longest string element accepted, in characters (numpy has no such limit; 16 M characters is far
    /// beyond any real dtype and keeps the item size within an <see cref="int"/>).</summary>
    public const int MaxStringLength = 1 << 24;

    /// <summary>Whether elements must be byte-swapped to reach this machine's byte order.</summary>
    public bool NeedsSwap => ItemSize > 1 && DataType != NpyDataType.Bool && BigEndian == BitConverter.IsLittleEndian;

    /// <summary>Bytes per element of a fixed-size type; 4 (per character) for <see cref="NpyDataType.Unicode"/>.</summary>
    public static int SizeOf(NpyDataType type) => type switch
    {
        NpyDataType.Bool or NpyDataType.Int8 or NpyDataType.UInt8 => 1,
        NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Float16 => 2,
        NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Float32 or NpyDataType.Unicode => 4,
        _ => 8,
    };

    /// <summary>The .NET element type that holds <paramref name="type"/>.</summary>
    public static Type ClrType(NpyDataType type) => type switch
    {
        NpyDataType.Bool => typeof(bool),
        NpyDataType.Int8 => typeof(sbyte),
        NpyDataType.UInt8 => typeof(byte),
        NpyDataType.Int16 => typeof(short),
        NpyDataType.UInt16 => typeof(ushort),
        NpyDataType.Int32 => typeof(int),
        NpyDataType.UInt32 => typeof(uint),
        NpyDataType.Int64 => typeof(long),
        NpyDataType.UInt64 => typeof(ulong),
        NpyDataType.Float16 => typeof(Half),
        NpyDataType.Float32 => typeof(float),
        NpyDataType.Float64 => typeof(double),
        _ => typeof(string),
    };

    /// <summary>The data type held in .NET arrays of <typeparamref name="T"/>, or null when none is.</summary>
    public static NpyDataType? FromClrType<T>()
    {
        var t = typeof(T);
        if (t == typeof(bool)) { return NpyDataType.Bool; }
        if (t == typeof(sbyte)) { return NpyDataType.Int8; }
        if (t == typeof(byte)) { return NpyDataType.UInt8; }
        if (t == typeof(short)) { return NpyDataType.Int16; }
        if (t == typeof(ushort)) { return NpyDataType.UInt16; }
        if (t == typeof(int)) { return NpyDataType.Int32; }
        if (t == typeof(uint)) { return NpyDataType.UInt32; }
        if (t == typeof(long)) { return NpyDataType.Int64; }
        if (t == typeof(ulong)) { return NpyDataType.UInt64; }
        if (t == typeof(Half)) { return NpyDataType.Float16; }
        if (t == typeof(float)) { return NpyDataType.Float32; }
        if (t == typeof(double)) { return NpyDataType.Float64; }
        if (t == typeof(string)) { return NpyDataType.Unicode; }
        return null;
    }

    /// <summary>The descr numpy writes for this type in this machine's byte order (<c>&lt;f4</c>, <c>|b1</c>, <c>&lt;U7</c>...).</summary>
    public static string Descr(NpyDataType type, int stringLength)
    {
        var order = BitConverter.IsLittleEndian ? '<' : '>';
        return type switch
        {
            NpyDataType.Bool => "|b1",
            NpyDataType.Int8 => "|i1",
            NpyDataType.UInt8 => "|u1",
            NpyDataType.Int16 => $"{order}i2",
            NpyDataType.UInt16 => $"{order}u2",
            NpyDataType.Int32 => $"{order}i4",
            NpyDataType.UInt32 => $"{order}u4",
            NpyDataType.Int64 => $"{order}i8",
            NpyDataType.UInt64 => $"{order}u8",
            NpyDataType.Float16 => $"{order}f2",
            NpyDataType.Float32 => $"{order}f4",
            NpyDataType.Float64 => $"{order}f8",
            _ => string.Create(CultureInfo.InvariantCulture, $"{order}U{stringLength}"),
        };
    }

    /// <summary>
    /// Parses a descr such as <c>&lt;f4</c>, <c>&gt;i8</c>, <c>|b1</c>, <c>&lt;U12</c>. Object dtypes are reported as
    /// <see cref="ModelFileError.ObjectArray"/>, everything else unknown as <see cref="ModelFileError.UnsupportedDataType"/>.
    /// </summary>
    public static NpyElementFormat Parse(string descr, string sourceName)
    {
        var text = descr.AsSpan();
        var bigEndian = !BitConverter.IsLittleEndian;
        if (text.Length > 0 && text[0] is '<' or '>' or '|' or '=')
        {
            bigEndian = text[0] switch
            {
                '<' => false,
                '>' => true,
                _ => !BitConverter.IsLittleEndian,
            };
            text = text[1..];
        }

        if (text.Length == 0)
        {
            return Unsupported(descr, sourceName, "it names no type");
        }

        var kind = text[0];
        var digits = text[1..];
        if (kind == 'O')
        {
            NpyErrors.Throw(
                ModelFileError.ObjectArray,
                sourceName,
                $"dtype '{descr}' holds Python objects, stored as a pickle; such arrays are never loaded (numpy's allow_pickle=False).");
        }

        if (digits.Length is 0 or > 9 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return Unsupported(descr, sourceName, "the item size is not a number");
        }

        NpyDataType? type = (kind, size) switch
        {
            ('b', 1) => NpyDataType.Bool,
            ('i', 1) => NpyDataType.Int8,
            ('u', 1) => NpyDataType.UInt8,
            ('i', 2) => NpyDataType.Int16,
            ('u', 2) => NpyDataType.UInt16,
            ('i', 4) => NpyDataType.Int32,
            ('u', 4) => NpyDataType.UInt32,
            ('i', 8) => NpyDataType.Int64,
            ('u', 8) => NpyDataType.UInt64,
            ('f', 2) => NpyDataType.Float16,
            ('f', 4) => NpyDataType.Float32,
            ('f', 8) => NpyDataType.Float64,
            ('U', _) => NpyDataType.Unicode,
            _ => null,
        };

        if (type is null)
        {
            return Unsupported(descr, sourceName, "supported are bool (b1), int/uint of 1, 2, 4 or 8 bytes, float16/32/64 and Unicode strings (U)");
        }

        if (type == NpyDataType.Unicode)
        {
            if (size is 0 or > MaxStringLength)
            {
                return Unsupported(descr, sourceName, $"string width must be 1 to {MaxStringLength} characters");
            }

            return new NpyElementFormat(NpyDataType.Unicode, bigEndian, size * 4, size);
        }

        return new NpyElementFormat(type.Value, bigEndian, size, 0);
    }

    private static NpyElementFormat Unsupported(string descr, string sourceName, string why) =>
        NpyErrors.Throw<NpyElementFormat>(ModelFileError.UnsupportedDataType, sourceName, $"dtype '{descr}' is not supported: {why}.");
}
