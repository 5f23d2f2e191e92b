using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>Writes <see cref="NpyArray"/> instances in the exact byte layout of numpy 1.24's <c>numpy.save</c>.</summary>
internal static class NpyWriter
{
    /// <summary>numpy aligns the end of the header to this many bytes.</summary>
    private const int Alignment = 64;

    /// <summary>numpy 1.24 pads the header with room for the first dimension to grow to this many digits.</summary>
    private const int GrowthAxisMaxDigits = 21;

    public static void Write(Stream stream, NpyArray array, CancellationToken cancellationToken)
    {
        stream.Write(BuildHeader(NpyElementFormat.Descr(array.DataType, array.StringLength), array.Shape));
        if (array.DataType == NpyDataType.Unicode)
        {
            WriteStrings(stream, array.AsSpan<string>(), array.StringLength, cancellationToken);
            return;
        }

        var bytes = array.RawBytes();
        while (!bytes.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(bytes.Length, NpyPayloadReader.DirectBlockBytes);
            stream.Write(bytes[..n]);
            bytes = bytes[n..];
        }
    }

    /// <summary>
    /// The magic string, version, header length and padded header dict for an array of <paramref name="descr"/>
    /// and <paramref name="shape"/> in C order: format 1.0 unless the header outgrows its 16-bit length.
    /// </summary>
    public static byte[] BuildHeader(string descr, ReadOnlySpan<int> shape)
    {
        var dict = new StringBuilder(128)
            .Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ")
            .Append(NpyHeader.FormatShape(shape)).Append(", }");
        if (shape.Length > 0)
        {
            dict.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }

        var text = Encoding.ASCII.GetBytes(dict.ToString());
        var lengthBytes = 2;
        var total = PaddedLength(text.Length, 8 + lengthBytes);
        if (total > ushort.MaxValue)
        {
            lengthBytes = 4;
            total = PaddedLength(text.Length, 8 + lengthBytes);
        }

        var prefix = 8 + lengthBytes;
        var header = new byte[prefix + total];
        NpyHeader.Magic.CopyTo(header);
        header[6] = (byte)(lengthBytes == 2 ? 1 : 2);
        header[7] = 0;
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)total);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)total);
        }

        text.CopyTo(header.AsSpan(prefix));
        header.AsSpan(prefix + text.Length, total - text.Length - 1).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return header;
    }

    /// <summary>The header length after padding, as numpy computes it: text plus newline, then spaces up to the next
    /// multiple of 64 counted from the start of the file (a full 64 when already aligned).</summary>
    private static int PaddedLength(int textLength, int prefixLength)
    {
        var withNewline = textLength + 1;
        var padding = Alignment - ((prefixLength + withNewline) % Alignment);
        return withNewline + padding;
    }

    private static void WriteStrings(Stream stream, ReadOnlySpan<string> values, int width, CancellationToken cancellationToken)
    {
        var itemSize = width * 4;
        var perBlock = Math.Max(1, NpyPayloadReader.BufferedBlockBytes / itemSize);
        var buffer = ArrayPool<byte>.Shared.Rent(perBlock * itemSize);
        try
        {
            for (var start = 0; start < values.Length; start += perBlock)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = Math.Min(perBlock, values.Length - start);
                var block = buffer.AsSpan(0, n * itemSize);
                block.Clear();
                for (var i = 0; i < n; i++)
                {
                    var slot = MemoryMarshal.Cast<byte, uint>(block.Slice(i * itemSize, itemSize));
                    var k = 0;
                    foreach (var rune in values[start + i].EnumerateRunes())
                    {
                        slot[k++] = (uint)rune.Value;
                    }
                }

                stream.Write(block);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
