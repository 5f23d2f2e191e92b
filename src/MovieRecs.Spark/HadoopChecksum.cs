using System.Buffers.Binary;
using System.IO.Hashing;

namespace MovieRecs.Spark;

/// <summary>
/// Hadoop's checksum side files (<c>ChecksumFileSystem</c>, what Spark leaves beside every file it writes to a local
/// folder): <c>.NAME.crc</c> holds the magic <c>crc\0</c>, the chunk size as a big-endian int32 (512), then one
/// big-endian CRC-32 (zlib's polynomial) per chunk of the file, the last chunk possibly shorter.
/// </summary>
internal static class HadoopChecksum
{
    /// <summary>The chunk size Hadoop uses by default (<c>file.bytes-per-checksum</c>), and the one written here.</summary>
    public const int BytesPerChecksum = 512;

    /// <summary>The largest chunk size read (Hadoop's setting is an int; real files use 512).</summary>
    private const int MaxBytesPerChecksum = 1 << 24;

    private const int HeaderSize = 8;

    private static ReadOnlySpan<byte> Magic => "crc\0"u8;

    /// <summary>The name of the checksum file of <paramref name="path"/>: <c>.NAME.crc</c> in the same folder.</summary>
    public static string PathOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? string.Empty, "." + Path.GetFileName(path) + ".crc");

    /// <summary>The checksum file's bytes for <paramref name="data"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> data)
    {
        var chunks = (data.Length + BytesPerChecksum - 1) / BytesPerChecksum;
        var result = new byte[HeaderSize + (4 * chunks)];
        Magic.CopyTo(result);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(4), BytesPerChecksum);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * BytesPerChecksum;
            var crc = Crc32.HashToUInt32(data.Slice(start, Math.Min(BytesPerChecksum, data.Length - start)));
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(HeaderSize + (4 * chunk)), crc);
        }

        return result;
    }

    /// <summary>
    /// Checks <paramref name="data"/>, the whole content of <paramref name="path"/>, against its checksum file when
    /// there is one.
    /// </summary>
    /// <returns>Whether a checksum file was there (and matched).</returns>
    /// <exception cref="SparkModelException">The checksum file is malformed or does not match
    /// (<see cref="SparkModelError.ChecksumMismatch"/>), or says the file was longer (<see cref="SparkModelError.Truncated"/>).</exception>
    public static bool Verify(ReadOnlySpan<byte> data, string path, string sourceName)
    {
        var crcPath = PathOf(path);
        if (!File.Exists(crcPath))
        {
            return false;
        }

        var crcName = sourceName + " (checksum file " + Path.GetFileName(crcPath) + ")";
        using var stream = ModelFiles.OpenRead(crcPath, crcName);
        var length = stream.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        if (length < HeaderSize || stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header[..4].SequenceEqual(Magic))
        {
            SparkErrors.Throw(SparkModelError.ChecksumMismatch, crcName, "not a Hadoop checksum file (it must start with \"crc\\0\" and the chunk size).");
        }

        var bytesPerChecksum = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (bytesPerChecksum is < 1 or > MaxBytesPerChecksum)
        {
            SparkErrors.Throw(SparkModelError.ChecksumMismatch, crcName, $"the chunk size {bytesPerChecksum} is not between 1 and {MaxBytesPerChecksum}.");
        }

        if ((length - HeaderSize) % 4 != 0)
        {
            SparkErrors.Throw(SparkModelError.ChecksumMismatch, crcName, $"{length - HeaderSize} bytes of checksums is not a whole number of CRC-32s.");
        }

        var stored = (length - HeaderSize) / 4;
        var chunks = (data.Length + (long)bytesPerChecksum - 1) / bytesPerChecksum;
        if (stored > chunks)
        {
            SparkErrors.Throw(
                SparkModelError.Truncated,
                sourceName,
                $"truncated: the file has {data.Length} bytes but its checksum file covers {stored} chunks of {bytesPerChecksum} bytes (more than {(stored - 1) * bytesPerChecksum} bytes).");
        }

        if (stored < chunks)
        {
            SparkErrors.Throw(
                SparkModelError.ChecksumMismatch,
                sourceName,
                $"the file has {data.Length} bytes but its checksum file covers only {stored} chunks of {bytesPerChecksum} bytes: it changed after it was written.");
        }

        var checksums = new byte[4 * stored];
        stream.ReadExactly(checksums);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * (long)bytesPerChecksum;
            var size = (int)Math.Min(bytesPerChecksum, data.Length - start);
            var computed = Crc32.HashToUInt32(data.Slice((int)start, size));
            var expected = BinaryPrimitives.ReadUInt32BigEndian(checksums.AsSpan(4 * chunk));
            if (computed != expected)
            {
                SparkErrors.Throw(
                    SparkModelError.ChecksumMismatch,
                    sourceName,
                    $"checksum mismatch in bytes {start}..{start + size - 1} (chunk {chunk}: stored CRC-32 0x{expected:X8}, computed 0x{computed:X8}): the file is damaged.");
            }
        }

        return true;
    }
}
