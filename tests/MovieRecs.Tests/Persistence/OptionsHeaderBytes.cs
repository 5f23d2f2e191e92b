using System.Buffers.Binary;
using System.IO.Hashing;

namespace MovieRecs.Tests.Persistence;

/// <summary>Edits the 48-byte options header that the BPR and logistic MF files share.</summary>
internal static class OptionsHeaderBytes
{
    /// <summary>The file with an int32 of the header replaced and the header's checksum recomputed, so that only the
    /// field itself is wrong.</summary>
    public static byte[] WithInt32(byte[] bytes, int offset, int value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(48), Crc32.HashToUInt32(copy.AsSpan(0, 48)));
        return copy;
    }
}
