using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MovieRecs.Cli.Plotting;

/// <summary>Writes a <see cref="Raster"/> as a PNG file: 8-bit RGB, one zlib stream, each row filtered the way that compresses best.</summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Encode(Raster raster)
    {
        var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, raster.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], raster.Height);
        header[8] = 8; // bits per sample
        header[9] = 2; // color type: RGB
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method: adaptive
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Compress(raster));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static byte[] Compress(Raster raster)
    {
        var stride = raster.Width * 3;
        var pixels = raster.Pixels;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var best = new byte[stride + 1];
            var candidate = new byte[stride + 1];
            for (var row = 0; row < raster.Height; row++)
            {
                var current = pixels.Slice(row * stride, stride);
                var above = row == 0 ? default : pixels.Slice((row - 1) * stride, stride);
                long bestCost = long.MaxValue;
                for (byte filter = 0; filter <= 4; filter++)
                {
                    var cost = Filter(filter, current, above, candidate);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        (best, candidate) = (candidate, best);
                    }
                }

                zlib.Write(best);
            }
        }

        return compressed.ToArray();
    }

    /// <summary>Filters one row into <paramref name="destination"/> (filter byte first); returns the sum of the absolute filtered values.</summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> destination)
    {
        destination[0] = filter;
        var filtered = destination[1..];
        if (above.IsEmpty)
        {
            // The first row: "above" is zero, so Up is None, Average halves the left byte and Paeth is Sub.
            for (var i = 0; i < row.Length; i++)
            {
                var left = i >= 3 ? row[i - 3] : 0;
                filtered[i] = (byte)(row[i] - (filter switch { 1 or 4 => left, 3 => left / 2, _ => 0 }));
            }
        }
        else
        {
            switch (filter)
            {
                case 0:
                    row.CopyTo(filtered);
                    break;
                case 1:
                    row[..3].CopyTo(filtered);
                    for (var i = 3; i < row.Length; i++)
                    {
                        filtered[i] = (byte)(row[i] - row[i - 3]);
                    }

                    break;
                case 2:
                    for (var i = 0; i < row.Length; i++)
                    {
                        filtered[i] = (byte)(row[i] - above[i]);
                    }

                    break;
                case 3:
                    for (var i = 0; i < row.Length; i++)
                    {
                        var left = i >= 3 ? row[i - 3] : 0;
                        filtered[i] = (byte)(row[i] - ((left + above[i]) / 2));
                    }

                    break;
                default:
                    for (var i = 0; i < row.Length; i++)
                    {
                        var predicted = i >= 3 ? Paeth(row[i - 3], above[i], above[i - 3]) : above[i];
                        filtered[i] = (byte)(row[i] - predicted);
                    }

                    break;
            }
        }

        long cost = 0;
        foreach (var value in filtered)
        {
            cost += value < 128 ? value : 256 - value;
        }

        return cost;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var toLeft = Math.Abs(estimate - left);
        var toUp = Math.Abs(estimate - up);
        var toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc(Crc(0xFFFF_FFFFu, typeBytes), data) ^ 0xFFFF_FFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>Continues a CRC-32 (ISO-HDLC, the one PNG and zlib's gzip use) over <paramref name="data"/>.</summary>
    internal static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
