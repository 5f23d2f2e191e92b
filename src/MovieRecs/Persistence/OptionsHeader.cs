using System.Buffers.Binary;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>
/// The header the BPR and logistic MF files share before their factor rows (which follow in the
/// <see cref="AlsModelFile"/> format): 8 magic bytes, the format version (int32), 36 bytes of the model's options
/// (from offset 12), and a CRC-32 of those 48 bytes. Reading checks, in this order, the magic (as far as the stream
/// goes), the length, the checksum and the version, and names the source in every error.
/// </summary>
internal static class OptionsHeader
{
    /// <summary>The header's bytes, checksum included.</summary>
    public const int Length = Checked + 4;

    private const int Checked = 48;

    /// <summary>Fills in the magic, the version and the checksum of <paramref name="header"/> (whose options the caller
    /// wrote from offset 12) and writes it.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> magic, int version, Span<byte> header)
    {
        magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[Checked..], Crc32.HashToUInt32(header[..Checked]));
        stream.Write(header[..Length]);
    }

    /// <summary>Reads and checks the header into <paramref name="header"/> (<see cref="Length"/> bytes).</summary>
    /// <param name="stream">The stream, at the start of the file.</param>
    /// <param name="source">The name errors show.</param>
    /// <param name="magic">The 8 magic bytes of the format.</param>
    /// <param name="version">The one version this library reads.</param>
    /// <param name="kind">What the file is, for the bad-magic message ("a BPR model file").</param>
    /// <param name="header">Receives the header.</param>
    /// <exception cref="ModelFileException">Another kind of file, cut short, damaged, or another version.</exception>
    public static void Read(Stream stream, string source, ReadOnlySpan<byte> magic, int version, string kind, Span<byte> header)
    {
        header = header[..Length];
        var read = stream.ReadAtLeast(header, Length, throwOnEndOfStream: false);
        var compared = Math.Min(read, magic.Length);
        if (!header[..compared].SequenceEqual(magic[..compared]))
        {
            AlsModelFileErrors.Throw(ModelFileError.BadMagic, source, $"not {kind} (its first bytes are not {MagicText(magic)}).");
        }

        if (read < Length)
        {
            AlsModelFileErrors.Throw(ModelFileError.Truncated, source, $"the file ends after {read} bytes, inside the {Length}-byte header; it is truncated.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header[Checked..]);
        var computed = Crc32.HashToUInt32(header[..Checked]);
        if (stored != computed)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.ChecksumMismatch,
                source,
                $"header checksum mismatch (stored {AlsModelFileHeader.Hex(stored)}, computed {AlsModelFileHeader.Hex(computed)}); the file is damaged.");
        }

        var stated = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (stated != version)
        {
            AlsModelFileErrors.Throw(ModelFileError.UnsupportedVersion, source, $"format version {stated}; this library reads version {version}.");
        }
    }

    /// <summary>Runs the options' own validation, turning its <see cref="ArgumentOutOfRangeException"/> into a
    /// <see cref="ModelFileError.InvalidHeader"/> error of <paramref name="source"/>.</summary>
    public static void Validate(string source, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            AlsModelFileErrors.Throw(ModelFileError.InvalidHeader, source, $"invalid options: {e.Message}", e);
        }
    }

    /// <summary>The magic as the messages show it: <c>\x89MRBPR\r\n</c>.</summary>
    private static string MagicText(ReadOnlySpan<byte> magic) =>
        $"\\x{magic[0]:x2}{Encoding.ASCII.GetString(magic[1..^2])}\\r\\n";
}
