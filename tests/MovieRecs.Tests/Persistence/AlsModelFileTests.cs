using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Persistence;
using MovieRecs.Tests.Recommendations;

namespace MovieRecs.Tests.Persistence;

public class AlsModelFileTests
{
    private static byte[] Saved(AlsModel model, IdIndex<int>? users = null, IdIndex<int>? items = null)
    {
        using var stream = new MemoryStream();
        AlsModelFile.Save(model, stream, users, items);
        return stream.ToArray();
    }

    private static void AssertSameFactors(AlsModel expected, AlsModel actual)
    {
        Assert.Equal(expected.UserCount, actual.UserCount);
        Assert.Equal(expected.ItemCount, actual.ItemCount);
        Assert.Equal(expected.Factors, actual.Factors);
        for (var u = 0; u < expected.UserCount; u++)
        {
            Assert.True(expected.GetUserFactors(u).SequenceEqual(actual.GetUserFactors(u)), $"user {u}");
        }

        for (var i = 0; i < expected.ItemCount; i++)
        {
            Assert.True(expected.GetItemFactors(i).SequenceEqual(actual.GetItemFactors(i)), $"item {i}");
        }
    }

    [Fact]
    public void SaveLoad_RoundTrips_FactorsOptionsIndexesAndAnswers()
    {
        var (model, userItems) = ServingFixture.Fit(21);
        var users = IdIndex.Create(Enumerable.Range(0, model.UserCount).Select(u => 1000 + u));
        var items = IdIndex.Create(Enumerable.Range(0, model.ItemCount).Select(i => 7 * i));
        var loaded = AlsModelFile.Load(new MemoryStream(Saved(model, users, items)));
        AssertSameFactors(model, loaded.Model);
        Assert.Equal(model.Options, loaded.Model.Options);
        Assert.Equal(users.Keys.ToArray(), loaded.Users!.Keys.ToArray());
        Assert.Equal(items.Keys.ToArray(), loaded.Items!.Keys.ToArray());
        Assert.Equal(model.Recommend(3, userItems, 5), loaded.Model.Recommend(3, userItems, 5));
        var withoutIds = AlsModelFile.Load(new MemoryStream(Saved(model)));
        Assert.Null(withoutIds.Users);
        Assert.Null(withoutIds.Items);
    }

    [Fact]
    public void Load_BadMagic_NewerVersion_Truncated_Corrupted_SayWhich()
    {
        var (model, _) = ServingFixture.Fit(22);
        var bytes = Saved(model);

        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[1] = (byte)'X';
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => AlsModelFile.Load(new MemoryStream(wrongMagic), "m.bin")).Message, StringComparison.Ordinal);

        var newer = (byte[])bytes.Clone();
        newer[8] = 9;
        Assert.Contains("newer than this library", Assert.Throws<InvalidDataException>(() => AlsModelFile.Load(new MemoryStream(newer))).Message, StringComparison.Ordinal);

        var truncated = bytes[..(bytes.Length - 100)];
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => AlsModelFile.Load(new MemoryStream(truncated))).Message, StringComparison.Ordinal);

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x10;
        var message = Assert.Throws<InvalidDataException>(() => AlsModelFile.Load(new MemoryStream(flipped), "m.bin")).Message;
        Assert.StartsWith("m.bin: ", message, StringComparison.Ordinal);
        Assert.True(message.Contains("checksum", StringComparison.Ordinal) || message.Contains("non-finite", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Load_HugeShapeClaim_RejectedBeforeAllocating()
    {
        var (model, _) = ServingFixture.Fit(23);
        var bytes = Saved(model);
        // users = int.MaxValue / 2 in the header (offset: magic 8 + version 4 + header length 4).
        BitConverter.GetBytes(int.MaxValue / 2).CopyTo(bytes, 16);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => AlsModelFile.Load(new MemoryStream(bytes)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "nothing large was allocated");
        Assert.True(ex.Message.Contains("truncated", StringComparison.Ordinal) || ex.Message.Contains("larger than", StringComparison.Ordinal), ex.Message);
    }

    [Property(MaxTest = 100)]
    public bool Load_RandomCorruption_OnlyInvalidDataException(int seed)
    {
        var (model, _) = ServingFixture.Fit(24, users: 12, items: 9, factors: 4);
        var bytes = Saved(model);
        var random = new Random(seed);
        var damaged = (byte[])bytes.Clone();
        for (var k = random.Next(1, 4); k > 0; k--)
        {
            damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
        }

        var length = random.Next(3) == 0 ? random.Next(damaged.Length) : damaged.Length;
        try
        {
            AlsModelFile.Load(new MemoryStream(damaged, 0, length));
            return damaged.AsSpan(0, length).SequenceEqual(bytes); // only an undamaged file may load
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }

    [Fact]
    public void SaveToPath_IsAtomic_FailureKeepsPreviousFile()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-model-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.mrals");
            var (model, _) = ServingFixture.Fit(25);
            AlsModelFile.Save(model, path);
            var original = File.ReadAllBytes(path);
            var mismatched = IdIndex.Create([1, 2, 3]);
            Assert.Throws<ArgumentException>(() => AlsModelFile.Save(model, path, users: mismatched));
            using (var cancelled = new CancellationTokenSource())
            {
                cancelled.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => AlsModelFile.Save(model, path, cancellationToken: cancelled.Token));
            }

            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder.FullName)); // no temporary file left behind
            AssertSameFactors(model, AlsModelFile.Load(path).Model);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ImplicitNpz_RoundTrip_AndFixtureServes()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-npz-");
        try
        {
            var (model, userItems) = ServingFixture.Fit(26);
            var users = IdIndex.Create(Enumerable.Range(0, model.UserCount).Select(u => u + 1));
            var path = Path.Combine(folder.FullName, "model.npz");
            AlsModelFile.SaveImplicitNpz(model, path, users);
            var loaded = AlsModelFile.LoadImplicitNpz(path);
            AssertSameFactors(model, loaded.Model);
            Assert.Equal(model.Options.Regularization, loaded.Model.Options.Regularization);
            Assert.Equal(model.Options.Alpha, loaded.Model.Options.Alpha);
            Assert.Equal(users.Keys.ToArray(), loaded.Users!.Keys.ToArray());
            Assert.Null(loaded.Items);
            Assert.Equal(model.Recommend(2, userItems, 5), loaded.Model.Recommend(2, userItems, 5));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "implicit_als.npz");
        var fromPython = AlsModelFile.LoadImplicitNpz(fixture);
        Assert.True(fromPython.Model.UserCount > 0 && fromPython.Model.ItemCount > 0);
        var top = fromPython.Model.Recommend(0, ReadOnlySpan<int>.Empty, 2);
        Assert.Equal(2, top.Length);
    }

    [Fact]
    public void FromFactors_ValidatesAndServes()
    {
        var options = new AlsOptions { Factors = 2 };
        var model = AlsModel.FromFactors(options, [1f, 0f, 0f, 1f], [1f, 0f, 0f, 1f, 1f, 1f]);
        Assert.Equal(2, model.UserCount);
        Assert.Equal(3, model.ItemCount);
        // User 0 = (1, 0) scores items 0 and 2 both 1: the tie goes to the lower index.
        Assert.Equal([new(0, 1f), new(2, 1f), new(1, 0f)], model.Recommend(0, ReadOnlySpan<int>.Empty, 3));
        Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(options, [1f, 2f, 3f], [1f, 0f]));
        Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(options, [1f, float.NaN], [1f, 0f]));
    }
}
