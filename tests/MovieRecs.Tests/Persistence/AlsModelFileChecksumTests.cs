using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

/// <summary>The model files' CRC-32: the folded path against the table path and a bit-at-a-time reference.</summary>
[Trait("Category", "Kernels")]
public class AlsModelFileChecksumTests
{
    [Fact]
    public void Append_CheckString_IsTheStandardCrc32()
    {
        // The published check value of CRC-32/ISO-HDLC (zip, zlib, PNG).
        Assert.Equal(0xCBF43926u, AlsModelFileChecksum.Append(0, "123456789"u8));
    }

    [Fact]
    public void Append_EveryLengthTo257AndMisalignedStarts_EqualsTheReference()
    {
        var random = new Random(257);
        var buffer = new byte[257 + 16];
        random.NextBytes(buffer);
        for (var offset = 0; offset < 4; offset++)
        {
            for (var length = 0; length <= 257; length++)
            {
                var data = buffer.AsSpan(offset, length);
                var previous = (uint)random.NextInt64(0, 1L << 32);
                var expected = Chain(previous, data);

                Assert.Equal(expected, AlsModelFileChecksum.Append(previous, data));
                if (AlsModelFileChecksum.IsAccelerated && length >= AlsModelFileChecksum.MinimumFoldLength)
                {
                    Assert.Equal(expected, AlsModelFileChecksum.AppendFolded(previous, data));
                }
            }
        }
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 13)]
    [InlineData(64 * 1001)]
    public void Append_LongInput_EqualsTheTablePath(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Crc32.Append(0x1234_5678, data), AlsModelFileChecksum.Append(0x1234_5678, data));
    }

    [Fact]
    public void Append_InChunks_EqualsAppendInOneGo()
    {
        var random = new Random(9);
        var data = new byte[10_000];
        random.NextBytes(data);
        var whole = AlsModelFileChecksum.Append(0, data);
        for (var trial = 0; trial < 20; trial++)
        {
            var crc = 0u;
            var at = 0;
            while (at < data.Length)
            {
                var next = Math.Min(data.Length, at + random.Next(0, 700));
                crc = AlsModelFileChecksum.Append(crc, data.AsSpan(at, next - at));
                at = next;
            }

            Assert.Equal(whole, crc);
        }
    }

    /// <summary>The reference CRC continued from <paramref name="previous"/>, as zlib's crc32(data, previous).</summary>
    private static uint Chain(uint previous, ReadOnlySpan<byte> data)
    {
        // Continuing a CRC equals the reference over the bytes of a message whose CRC is 'previous' followed by data;
        // rather than invent such a message, compare with the library's table path, checked against the reference here.
        Assert.Equal(ReferenceCrc32(data), Crc32.Append(0, data));
        return Crc32.Append(previous, data);
    }
}
