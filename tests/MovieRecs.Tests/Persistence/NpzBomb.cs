using System.Buffers.Binary;
using System.IO.Compression;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>
/// Valid <c>.npz</c> archives whose deflated entries hold a small <c>.npy</c> header and then nothing but zero bytes, so
/// that a few hundred KiB declare (and really inflate to) hundreds of MiB: zip bombs. They are built without ever
/// holding or compressing the payload: one deflated megabyte of zeros is repeated, and the CRC-32 of the zeros is
/// computed from a zero buffer.
/// </summary>
internal static class NpzBomb
{
    private const int Block = 1 << 20;

    private static readonly byte[] Zeros = new byte[Block];

    /// <summary>One entry: its name (without <c>.npy</c>), the <c>.npy</c> bytes before the zeros, how many zero
    /// bytes follow, and whether it is deflated (else stored, which needs the zeros written out).</summary>
    internal sealed record Entry(string Name, byte[] Prefix, long ZeroBytes, bool Deflated = true);

    /// <summary>A deflated float32 matrix of <paramref name="rows"/> x <paramref name="columns"/> zeros.</summary>
    public static Entry Zeros32(string name, long rows, int columns) =>
        new(name, NpyBytes.Build(NpyBytes.Dict("<f4", $"({rows}, {columns})")), rows * columns * sizeof(float));

    /// <summary>A stored entry holding <paramref name="array"/> as numpy writes it.</summary>
    public static Entry Stored(string name, NpyArray array) => new(name, NpyBytes.Write(array), 0, Deflated: false);

    /// <summary>The archive of <paramref name="entries"/>, in order (each entry must stay under 4 GiB: no zip64).</summary>
    public static byte[] Build(params Entry[] entries)
    {
        using var archive = new MemoryStream();
        var central = new MemoryStream();
        foreach (var entry in entries)
        {
            var size = entry.Prefix.Length + entry.ZeroBytes;
            Assert.True(size < uint.MaxValue, "entries of 4 GiB and more need zip64");
            var data = entry.Deflated ? Deflate(entry.Prefix, entry.ZeroBytes) : [.. entry.Prefix, .. new byte[entry.ZeroBytes]];
            var hash = new System.IO.Hashing.Crc32();
            hash.Append(entry.Prefix);
            for (var left = entry.ZeroBytes; left > 0; left -= Block)
            {
                hash.Append(Zeros.AsSpan(0, (int)Math.Min(left, Block)));
            }

            var crc = hash.GetCurrentHashAsUInt32();

            var name = System.Text.Encoding.ASCII.GetBytes(entry.Name + ".npy");
            var method = (ushort)(entry.Deflated ? 8 : 0);
            var offset = (uint)archive.Position;
            WriteRecord(archive, 0x04034B50, [20, 0, method, 0], crc, (uint)data.Length, (uint)size, name, localHeader: true, 0);
            archive.Write(data);
            WriteRecord(central, 0x02014B50, [20, 20, 0, method, 0], crc, (uint)data.Length, (uint)size, name, localHeader: false, offset);
        }

        var directoryOffset = (uint)archive.Position;
        central.Position = 0;
        central.CopyTo(archive);
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054B50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)entries.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)entries.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], directoryOffset);
        archive.Write(end);
        return archive.ToArray();
    }

    /// <summary>
    /// Raw deflate of <paramref name="prefix"/> then <paramref name="zeroBytes"/> zeros. After the first megabyte the
    /// window holds only zeros, so the compressed form of the next megabyte (ending at a sync flush, on a byte
    /// boundary) decodes the same wherever it is repeated.
    /// </summary>
    private static byte[] Deflate(byte[] prefix, long zeroBytes)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(prefix);
            var first = (int)Math.Min(zeroBytes, Block);
            deflate.Write(Zeros, 0, first);
            var left = zeroBytes - first;
            if (left >= Block)
            {
                deflate.Flush();
                var start = output.Length;
                deflate.Write(Zeros);
                deflate.Flush();
                var repeated = output.ToArray()[(int)start..];
                for (left -= Block; left >= Block; left -= Block)
                {
                    output.Write(repeated);
                }
            }

            deflate.Write(Zeros, 0, (int)left);
        }

        return output.ToArray();
    }

    /// <summary>A local file header (signature; version needed, flags, method, time; date, CRC, sizes, name) or a central
    /// directory record (version made by first; comment length, disk, attributes and the local header's offset last).</summary>
    private static void WriteRecord(Stream stream, uint signature, ushort[] fields, uint crc, uint compressed, uint size, byte[] name, bool localHeader, uint offset)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        writer.Write(signature);
        foreach (var field in fields)
        {
            writer.Write(field);
        }

        writer.Write((ushort)0x2821); // date: 2000-01-01
        writer.Write(crc);
        writer.Write(compressed);
        writer.Write(size);
        writer.Write((ushort)name.Length);
        writer.Write((ushort)0); // extra field length
        if (!localHeader)
        {
            writer.Write((ushort)0); // comment length
            writer.Write((ushort)0); // disk number
            writer.Write((ushort)0); // internal attributes
            writer.Write(0u); // external attributes
            writer.Write(offset);
        }

        writer.Write(name);
    }
}
