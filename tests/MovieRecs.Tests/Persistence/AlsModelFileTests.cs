using System.Buffers.Binary;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

public sealed class AlsModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("movierecs-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveLoad_Stream_RoundTripsFactorsOptionsLossAndIds()
    {
        var random = new Random(11);
        var model = Random(random, 17, 23, RandomOptions(random, 13), trainingLoss: 123.25);
        var users = RandomIds(random, 17);
        var items = RandomIds(random, 23);

        var (loaded, loadedUsers, loadedItems) = AlsModelFile.Load(new MemoryStream(SaveToBytes(model, users, items)));

        AssertSameFactors(model, loaded);
        Assert.Equal(model.Options, loaded.Options);
        Assert.Equal(123.25, loaded.TrainingLoss);
        Assert.Equal(users.Keys.ToArray(), loadedUsers!.Keys.ToArray());
        Assert.Equal(items.Keys.ToArray(), loadedItems!.Keys.ToArray());
        Assert.Equal(5, loadedUsers.IndexOf(users[5]));
    }

    [Fact]
    public void SaveLoad_WithoutIdsOrLoss_ReturnsNulls()
    {
        var model = Random(3, 4, 5, 8);

        var content = AlsModelFile.Load(new MemoryStream(SaveToBytes(model)));

        AssertSameFactors(model, content.Model);
        Assert.Null(content.Model.TrainingLoss);
        Assert.Null(content.Users);
        Assert.Null(content.Items);
    }

    [Fact]
    public void SaveLoad_OnlyItemIds_KeepsThemAndNoUsers()
    {
        var random = new Random(5);
        var model = Random(random, 3, 6, RandomOptions(random, 4));
        var items = RandomIds(random, 6);

        var content = AlsModelFile.Load(new MemoryStream(SaveToBytes(model, items: items)));

        Assert.Null(content.Users);
        Assert.Equal(items.Keys.ToArray(), content.Items!.Keys.ToArray());
    }

    [Fact]
    public void SaveLoad_TrainedModel_ServesTheSameAnswers()
    {
        var (model, userItems) = Trained(seed: 21);
        var path = Path.Combine(_folder, "model.bin");

        AlsModelFile.Save(model, path);
        var loaded = AlsModelFile.Load(path).Model;

        AssertSameFactors(model, loaded);
        Assert.Equal(model.TrainingLoss, loaded.TrainingLoss);
        for (var user = 0; user < model.UserCount; user++)
        {
            Assert.Equal(model.Recommend(user, userItems, count: 7), loaded.Recommend(user, userItems, count: 7));
        }

        Assert.Equal(model.SimilarItems(3, count: 5), loaded.SimilarItems(3, count: 5));
        // Fold-in solves with the saved Alpha and Regularization, so it answers the same only if the options came back.
        Assert.Equal(model.RecommendForNewUser([1, 4, 9], [5f, 3f, 1f], count: 6), loaded.RecommendForNewUser([1, 4, 9], [5f, 3f, 1f], count: 6));
    }

    [Theory]
    [InlineData(5, 60_000)] // padded rows, several 1 MiB blocks: rows spread to their padded places across block boundaries
    [InlineData(64, 9_000)] // unpadded rows, several blocks
    [InlineData(4096, 3)] // the largest factor count, one row per block
    public void SaveLoad_ManyBlocks_SeekableAndForwardOnly_AreIdentical(int factors, int users)
    {
        var model = Random(seed: factors, users, items: 7, factors);
        var bytes = SaveToBytes(model);

        foreach (var loaded in new[] { AlsModelFile.Load(new MemoryStream(bytes)).Model, AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes))).Model })
        {
            AssertSameFactors(model, loaded);
            AssertZeroPadding(loaded);
        }
    }

    private static void AssertZeroPadding(AlsModel model)
    {
        // The kernels read whole padded rows: padding must be zero, whatever the storage held before.
        var stride = model.UserFactorStorage.Length / model.UserCount;
        for (var row = 0; row < model.UserCount; row++)
        {
            Assert.True(model.UserFactorStorage.Slice((row * stride) + model.Factors, stride - model.Factors).IndexOfAnyExcept(0f) < 0, $"user row {row} padding");
        }

        for (var row = 0; row < model.ItemCount; row++)
        {
            Assert.True(model.ItemFactorStorage.Slice((row * stride) + model.Factors, stride - model.Factors).IndexOfAnyExcept(0f) < 0, $"item row {row} padding");
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(30)]
    public void Load_ForwardOnlyStreamBeyondGrowthStart_GrowsAndLoadsEverything(int factors)
    {
        // 40,000 rows of 32 floats = 5 MiB of user factors: more than the 4 MiB allocated before data arrives.
        var model = Random(seed: 8, users: 40_000, items: 3, factors);
        var random = new Random(8);
        var users = RandomIds(random, 40_000);

        var content = AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(SaveToBytes(model, users))));

        AssertSameFactors(model, content.Model);
        Assert.Equal(users.Keys.ToArray(), content.Users!.Keys.ToArray());
    }

    [Fact]
    public void Load_ForwardOnlyStreamOfIdsAndOneFactorRowsBeyondGrowthStart_GrowsAndLoadsEverything()
    {
        // 1,100,000 ids take 4.2 MiB, more than the 4 MiB start. One factor pads each row to 8 or 16 floats, so the
        // user factors start with room for 131,072 or 65,536 rows, and the first block read aside (262,144 rows) is
        // more than doubling that makes room for.
        const int Users = 1_100_000;
        var model = Random(seed: 9, users: Users, items: 3, factors: 1);
        var users = IdIndex.Create(Enumerable.Range(0, Users).Select(i => (i * 7) - 3));

        var content = AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(SaveToBytes(model, users))));

        AssertSameFactors(model, content.Model);
        AssertZeroPadding(content.Model);
        Assert.Equal(users.Keys.ToArray(), content.Users!.Keys.ToArray());
    }

    [Fact]
    public void Save_Layout_IsTheDocumentedHeaderUnpaddedRowsAndCrc()
    {
        var random = new Random(4);
        var model = Random(random, 3, 2, RandomOptions(random, 5) with { Regularization = 0.25, Alpha = 7.5 }, trainingLoss: 2.5);
        var users = IdIndex.Create([30, 10, 20]);

        var bytes = SaveToBytes(model, users);

        Assert.Equal(80 + (3 * 4) + (4 * 5 * (3 + 2)) + 4, bytes.Length);
        Assert.Equal([0x89, (byte)'M', (byte)'R', (byte)'A', (byte)'L', (byte)'S', 0x0D, 0x0A], bytes[..8]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(VersionOffset)));
        Assert.Equal(1u | 2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(FlagsOffset)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(UsersOffset)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ItemsOffset)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FactorsOffset)));
        Assert.Equal(7.5, BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(AlphaOffset)));
        Assert.Equal(2.5, BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(68)));
        Assert.Equal(Crc32Tests.Reference(bytes.AsSpan(0, 76)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(HeaderCrcOffset)));
        Assert.Equal(20, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(80 + 8)));
        // The second user's third factor, then the first item's first factor, at their unpadded row-major places.
        var factorsStart = 80 + 12;
        Assert.Equal(model.GetUserFactors(1)[2], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(factorsStart + (4 * ((1 * 5) + 2)))));
        Assert.Equal(model.GetItemFactors(0)[0], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(factorsStart + (4 * 3 * 5))));
        Assert.Equal(Crc32Tests.Reference(bytes.AsSpan(0, bytes.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
    }

    [Fact]
    public void Save_SameModelTwice_GivesIdenticalBytes()
    {
        var model = Random(9, 5, 5, 7);

        Assert.Equal(SaveToBytes(model), SaveToBytes(model));
    }

    [Fact]
    public void Load_Stream_StopsRightAfterTheModel()
    {
        var first = Random(1, 3, 4, 5);
        var second = Random(2, 6, 2, 9);
        using var stream = new MemoryStream([.. SaveToBytes(first), .. SaveToBytes(second), 0x42]);

        AssertSameFactors(first, AlsModelFile.Load(stream).Model);
        AssertSameFactors(second, AlsModelFile.Load(stream).Model);
        Assert.Equal(0x42, stream.ReadByte());
    }

    [Fact]
    public void Save_IdCountDiffersFromModel_ThrowsArgumentException()
    {
        var model = Random(1, 3, 4, 5);

        var users = Assert.Throws<ArgumentException>(() => AlsModelFile.Save(model, new MemoryStream(), users: IdIndex.Create([1, 2])));
        var items = Assert.Throws<ArgumentException>(() => AlsModelFile.Save(model, Path.Combine(_folder, "x"), items: IdIndex.Create([1])));

        Assert.Equal("users", users.ParamName);
        Assert.Equal("items", items.ParamName);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void SaveAndLoad_NullArguments_ThrowArgumentNullException()
    {
        var model = Random(1, 2, 2, 2);

        Assert.Throws<ArgumentNullException>(() => AlsModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => AlsModelFile.Save(model, (Stream)null!));
        Assert.Throws<ArgumentNullException>(() => AlsModelFile.Save(model, (string)null!));
        Assert.Throws<ArgumentException>(() => AlsModelFile.Save(model, string.Empty));
        Assert.Throws<ArgumentNullException>(() => AlsModelFile.Load((Stream)null!));
        Assert.Throws<ArgumentException>(() => AlsModelFile.Load(string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlsModelFile.Load(new MemoryStream(), new ModelLoadOptions { MaxElementCount = -1 }));
    }

    [Fact]
    public void Save_Path_ReplacesExistingFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "model.bin");
        File.WriteAllText(path, "previous content");
        var model = Random(1, 5, 6, 7);

        AlsModelFile.Save(model, path);

        Assert.Equal([path], Directory.GetFiles(_folder));
        AssertSameFactors(model, AlsModelFile.Load(path).Model);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    [InlineData(80 + 100)]
    [InlineData(1000)]
    public void Save_Path_DeviceFailsMidway_KeepsPreviousFileAndNoTemporaryFile(long failAfter)
    {
        var path = Path.Combine(_folder, "model.bin");
        var previous = Random(1, 4, 4, 4);
        AlsModelFile.Save(previous, path);
        var before = File.ReadAllBytes(path);
        var model = Random(2, 50, 50, 16);

        Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, "the model", stream => AlsModelFile.Save(model, new FailingWriteStream(stream, failAfter)), CancellationToken.None));
        Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, "the model", stream => ImplicitModelFile.Save(model, new FailingWriteStream(stream, failAfter)), CancellationToken.None));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
        AssertSameFactors(previous, AlsModelFile.Load(path).Model);
    }

    [Fact]
    public void Save_Path_IdCountDiffers_KeepsPreviousFile()
    {
        var path = Path.Combine(_folder, "model.bin");
        var (model, _) = Trained(seed: 25);
        AlsModelFile.Save(model, path);
        var before = File.ReadAllBytes(path);

        Assert.Throws<ArgumentException>(() => AlsModelFile.Save(model, path, users: IdIndex.Create([1, 2, 3])));
        Assert.Throws<ArgumentException>(() => ImplicitModelFile.Save(model, path, items: IdIndex.Create([1, 2, 3])));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void Save_Path_Cancelled_KeepsPreviousFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "model.bin");
        AlsModelFile.Save(Random(1, 4, 4, 4), path);
        var before = File.ReadAllBytes(path);

        Assert.ThrowsAny<OperationCanceledException>(() => AlsModelFile.Save(Random(2, 9, 9, 9), path, cancellationToken: new CancellationToken(canceled: true)));
        Assert.ThrowsAny<OperationCanceledException>(() => ImplicitModelFile.Save(Random(2, 9, 9, 9), path, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void Save_PathInMissingFolder_ThrowsAndCreatesNothing()
    {
        var path = Path.Combine(_folder, "missing", "model.bin");

        Assert.Throws<DirectoryNotFoundException>(() => AlsModelFile.Save(Random(1, 2, 2, 2), path));

        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Save_PathIsAFolder_ThrowsAndLeavesItAlone()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "sub")).FullName;

        Assert.Throws<ArgumentException>(() => AlsModelFile.Save(Random(1, 2, 2, 2), folder + Path.DirectorySeparatorChar));
        var replaceFolder = Record.Exception(() => AlsModelFile.Save(Random(1, 2, 2, 2), folder));
        Assert.True(replaceFolder is IOException or UnauthorizedAccessException, $"unexpected {replaceFolder}");

        Assert.Equal([folder], Directory.GetFileSystemEntries(_folder));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Load_Path_NamesTheFileInErrors()
    {
        var path = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(path, "hello, this is not a model");

        var error = AssertFails(ModelFileError.BadMagic, () => AlsModelFile.Load(path), path);

        Assert.Contains("not a MovieRecs model file (bad magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PathWithBytesAfterTheModel_ThrowsTrailingData()
    {
        var path = Path.Combine(_folder, "model.bin");
        File.WriteAllBytes(path, [.. SaveToBytes(Random(1, 3, 3, 3)), 0, 0, 7]);

        var error = AssertFails(ModelFileError.TrailingData, () => AlsModelFile.Load(path), path);

        Assert.Contains("3 unexpected bytes", error.Message, StringComparison.Ordinal);
    }
}
