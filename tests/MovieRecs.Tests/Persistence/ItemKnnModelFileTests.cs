using System.Buffers.Binary;
using FsCheck.Xunit;
using MovieRecs.Neighbors;
using MovieRecs.Persistence;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Persistence;

/// <summary>The item-item model's own file format: round trips, damaged files, atomic saves and lying sizes.</summary>
public class ItemKnnModelFileTests : ModelFileContract<ItemKnnModel>
{
    /// <summary>Where the similarity matrix's size fields start: the magic (8 bytes) and the options header (28).</summary>
    private const int SimilarityHead = 8 + 28;

    protected override string Extension => "knn";

    [Property(MaxTest = 50, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool SaveLoad_RoundTrip_ServesTheSame(KnnCase c)
    {
        var model = ItemKnnModel.Fit(c.Matrix.ToCsr(), c.Options);
        using var stream = new MemoryStream();
        ItemKnnModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = ItemKnnModelFile.Load(stream);
        return stream.Position == stream.Length
            && loaded.Similarity.ContentEquals(model.Similarity)
            && loaded.UserItems.ContentEquals(model.UserItems)
            && loaded.Options == model.Options
            && Enumerable.Range(0, model.UserCount).All(u => loaded.Recommend(u, 5).SequenceEqual(model.Recommend(u, 5)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_SizesPastTheBytesSent_ThrowsTruncatedWithoutAllocatingThem(bool seekable)
    {
        // A few hundred bytes that claim two billion non-zeros (16 GB of indices and values).
        var bytes = SavedBytes();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(SimilarityHead + 8), 2_000_000_000L);
        Stream stream = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes, ForwardOnlyStream.DefaultMaxRead);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<ModelFileException>(() => ItemKnnModelFile.Load(stream, "lying.knn"));

        Assert.Equal(ModelFileError.Truncated, e.Kind);
        Assert.Equal("lying.knn", e.SourceName);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16L << 20);
    }

    [Fact]
    public void Load_ForwardOnlyStream_ReadsTheSameModel()
    {
        // Arrays grown as their bytes arrive: the user items' indices and values (about 285,000 each) pass one
        // 1 MiB block, so the growth runs.
        var rng = new Random(3);
        var dense = new float[600, 500];
        for (var r = 0; r < 600; r++)
        {
            for (var c = 0; c < 500; c++)
            {
                dense[r, c] = rng.NextDouble() < 0.95 ? rng.Next(1, 6) : 0;
            }
        }

        var model = ItemKnnModel.Fit(CsrMatrix.FromDense(dense), new ItemKnnOptions { K = 5 });
        using var saved = new MemoryStream();
        ItemKnnModelFile.Save(model, saved);
        Assert.True(model.UserItems.NonZeroCount * sizeof(int) > 1 << 20);

        var loaded = ItemKnnModelFile.Load(new ForwardOnlyStream(saved.ToArray(), ForwardOnlyStream.DefaultMaxRead), "pipe");

        Assert.True(loaded.UserItems.ContentEquals(model.UserItems));
        Assert.True(loaded.Similarity.ContentEquals(model.Similarity));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'u', (byte)'s', (byte)'e' })]
    [InlineData(new byte[] { (byte)'M', (byte)'R', (byte)'A' })]
    public void Load_ShortFileOfAnotherKind_ThrowsBadMagic(byte[] content)
    {
        var e = Assert.Throws<ModelFileException>(() => ItemKnnModelFile.Load(new MemoryStream(content), "short.txt"));
        Assert.Equal(ModelFileError.BadMagic, e.Kind);
        Assert.Equal(@"short.txt: not an item-item model file (its first bytes are not MRKNN\0\r\n).", e.Message);
    }

    [Fact]
    public void Load_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ItemKnnModelFile.Load(new MemoryStream(SavedBytes()), "x.knn", cancelled.Token));
    }

    [Fact]
    public void Guards_NullEmptyOrUnreadable_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ItemKnnModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => ItemKnnModelFile.Save(SmallModel(), (Stream)null!));
        Assert.Throws<ArgumentException>(() => ItemKnnModelFile.Save(SmallModel(), new MemoryStream([], writable: false)));
        Assert.Throws<ArgumentException>(() => ItemKnnModelFile.Save(SmallModel(), ""));
        Assert.Throws<ArgumentNullException>(() => ItemKnnModelFile.Load((Stream)null!));
        Assert.Throws<ArgumentException>(() => ItemKnnModelFile.Load(new UnreadableStream()));
        Assert.Throws<ArgumentException>(() => ItemKnnModelFile.Load(""));
    }

    protected override ItemKnnModel SmallModel() =>
        ItemKnnModel.Fit(CsrMatrix.FromDense(new float[,] { { 5, 3, 0 }, { 4, 0, 1 }, { 0, 2, 2 } }), new ItemKnnOptions { K = 2 });

    protected override void Save(ItemKnnModel model, Stream stream) => ItemKnnModelFile.Save(model, stream);

    protected override void Save(ItemKnnModel model, string path, CancellationToken cancellationToken) => ItemKnnModelFile.Save(model, path, cancellationToken);

    protected override ItemKnnModel Load(Stream stream, string name) => ItemKnnModelFile.Load(stream, name);

    protected override ItemKnnModel Load(string path) => ItemKnnModelFile.Load(path);

    protected override void AssertSame(ItemKnnModel expected, ItemKnnModel actual)
    {
        Assert.Equal(expected.Options, actual.Options);
        Assert.True(actual.Similarity.ContentEquals(expected.Similarity));
        Assert.True(actual.UserItems.ContentEquals(expected.UserItems));
    }

    private sealed class UnreadableStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
