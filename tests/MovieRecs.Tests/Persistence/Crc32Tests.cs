using FsCheck.Xunit;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class Crc32Tests
{
    [Fact]
    public void Append_CheckString_GivesStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8));
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

        return pieces == Reference(data);
    }

    private static uint Reference(byte[] data)
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
