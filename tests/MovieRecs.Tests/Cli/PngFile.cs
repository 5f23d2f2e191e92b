using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MovieRecs.Tests.Cli;

/// <summary>
/// A strict reader for the PNG files the CLI writes (8-bit RGB, not interlaced), written independently of the
/// encoder: it checks the signature, every chunk's CRC and the chunk order, inflates the image data and undoes all
/// five row filters.
/// </summary>
internal static class PngFile
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static (int Width, int Height, byte[] Rgb) Read(byte[] file)
    {
        Assert.True(file.AsSpan(0, 8).SequenceEqual(Signature), "not a PNG signature");
        var chunks = new List<(string Type, byte[] Data)>();
        for (var at = 8; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length));
            Assert.Equal(Crc32(file.AsSpan(at + 4, length + 4)), crc);
            chunks.Add((type, data));
            at += 12 + length;
        }

        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        var header = chunks[0].Data;
        var width = BinaryPrimitives.ReadInt32BigEndian(header);
        var height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal([8, 2, 0, 0, 0], header[8..]); // 8-bit RGB, deflate, adaptive filters, no interlace

        var compressed = new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(raw);
        }

        var filtered = raw.ToArray();
        var stride = width * 3;
        Assert.Equal(height * (stride + 1), filtered.Length);
        var pixels = new byte[height * stride];
        for (var row = 0; row < height; row++)
        {
            var filter = filtered[row * (stride + 1)];
            for (var i = 0; i < stride; i++)
            {
                int value = filtered[(row * (stride + 1)) + 1 + i];
                int left = i >= 3 ? pixels[(row * stride) + i - 3] : 0;
                int up = row > 0 ? pixels[((row - 1) * stride) + i] : 0;
                int upLeft = i >= 3 && row > 0 ? pixels[((row - 1) * stride) + i - 3] : 0;
                var predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) >> 1,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"row {row} has filter {filter}"),
                };
                pixels[(row * stride) + i] = (byte)(value + predicted);
            }
        }

        return (width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>CRC-32 bit by bit (no table), as the PNG specification defines it.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB8_8320u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }
}
