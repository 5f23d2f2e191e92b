using System.Buffers.Binary;
using System.IO.Compression;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class NpzArchiveTests
{
    public static TheoryData<string> NumpyArchives => NpzFixtures.NamesData("npz");

    [Theory]
    [MemberData(nameof(NumpyArchives))]
    public void Open_NumpySavezArchive_NamesAndArraysMatchWhatNumpyWrote(string name)
    {
        var record = NpzFixtures.Expected(name);
        using var archive = NpzArchive.Open(NpzFixtures.PathOf(name));

        Assert.Equal(record.GetProperty("names").EnumerateArray().Select(e => e.GetString()), archive.Names);
        foreach (var entry in record.GetProperty("entries").EnumerateObject())
        {
            var expected = NpzFixtures.CreateExpected(entry.Value);
            Assert.True(expected.ContentEquals(archive.Read(entry.Name)), $"{name}:{entry.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(NumpyArchives))]
    public void Open_ForwardOnlyStream_ReadsSameArrays(string name)
    {
        using var seekable = NpzArchive.Open(NpzFixtures.PathOf(name));
        using var forwardOnly = NpzArchive.Open(new ForwardOnlyStream(new MemoryStream(NpzFixtures.Bytes(name))));

        var expected = seekable.ReadAll();
        var actual = forwardOnly.ReadAll();

        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(expected, pair => Assert.True(pair.Value.ContentEquals(actual[pair.Key])));
    }

    [Fact]
    public void Read_ArchiveWithObjectEntry_GoodEntryReadsAndObjectEntryIsRejected()
    {
        var path = NpzFixtures.PathOf("with_object.npz");
        var record = NpzFixtures.Expected("with_object.npz");
        using var archive = NpzArchive.Open(path);

        Assert.Equal(["good", "bad"], archive.Names);
        Assert.True(NpzFixtures.CreateExpected(record.GetProperty("readable").GetProperty("good")).ContentEquals(archive.Read("good")));
        NpzFixtures.AssertRejected(ModelFileError.ObjectArray, () => archive.Read("bad"), path + ":bad");
        NpzFixtures.AssertRejected(ModelFileError.ObjectArray, () => archive.ReadAll(), path + ":bad");
    }

    [Fact]
    public void Read_UnknownName_ThrowsKeyNotFoundListingNames()
    {
        using var archive = NpzArchive.Open(NpzFixtures.PathOf("mixed_stored.npz"));

        var exception = Assert.Throws<KeyNotFoundException>(() => archive.Read("nope"));
        Assert.Contains("a, b, s, name, flags", exception.Message, StringComparison.Ordinal);
        Assert.False(archive.Contains("nope"));
        Assert.True(archive.Contains("flags"));
        Assert.False(archive.Contains("flags.npy"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ThenOpen_RoundTripsInOrder(bool deflated)
    {
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;
        var arrays = SampleArrays();
        using var stream = new MemoryStream();

        NpzArchive.Write(stream, arrays, compression);
        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);

        Assert.Equal(arrays.Select(a => a.Key), archive.Names);
        Assert.All(arrays, pair => Assert.True(pair.Value.ContentEquals(archive.Read(pair.Key))));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 8)]
    public void Write_Compression_SetsZipMethodOfEveryEntry(bool deflated, int method)
    {
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;
        var bytes = WriteArchive(SampleArrays(), compression);

        var methods = CentralDirectory(bytes).Select(e => e.Method).ToArray();

        Assert.Equal(SampleArrays().Count, methods.Length);
        Assert.All(methods, m => Assert.Equal(method, m));
    }

    [Fact]
    public void Write_SameArraysTwice_GivesSameBytes()
    {
        Assert.Equal(WriteArchive(SampleArrays(), NpzCompression.Deflated), WriteArchive(SampleArrays(), NpzCompression.Deflated));
    }

    [Fact]
    public void Write_ForwardOnlyDestination_IsReadable()
    {
        using var buffer = new MemoryStream();
        using (var sink = new WriteOnlyStream(buffer))
        {
            NpzArchive.Write(sink, SampleArrays(), NpzCompression.Deflated);
        }

        using var archive = NpzArchive.Open(new MemoryStream(buffer.ToArray()));
        Assert.Equal(SampleArrays().Select(a => a.Key), archive.Names);
        Assert.True(SampleArrays()[0].Value.ContentEquals(archive.Read("factors")));
    }

    [Fact]
    public void Write_InvalidArguments_Throw()
    {
        var one = NpyArray.Scalar(1.0);
        Assert.Throws<ArgumentNullException>(() => NpzArchive.Write((Stream)null!, []));
        Assert.Throws<ArgumentNullException>(() => NpzArchive.Write(new MemoryStream(), null!));
        Assert.Throws<ArgumentException>(() => NpzArchive.Write(new MemoryStream(), [new("", one)]));
        Assert.Throws<ArgumentException>(() => NpzArchive.Write(new MemoryStream(), [new("a", one), new("a", one)]));
        Assert.Throws<ArgumentNullException>(() => NpzArchive.Write(new MemoryStream(), [new("a", null!)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => NpzArchive.Write(new MemoryStream(), [new("a", one)], (NpzCompression)9));
    }

    [Fact]
    public void Open_NotAZip_ThrowsInvalidArchive()
    {
        var bytes = NpyBytes.Write(NpyArray.Scalar(1.0));

        NpzFixtures.AssertRejected(ModelFileError.InvalidArchive, () => NpzArchive.Open(new MemoryStream(bytes), sourceName: "x.npz"), "x.npz");
        NpzFixtures.AssertRejected(ModelFileError.InvalidArchive, () => NpzArchive.Open(new MemoryStream([]), sourceName: "x.npz"), "x.npz");
    }

    [Fact]
    public void Open_TwoEntriesOfSameName_ThrowsDuplicateEntry()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var value in new[] { 1.0, 2.0 })
            {
                using var entry = zip.CreateEntry("a.npy").Open();
                NpyArray.Scalar(value).Write(entry);
            }
        }

        stream.Position = 0;
        NpzFixtures.AssertRejected(ModelFileError.DuplicateEntry, () => NpzArchive.Open(stream, sourceName: "dup.npz"), "dup.npz");
    }

    [Fact]
    public void Open_NonArrayEntries_AreIgnored()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("folder/");
            using (var text = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            {
                text.Write("hello");
            }

            using var entry = zip.CreateEntry("folder/x.npy").Open();
            NpyArray.Scalar(3L).Write(entry);
        }

        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);
        Assert.Equal(["folder/x"], archive.Names);
        Assert.Equal(3, archive.Read("folder/x").GetInt64());
    }

    [Fact]
    public void Read_EntryDeclaringImpossibleSize_ThrowsInvalidArchive()
    {
        var bytes = WriteArchive([new("a", NpyArray.Create<float>(new float[16]))], NpzCompression.Stored);
        var entry = CentralDirectory(bytes).Single();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(entry.Offset + 24), 0xFFFF_FF00); // uncompressed size

        using var archive = NpzArchive.Open(new MemoryStream(bytes), sourceName: "bomb.npz");
        NpzFixtures.AssertRejected(ModelFileError.InvalidArchive, () => archive.Read("a"), "bomb.npz:a");
    }

    [Fact]
    public void Read_EntryDeflatedAThousandFold_ReadsItsZeros()
    {
        // What the zip bomb tests rely on: the bomb builder's archives are valid (sizes, CRC-32, deflate stream).
        var bytes = NpzBomb.Build(NpzBomb.Zeros32("z", 3 << 18, 1), NpzBomb.Stored("s", NpyArray.Scalar(7L)));

        using var archive = NpzArchive.Open(new MemoryStream(bytes));
        var zeros = archive.Read("z");

        Assert.True(bytes.Length < 8 << 10, $"{bytes.Length} bytes");
        Assert.Equal([3 << 18, 1], zeros.Shape.ToArray());
        Assert.True(zeros.AsSpan<float>().IndexOfAnyExcept(0f) < 0);
        Assert.Equal(7, archive.Read("s").GetInt64());
    }

    [Fact]
    public void Read_EntryDeclaringMoreThanTheLimitsAllow_IsTooManyElementsBeforeInflating()
    {
        // A one-element array followed by 16 MiB of deflated zeros: no array within 1,000 elements and the longest
        // header takes 16 MiB, so the entry is rejected from its declared size, before anything is inflated.
        var prefix = NpyBytes.Build(NpyBytes.Dict("<f4", "(1,)"));
        var bytes = NpzBomb.Build(new NpzBomb.Entry("a", prefix, 16 << 20));
        var source = new ReadCountingStream(new MemoryStream(bytes));
        using var archive = NpzArchive.Open(source, new NpyReadOptions { MaxElementCount = 1000 }, sourceName: "bomb.npz");
        var opened = source.BytesRead;

        var error = NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => archive.Read("a"), "bomb.npz:a");

        Assert.Contains($"declares {prefix.Length + (16 << 20)} bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(opened, source.BytesRead);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_CorruptedEntryData_IsRejected(bool deflated)
    {
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;
        var values = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        var bytes = WriteArchive([new("a", NpyArray.Create<float>(values))], compression);
        var entry = CentralDirectory(bytes).Single();
        var dataStart = entry.LocalHeader + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(entry.LocalHeader + 26))
            + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(entry.LocalHeader + 28));
        bytes[dataStart + entry.CompressedSize - 5] ^= 0x5A; // inside the payload, past the header

        using var archive = NpzArchive.Open(new MemoryStream(bytes), sourceName: "flip.npz");
        var exception = Assert.Throws<ModelFileException>(() => archive.Read("a"));
        Assert.True(Enum.IsDefined(exception.Kind));
        Assert.Equal("flip.npz:a", exception.SourceName);
    }

    private static List<KeyValuePair<string, NpyArray>> SampleArrays() =>
    [
        new("factors", NpyArray.Create<float>(Enumerable.Range(0, 60).Select(i => i * 0.25f).ToArray(), 12, 5)),
        new("ids", NpyArray.Create<int>([5, 3, 9])),
        new("alpha", NpyArray.Scalar(40.0)),
        new("flag", NpyArray.Scalar(true)),
        new("dtype", NpyArray.Scalar("float32")),
        new("ünïcode name", NpyArray.Create<long>([], 0, 4)),
    ];

    private static byte[] WriteArchive(IEnumerable<KeyValuePair<string, NpyArray>> arrays, NpzCompression compression)
    {
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, arrays, compression);
        return stream.ToArray();
    }

    /// <summary>The central directory records of a small zip (no zip64): position, method, sizes and local header offset.</summary>
    private static List<(int Offset, int Method, int CompressedSize, int LocalHeader)> CentralDirectory(byte[] zip)
    {
        var end = zip.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4B, (byte)0x05, (byte)0x06]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        var position = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var records = new List<(int, int, int, int)>();
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(0x02014B50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position)));
            var method = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 10));
            var compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position + 20));
            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position + 42));
            records.Add((position, method, compressed, local));
            position += 46 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 28))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 30))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 32));
        }

        return records;
    }

    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
