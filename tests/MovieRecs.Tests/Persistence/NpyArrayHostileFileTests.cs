using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>Files from strangers: every fault is a <see cref="ModelFileException"/> of the right kind, naming the
/// source, raised before anything large is allocated.</summary>
public class NpyArrayHostileFileTests
{
    private const string Source = "hostile.npy";

    /// <summary>No limit but the .NET arrays': for claims that must reach the checks behind the limit.</summary>
    private static readonly NpyReadOptions Unlimited = new() { MaxElementCount = long.MaxValue };

    public static TheoryData<string, ModelFileError> MalformedHeaders => new()
    {
        { "", ModelFileError.MalformedHeader },
        { "['descr', '<f4']", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': False}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing", ModelFileError.MalformedHeader },
        { "{'descr': <f4, 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{descr: '<f4', 'fortran_order': False, 'shape': (2,)}", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", ModelFileError.MalformedHeader },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (1e3,)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (True,)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': ('2',)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,,)}", ModelFileError.InvalidShape },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", ModelFileError.TooManyElements },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,)}", ModelFileError.TooManyElements },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2)}", ModelFileError.UnsupportedShape },
        { "{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '|S5', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '|V8', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '<f16', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '<U0', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '<U99999999', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': 'float32', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '', 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,)}", ModelFileError.UnsupportedDataType },
        { "{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", ModelFileError.ObjectArray },
        { "{'descr': '<O8', 'fortran_order': False, 'shape': ()}", ModelFileError.ObjectArray },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Read_MalformedHeader_ThrowsItsKind(string header, ModelFileError expected)
    {
        // The payload after an object header is a pickle that would run code if it were unpickled; it is never read.
        var pickle = "\x80\x02cos\nsystem\n(S'echo pwned'\ntR."u8.ToArray();
        var bytes = NpyBytes.Build(header, pickle);

        var exception = NpzFixtures.AssertRejected(expected, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        Assert.True(exception.Message.Length < 1000);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80, 0x02, 0x7D })]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'X', 1, 0 })]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0 })]
    public void Read_WrongMagic_ThrowsBadMagic(byte[] bytes)
    {
        NpzFixtures.AssertRejected(ModelFileError.BadMagic, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(255, 255)]
    public void Read_UnsupportedVersion_Throws(byte major, byte minor)
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(1,)"), new byte[4], major, minor);

        var exception = NpzFixtures.AssertRejected(ModelFileError.UnsupportedVersion, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        Assert.Contains($"{major}.{minor}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(40)]
    public void Read_CutShort_ThrowsTruncated(int keep)
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(1,)"), new byte[4])[..keep];

        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(bytes)), sourceName: Source), Source);
    }

    [Fact]
    public void Read_HeaderLengthBeyondFile_ThrowsTruncatedBeforeReadingIt()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(1,)"), new byte[4], major: 2, declaredLength: 5_000);

        var exception = NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        Assert.Contains("5000", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderLongerThanLimit_ThrowsHeaderTooLong()
    {
        var header = NpyBytes.Dict("<f4", "(1,)") + new string(' ', 20_000);
        var bytes = NpyBytes.Build(header, new byte[4], major: 2);

        NpzFixtures.AssertRejected(ModelFileError.HeaderTooLong, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        var relaxed = NpyArray.Read(new MemoryStream(bytes), new NpyReadOptions { MaxHeaderLength = 30_000 });
        Assert.Equal(1, relaxed.Length);
    }

    [Fact]
    public void Read_HugeShapeOnSeekableStream_ThrowsBeforeAllocating()
    {
        // 50,000 x 40,000 float32: 2e9 elements (within .NET's array limit), 8 GB claimed by a 200-byte file: beyond
        // the default limit, and, without it, beyond the stream.
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(50000, 40000)"), new byte[64]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new MemoryStream(bytes), Unlimited, Source), Source);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_HugeShapeOnForwardOnlyStream_AllocatesOnlyWhatArrives()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f8", "(50000, 40000)"), new byte[100_000]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(bytes)), Unlimited, Source), Source);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
    }

    [Fact]
    public void Read_ShapeOverMaxElementCount_ThrowsTooManyElements()
    {
        var bytes = NpyBytes.Write(NpyArray.Create<float>(new float[1001]));
        var strings = NpyBytes.Write(NpyArray.Create<string>(["0123456789", "x"]));
        var options = new NpyReadOptions { MaxElementCount = 1000 };

        NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => NpyArray.Read(new MemoryStream(bytes), options, Source), Source);
        NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => NpyArray.Read(new MemoryStream(strings), options with { MaxElementCount = 19 }, Source), Source);
        Assert.Equal(1001, NpyArray.Read(new MemoryStream(bytes), options with { MaxElementCount = 1001 }).Length);
    }

    [Fact]
    public void Read_ShapeProductOverflowingLong_ThrowsTooManyElements()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f8", "(2147483647, 2147483647)"));

        NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
    }

    [Fact]
    public void Read_TruncatedPayload_ThrowsTruncatedWithCounts()
    {
        var bytes = NpyBytes.Write(NpyArray.Create<double>(new double[100]));
        var cut = bytes[..^3];

        var exception = NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new MemoryStream(cut), sourceName: Source), Source);
        Assert.Contains("800", exception.Message, StringComparison.Ordinal);
        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(cut)), sourceName: Source), Source);
    }

    [Fact]
    public void Read_StringHoldingNonScalarValue_ThrowsInvalidValue()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<U2", "(1,)"), new byte[] { 0x41, 0, 0, 0, 0x00, 0xD8, 0, 0 });

        NpzFixtures.AssertRejected(ModelFileError.InvalidValue, () => NpyArray.Read(new MemoryStream(bytes), sourceName: Source), Source);
    }

    [Fact]
    public void Read_FilePath_MessageNamesFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"movierecs-hostile-{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("|O", "(1,)")));
        try
        {
            NpzFixtures.AssertRejected(ModelFileError.ObjectArray, () => NpyArray.Read(path), path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
