using System.Buffers.Binary;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class NpyWriterTests
{
    [Fact]
    public void BuildHeader_ShortHeader_IsVersion1AlignedTo64()
    {
        var header = NpyWriter.BuildHeader("<f4", [3, 4]);

        Assert.Equal(1, header[6]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        Assert.Equal(0, header.Length % 64);
        Assert.Equal((byte)'\n', header[^1]);
    }

    [Fact]
    public void BuildHeader_HeaderBeyond64KiB_SwitchesToVersion2AndStaysReadable()
    {
        // No real dtype needs this; a long descr is the only way to outgrow format 1.0's 16-bit length.
        var descr = "<f4" + new string(' ', 70_000);
        var header = NpyWriter.BuildHeader(descr, [2]);

        Assert.Equal(2, header[6]);
        Assert.Equal(header.Length - 12, (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)));
        Assert.Equal(0, header.Length % 64);
        var bytes = header.Concat(BitConverter.GetBytes(1.5f)).Concat(BitConverter.GetBytes(-2f)).ToArray();
        NpzFixtures.AssertRejected(ModelFileError.HeaderTooLong, () => NpyArray.Read(new MemoryStream(bytes)));
        NpzFixtures.AssertRejected(ModelFileError.UnsupportedDataType, () => NpyArray.Read(new MemoryStream(bytes), new NpyReadOptions { MaxHeaderLength = 100_000 }));
    }
}
