using System.Buffers;
using System.Buffers.Binary;

namespace MovieRecs.Persistence;

/// <summary>The validated header of a <c>.npy</c> payload: what follows, how much of it, in which layout.</summary>
internal sealed class NpyHeader
{
    /// <summary>The magic string every <c>.npy</c> file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(NpyElementFormat format, int[] shape, bool fortranOrder, long elementCount, int version, long headerBytes)
    {
        Format = format;
        Shape = shape;
        FortranOrder = fortranOrder;
        ElementCount = elementCount;
        Version = version;
        HeaderBytes = headerBytes;
    }

    public NpyElementFormat Format { get; }

    public int[] Shape { get; }

    public bool FortranOrder { get; }

    public long ElementCount { get; }

    /// <summary>The major format version (1, 2 or 3).</summary>
    public int Version { get; }

    /// <summary>Bytes from the magic string to the end of the header.</summary>
    public long HeaderBytes { get; }

    public long PayloadBytes => ElementCount * Format.ItemSize;

    /// <summary>Whether the payload order differs from row-major: a Fortran-order matrix with more than one row and column.</summary>
    public bool NeedsTranspose => FortranOrder && Shape.Length == 2 && Shape[0] > 1 && Shape[1] > 1;

    /// <summary>
    /// Reads and validates the magic string, version, header length and header dict, leaving the stream at the first
    /// payload byte. Every size is checked against <paramref name="options"/> and, when known, against
    /// <paramref name="remaining"/> before anything is allocated for it.
    /// </summary>
    /// <param name="stream">The stream, at the magic string.</param>
    /// <param name="options">The limits.</param>
    /// <param name="sourceName">The file or entry, for messages.</param>
    /// <param name="remaining">The bytes left in the stream from its position, or -1 when unknown.</param>
    public static NpyHeader Read(Stream stream, NpyReadOptions options, string sourceName, long remaining)
    {
        Span<byte> prefix = stackalloc byte[12];
        var got = stream.ReadAtLeast(prefix[..8], 8, throwOnEndOfStream: false);
        var magicBytes = Math.Min(got, 6);
        if (!prefix[..magicBytes].SequenceEqual(Magic[..magicBytes]) || got == 0)
        {
            NpyErrors.Throw(
                ModelFileError.BadMagic,
                sourceName,
                $"not a .npy file: it starts with \"{NpyErrors.Printable(prefix[..got])}\", not \"\\x93NUMPY\".");
        }

        if (got < 8)
        {
            NpyErrors.Truncated(sourceName, "the magic string and version", 8, got);
        }

        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            NpyErrors.Throw(
                ModelFileError.UnsupportedVersion,
                sourceName,
                $"format version {major}.{minor} is not supported; versions 1.0, 2.0 and 3.0 are.");
        }

        var lengthBytes = major == 1 ? 2 : 4;
        got = stream.ReadAtLeast(prefix.Slice(8, lengthBytes), lengthBytes, throwOnEndOfStream: false);
        if (got < lengthBytes)
        {
            NpyErrors.Truncated(sourceName, "the header length field", lengthBytes, got);
        }

        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long prefixLength = 8 + lengthBytes;
        if (headerLength > options.MaxHeaderLength)
        {
            NpyErrors.Throw(
                ModelFileError.HeaderTooLong,
                sourceName,
                $"the header is {headerLength} bytes long, more than the limit of {options.MaxHeaderLength} (numpy's own).");
        }

        if (remaining >= 0 && headerLength > remaining - prefixLength)
        {
            NpyErrors.Truncated(sourceName, $"the header (declared length {headerLength})", headerLength, Math.Max(0, remaining - prefixLength));
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)headerLength);
        try
        {
            var text = rented.AsSpan(0, (int)headerLength);
            got = stream.ReadAtLeast(text, text.Length, throwOnEndOfStream: false);
            if (got < text.Length)
            {
                NpyErrors.Truncated(sourceName, $"the header (declared length {headerLength})", headerLength, got);
            }

            var dict = NpyHeaderParser.Parse(text, utf8: major == 3, sourceName);
            var format = NpyElementFormat.Parse(dict.Descr, sourceName);
            var (shape, count) = CheckShape(dict.Shape, format, options, sourceName);
            var header = new NpyHeader(format, shape, dict.FortranOrder, count, major, prefixLength + headerLength);
            var left = remaining < 0 ? -1 : remaining - header.HeaderBytes;
            if (left >= 0 && header.PayloadBytes > left)
            {
                NpyErrors.Truncated(
                    sourceName,
                    $"the payload of shape {FormatShape(shape)} and dtype '{dict.Descr}'",
                    header.PayloadBytes,
                    left);
            }

            return header;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Python's repr of a shape tuple: <c>()</c>, <c>(5,)</c>, <c>(3, 4)</c>.</summary>
    public static string FormatShape(ReadOnlySpan<long> shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => $"({string.Join(", ", shape.ToArray())})",
    };

    /// <inheritdoc cref="FormatShape(ReadOnlySpan{long})"/>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        Span<long> wide = stackalloc long[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            wide[i] = shape[i];
        }

        return FormatShape(wide);
    }

    private static (int[] Shape, long Count) CheckShape(long[] shape, NpyElementFormat format, NpyReadOptions options, string sourceName)
    {
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                NpyErrors.Throw(ModelFileError.InvalidShape, sourceName, $"shape {FormatShape(shape)} has a negative dimension.");
            }
        }

        if (shape.Length > 2)
        {
            NpyErrors.Throw(
                ModelFileError.UnsupportedShape,
                sourceName,
                $"shape {FormatShape(shape)} has {shape.Length} dimensions; scalars, vectors and matrices (0 to 2) are supported.");
        }

        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension > int.MaxValue || (dimension != 0 && count > long.MaxValue / dimension))
            {
                TooMany(shape, sourceName, "its size overflows");
            }

            count *= dimension;
        }

        // Units that cost memory: elements, or characters for strings.
        var units = format.DataType == NpyDataType.Unicode ? count * format.StringLength : count;
        if (format.DataType == NpyDataType.Unicode && count != 0 && units / count != format.StringLength)
        {
            TooMany(shape, sourceName, "its size overflows");
        }

        if (units > options.MaxElementCount)
        {
            TooMany(shape, sourceName, $"{units} elements{(format.DataType == NpyDataType.Unicode ? " (characters)" : "")} exceed ModelLoadOptions.MaxElementCount = {options.MaxElementCount}");
        }

        if (count > Array.MaxLength || (long)format.ItemSize * count / format.ItemSize != count)
        {
            TooMany(shape, sourceName, $"{count} elements exceed the largest .NET array ({Array.MaxLength})");
        }

        var dims = new int[shape.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = (int)shape[i];
        }

        return (dims, count);
    }

    private static void TooMany(long[] shape, string sourceName, string why) =>
        NpyErrors.Throw(ModelFileError.TooManyElements, sourceName, $"shape {FormatShape(shape)} is too large: {why}.");
}
