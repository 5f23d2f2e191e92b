using System.IO.Hashing;
using FsCheck;
using FsCheck.Xunit;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>
/// The CRC-32 of model files and <c>.npz</c> entries (<see cref="Crc32"/> from System.IO.Hashing, kept running by
/// <see cref="Crc32ReadStream"/>) against a bit-at-a-time reference: the variant the file formats need (IEEE 802.3,
/// reflected 0xEDB88320, initial value and final XOR 0xFFFFFFFF), on every length and in pieces.
/// </summary>
[Trait("Category", "Kernels")]
public class Crc32Tests
{
    [Fact]
    public void HashToUInt32_CheckString_GivesStandardCheckValue()
    {
        // The published check value of CRC-32/ISO-HDLC (zip, zlib, PNG).
        Assert.Equal(0xCBF43926u, Crc32.HashToUInt32("123456789"u8));
        Assert.Equal(0xCBF43926u, Reference("123456789"u8));
        Assert.Equal(0u, Crc32.HashToUInt32([]));
    }

    [Property(MaxTest = 100)]
    public bool Append_InPieces_EqualsBitwiseReference(byte[] data, NonNegativeInt at)
    {
        var split = at.Get % (data.Length + 1);

        var crc = new Crc32();
        crc.Append(data.AsSpan(0, split));
        crc.Append(data.AsSpan(split));

        return crc.GetCurrentHashAsUInt32() == Reference(data);
    }

    [Fact]
    public void HashToUInt32_EveryLengthTo257AndMisalignedStarts_EqualsTheReference()
    {
        var random = new Random(257);
        var buffer = new byte[257 + 16];
        random.NextBytes(buffer);
        for (var offset = 0; offset < 4; offset++)
        {
            for (var length = 0; length <= 257; length++)
            {
                var data = buffer.AsSpan(offset, length);
                Assert.Equal(Reference(data), Crc32.HashToUInt32(data));
            }
        }
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 13)]
    [InlineData(64 * 1001)]
    public void HashToUInt32_LongInput_EqualsTheReference(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Reference(data), Crc32.HashToUInt32(data));
    }

    [Fact]
    public void Crc32ReadStream_ReadInChunks_EqualsTheReference()
    {
        var random = new Random(9);
        var data = new byte[10_000];
        random.NextBytes(data);
        var whole = Reference(data);
        var chunk = new byte[700];
        for (var trial = 0; trial < 20; trial++)
        {
            using var stream = new Crc32ReadStream(new MemoryStream(data));
            int n;
            while ((n = stream.Read(chunk, 0, random.Next(0, chunk.Length + 1))) > 0 || stream.BytesRead < data.Length)
            {
                Assert.True(n >= 0);
            }

            Assert.Equal(data.Length, stream.BytesRead);
            Assert.Equal(whole, stream.Crc);
        }
    }

    /// <summary>CRC-32 (IEEE, reflected 0xEDB88320) one bit at a time: independent of the library's implementation.</summary>
    internal static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
