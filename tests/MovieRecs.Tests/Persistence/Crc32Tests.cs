using FsCheck.Xunit;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>The CRC-32 of model files and <c>.npz</c> entries: the folded and the table paths against a bit-at-a-time reference.</summary>
[Trait("Category", "Kernels")]
public class Crc32Tests
{
    [Fact]
    public void Append_CheckString_GivesStandardCheckValue()
    {
        // The published check value of CRC-32/ISO-HDLC (zip, zlib, PNG).
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8));
        Assert.Equal(0xCBF43926u, Crc32.AppendTable(0, "123456789"u8));
        Assert.Equal(0u, Crc32.Append(0, []));
    }

    [Property(MaxTest = 100)]
    public bool Append_InPieces_EqualsBitwiseReference(int seed)
    {
        var random = new Random(seed);
        var data = new byte[random.Next(0, 200)];
        random.NextBytes(data);
        var split = random.Next(0, data.Length + 1);

        var pieces = Crc32.Append(Crc32.Append(0, data.AsSpan(0, split)), data.AsSpan(split));
        var tablePieces = Crc32.AppendTable(Crc32.AppendTable(0, data.AsSpan(0, split)), data.AsSpan(split));

        return pieces == Reference(data) && tablePieces == pieces;
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
                Assert.Equal(Reference(data), Crc32.AppendTable(0, data));
                // Continuing from a CRC: the table path, checked against the reference just above, is the oracle.
                var expected = Crc32.AppendTable(previous, data);

                Assert.Equal(expected, Crc32.Append(previous, data));
                if (Crc32.IsAccelerated && length >= Crc32.MinimumFoldLength)
                {
                    Assert.Equal(expected, Crc32.AppendFolded(previous, data));
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

        Assert.Equal(Crc32.AppendTable(0x1234_5678, data), Crc32.Append(0x1234_5678, data));
    }

    [Fact]
    public void Append_InChunks_EqualsAppendInOneGo()
    {
        var random = new Random(9);
        var data = new byte[10_000];
        random.NextBytes(data);
        var whole = Crc32.Append(0, data);
        Assert.Equal(Reference(data), whole);
        for (var trial = 0; trial < 20; trial++)
        {
            var crc = 0u;
            var at = 0;
            while (at < data.Length)
            {
                var next = Math.Min(data.Length, at + random.Next(0, 700));
                crc = Crc32.Append(crc, data.AsSpan(at, next - at));
                at = next;
            }

            Assert.Equal(whole, crc);
        }
    }

    /// <summary>CRC-32 (IEEE, reflected 0xEDB88320) one bit at a time: independent of both library paths.</summary>
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
