using System.Buffers.Binary;
using MovieRecs.Als;
using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

/// <summary>Damaged and malicious model files: each fails with the documented kind and a message that says what is wrong.</summary>
public class AlsModelFileHostileTests
{
    /// <summary>No limit but the .NET arrays': for claims that must reach the checks behind the limit.</summary>
    private static readonly ModelLoadOptions Unlimited = new() { MaxElementCount = long.MaxValue };

    [Fact]
    public void Load_TextFile_IsBadMagic()
    {
        var error = AssertFails(ModelFileError.BadMagic, () => AlsModelFile.Load(new MemoryStream("user,item,rating\n1,2,3\n"u8.ToArray())));

        Assert.Contains("not a MovieRecs model file (bad magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NpzArchive_IsBadMagicAndPointsToTheNpzLoader()
    {
        var npz = SaveNpzToBytes(Random(1, 3, 3, 3));

        var error = AssertFails(ModelFileError.BadMagic, () => AlsModelFile.Load(new MemoryStream(npz)));

        Assert.Contains("ImplicitModelFile.Load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyStream_IsTruncated()
    {
        var error = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new MemoryStream()));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerVersion_SaysWhichVersionAndWhatIsSupported()
    {
        var bytes = SaveToBytes(Random(1, 3, 3, 3));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(VersionOffset), 9);

        var error = AssertFails(ModelFileError.UnsupportedVersion, () => AlsModelFile.Load(new MemoryStream(bytes)));

        Assert.Contains("format version 9 is newer than this library supports (1)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, AlsModelFile.FormatVersion);
    }

    [Fact]
    public void Load_VersionZero_IsUnsupported()
    {
        var bytes = SaveToBytes(Random(1, 3, 3, 3));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(VersionOffset), 0);

        AssertFails(ModelFileError.UnsupportedVersion, () => AlsModelFile.Load(new MemoryStream(Reseal(bytes))));
    }

    public static TheoryData<int> CutPoints => new() { 1, 7, 8, 11, 12, 79, 80, 81, 80 + (4 * 6), 80 + (4 * 6) + 1, -5, -4, -1 };

    [Theory]
    [MemberData(nameof(CutPoints))]
    public void Load_Truncated_SaysTruncated_SeekableOrNot(int cut)
    {
        var random = new Random(3);
        var model = Random(random, 6, 5, RandomOptions(random, 7));
        var bytes = SaveToBytes(model, RandomIds(random, 6));
        var shortened = bytes[..(cut > 0 ? cut : bytes.Length + cut)];

        var seekable = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new MemoryStream(shortened)));
        var forwardOnly = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(shortened))));

        Assert.StartsWith("stream: truncated: expected ", seekable.Message, StringComparison.Ordinal);
        Assert.StartsWith("stream: truncated: expected ", forwardOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedInFactorsFromForwardOnlyStream_NamesTheFactorsAndTheirSize()
    {
        var bytes = SaveToBytes(Random(1, 10, 4, 8));

        var error = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes[..(80 + 100)]))));

        Assert.Contains($"expected {10 * 8 * 4} bytes of user factors", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)] // the first id
    [InlineData(80 + 20)] // a user factor
    [InlineData(-6)] // the last item factor
    [InlineData(-1)] // the stored checksum itself
    public void Load_BitFlippedBody_IsChecksumMismatch(int at)
    {
        var random = new Random(5);
        var bytes = SaveToBytes(Random(random, 6, 5, RandomOptions(random, 7)), RandomIds(random, 6));
        bytes[at >= 0 ? at : bytes.Length + at] ^= 0x10;

        var error = AssertFails(ModelFileError.ChecksumMismatch, () => AlsModelFile.Load(new MemoryStream(bytes)));

        Assert.Contains("checksum mismatch: the file is corrupted", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UsersOffset)]
    [InlineData(FactorsOffset + 1)]
    [InlineData(AlphaOffset + 3)]
    [InlineData(HeaderCrcOffset)]
    public void Load_BitFlippedHeader_IsHeaderChecksumMismatch(int at)
    {
        var bytes = SaveToBytes(Random(1, 6, 5, 7));
        bytes[at] ^= 0x04;

        var error = AssertFails(ModelFileError.ChecksumMismatch, () => AlsModelFile.Load(new MemoryStream(bytes)));

        Assert.Contains("header checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HugeShapeBeyondArrays_IsRejectedBeforeAllocating()
    {
        var bytes = HeaderOnly(users: int.MaxValue, items: 1, factors: 100);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertFails(ModelFileError.TooManyElements, () => AlsModelFile.Load(new MemoryStream(bytes)));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Contains($"{int.MaxValue} users", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < (1 << 20), $"allocated {allocated} bytes");
    }

    [Fact]
    public void Load_HugeShapeLongerThanTheStream_IsTruncatedBeforeAllocating()
    {
        // 100 million users x 8 factors fit one array at every vector width (rows padded to at most 16 floats: at most
        // 6.4 GB) but the stream holds 1 KiB.
        var bytes = HeaderOnly(users: 100_000_000, items: 1, factors: 8, bodyBytes: 1024);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new MemoryStream(bytes), Unlimited));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Contains("but only 1024 remain", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < (1 << 20), $"allocated {allocated} bytes");
    }

    [Fact]
    public void Load_HugeShapeFromForwardOnlyStream_AllocatesAboutWhatArrives()
    {
        // The length is unknown, so the header cannot be checked against it: storage must grow with the data instead.
        var bytes = HeaderOnly(users: 100_000_000, items: 1, factors: 8, bodyBytes: 3 << 20);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes)), Unlimited));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(allocated < (16 << 20), $"allocated {allocated} bytes for a stream of {bytes.Length}");
    }

    [Fact]
    public void Load_OneFactorClaimFromForwardOnlyStream_AllocatesAStartAndABlock()
    {
        // One factor pads each row to 8 or 16 floats, so the 4 MiB start holds only 1/8 or 1/16 of it in rows. The
        // 1 MiB body fills the start, then fails to fill the next block, read aside: the storage never grows.
        var bytes = HeaderOnly(users: 100_000_000, items: 1, factors: 1, bodyBytes: 1 << 20);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes)), Unlimited));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Contains($"expected {100_000_000L * 4} bytes of user factors but the file ends after {1 << 20}", error.Message, StringComparison.Ordinal);
        var limit = AlsModelFile.GrowthStartBytes + AlsModelFile.BlockBytes + (256 << 10);
        Assert.True(allocated < limit, $"allocated {allocated} bytes for a body of {1 << 20} (limit {limit})");
    }

    [Fact]
    public void Load_BeyondMaxElementCountOnlyOncePadded_IsTooManyElements()
    {
        // 100 users and 10 items of 4 factors: 440 elements in the file, but rows of 8 or 16 floats in memory.
        var bytes = SaveToBytes(Random(1, 100, 10, 4));
        var padded = 110L * AlsModel.StrideFor(4);

        var error = AssertFails(ModelFileError.TooManyElements, () => AlsModelFile.Load(new MemoryStream(bytes), new ModelLoadOptions { MaxElementCount = padded - 1 }));

        Assert.Contains($"{padded} floats", error.Message, StringComparison.Ordinal);
        Assert.Contains($"MaxElementCount ({padded - 1})", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, AlsModelFile.Load(new MemoryStream(bytes), new ModelLoadOptions { MaxElementCount = padded }).Model.UserCount);
    }

    [Fact]
    public void Load_MovieLens25MShapeOf256Factors_PassesTheDefaultLimit()
    {
        // The users and rated movies of ml-25m: the default limit lets the header through, so only the missing body stops it.
        var bytes = HeaderOnly(users: 162_541, items: 59_047, factors: 256, bodyBytes: 1024);

        AssertFails(ModelFileError.Truncated, () => AlsModelFile.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void Load_OneFactorClaimWithDefaultLimits_IsTooManyElementsBeforeAllocating()
    {
        // 2^25 + 1 users of one factor are 128 MiB in a file, but more than the default 2^28 floats (1 GiB) once each
        // row is padded to 8 or 16 floats.
        var bytes = HeaderOnly(users: (1 << 25) + 1, items: 1, factors: 1, bodyBytes: 1024);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertFails(ModelFileError.TooManyElements, () => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes))));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Contains("MaxElementCount (268435456)", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < (1 << 20), $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(0, 5, 4)]
    [InlineData(5, -1, 4)]
    [InlineData(5, 5, 0)]
    [InlineData(5, 5, 4097)]
    public void Load_ImpossibleShape_IsInvalidHeader(int users, int items, int factors)
    {
        AssertFails(ModelFileError.InvalidHeader, () => AlsModelFile.Load(new MemoryStream(HeaderOnly(users, items, factors, bodyBytes: 4096))));
    }

    [Fact]
    public void Load_UnknownFlags_IsInvalidHeader()
    {
        var bytes = SaveToBytes(Random(1, 3, 3, 3));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FlagsOffset), 0x100);

        var error = AssertFails(ModelFileError.InvalidHeader, () => AlsModelFile.Load(new MemoryStream(Reseal(bytes))));

        Assert.Contains("unknown flags 0x00000100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidOption_IsInvalidHeaderNamingTheOption()
    {
        var bytes = SaveToBytes(Random(1, 3, 3, 3));
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(AlphaOffset), -1);

        var error = AssertFails(ModelFileError.InvalidHeader, () => AlsModelFile.Load(new MemoryStream(Reseal(bytes))));

        Assert.Contains("Alpha", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NonFiniteFactorWithValidChecksum_IsInvalidValueNamingIt()
    {
        var bytes = SaveToBytes(Random(1, 4, 3, 5));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(80 + (4 * ((4 * 5) + (1 * 5) + 2))), float.NaN);

        var error = AssertFails(ModelFileError.InvalidValue, () => AlsModelFile.Load(new MemoryStream(Reseal(bytes))));

        Assert.Contains("item factors[1, 2] = NaN is not finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepeatedIdWithValidChecksum_IsInvalidValue()
    {
        var bytes = SaveToBytes(Random(1, 4, 3, 5), IdIndex.Create([10, 11, 12, 13]));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(80 + 12), 11);

        var error = AssertFails(ModelFileError.InvalidValue, () => AlsModelFile.Load(new MemoryStream(Reseal(bytes))));

        Assert.Contains("user ids", error.Message, StringComparison.Ordinal);
        Assert.Contains("'11'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Cancelled_ThrowsOperationCanceled()
    {
        var bytes = SaveToBytes(Random(1, 4, 3, 5));

        Assert.ThrowsAny<OperationCanceledException>(() => AlsModelFile.Load(new MemoryStream(bytes), cancellationToken: new CancellationToken(canceled: true)));
    }
}
