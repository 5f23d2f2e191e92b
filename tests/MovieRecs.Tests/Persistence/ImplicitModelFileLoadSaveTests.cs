using System.Text.Json;
using MovieRecs.Als;
using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

/// <summary>The model through implicit's .npz files: the committed fixtures written by numpy, and our own round trips.</summary>
public sealed class ImplicitModelFileLoadSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("movierecs-npz-").FullName;

    public static TheoryData<string> ImplicitModels => NpzFixtures.NamesData("implicit-model");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(ImplicitModels))]
    public void Load_Fixture_ServesTheSavedFactorsWithTheSavedOptions(string name)
    {
        var entries = NpzFixtures.Expected(name).GetProperty("entries");
        var userFactors = Floats(entries, "user_factors");
        var itemFactors = Floats(entries, "item_factors");
        var factors = Scalar(entries, "factors").GetInt32();

        var (model, users, items) = ImplicitModelFile.Load(NpzFixtures.PathOf(name));

        Assert.Equal(userFactors.Length / factors, model.UserCount);
        Assert.Equal(itemFactors.Length / factors, model.ItemCount);
        var copied = new float[userFactors.Length];
        model.CopyUserFactors(copied);
        Assert.Equal(userFactors, copied);
        Assert.Equal(Scalar(entries, "alpha").GetDouble(), model.Options.Alpha);
        Assert.Equal(Scalar(entries, "regularization").GetDouble(), model.Options.Regularization);
        Assert.Equal(Scalar(entries, "iterations").GetInt32(), model.Options.Iterations);
        Assert.Equal(Scalar(entries, "cg_steps").GetInt32(), model.Options.CgSteps);
        Assert.Equal(Scalar(entries, "random_state").GetInt32(), model.Options.Seed);
        Assert.Equal(Scalar(entries, "use_cg").GetBoolean() ? AlsSolver.ConjugateGradient : AlsSolver.Cholesky, model.Options.Solver);
        Assert.Equal(Scalar(entries, "calculate_training_loss").GetBoolean(), model.Options.ComputeLoss);
        Assert.Equal(-1, model.Options.MaxDegreeOfParallelism); // num_threads 0 means all cores in implicit
        Assert.Null(model.TrainingLoss);
        for (var user = 0; user < model.UserCount; user++)
        {
            var expected = NaiveRanking(userFactors.AsSpan(user * factors, factors), itemFactors, factors);
            var actual = model.Recommend(user, [], count: model.ItemCount);
            Assert.Equal(expected.Select(p => p.Item), actual.Select(p => p.Item));
            Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Score, p.Second.Score, 5));
        }

        if (entries.TryGetProperty("user_ids", out var userIds))
        {
            Assert.Equal(userIds.GetProperty("values").EnumerateArray().Select(v => v.GetInt32()), users!.Keys.ToArray());
            Assert.Equal(entries.GetProperty("item_ids").GetProperty("values").EnumerateArray().Select(v => v.GetInt32()), items!.Keys.ToArray());
        }
        else
        {
            Assert.Null(users);
            Assert.Null(items);
        }
    }

    [Theory]
    [InlineData(8, false)] // rows without padding: written from and loaded into the arrays themselves
    [InlineData(13, true)] // padded rows
    public void SaveLoad_RoundTripsFactorsOptionsAndIds(int factors, bool deflated)
    {
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;
        var random = new Random(factors);
        var model = Random(random, 9, 11, RandomOptions(random, factors), trainingLoss: 4);
        var users = RandomIds(random, 9);
        var items = RandomIds(random, 11);

        var (loaded, loadedUsers, loadedItems) = ImplicitModelFile.Load(new MemoryStream(SaveNpzToBytes(model, users, items, compression)));

        AssertSameFactors(model, loaded);
        Assert.Equal(model.Options, loaded.Options);
        Assert.Null(loaded.TrainingLoss);
        Assert.Equal(users.Keys.ToArray(), loadedUsers!.Keys.ToArray());
        Assert.Equal(items.Keys.ToArray(), loadedItems!.Keys.ToArray());
    }

    [Fact]
    public void Save_Path_WritesWhatImplicitSaves()
    {
        var model = Random(new Random(2), 4, 3, new AlsOptions
        {
            Factors = 5, Regularization = 0.5, Alpha = 12, Iterations = 7, Solver = AlsSolver.Cholesky, CgSteps = 4, Seed = 99, MaxDegreeOfParallelism = 3, ComputeLoss = true,
        });
        var path = Path.Combine(_folder, "als.npz");

        ImplicitModelFile.Save(model, path, items: IdIndex.Create([5, 6, 7]));

        var data = ImplicitModelFile.Read(path);
        Assert.Equal([path], Directory.GetFiles(_folder));
        var expectedUsers = new float[4 * 5];
        model.CopyUserFactors(expectedUsers);
        Assert.Equal(expectedUsers, data.UserFactors.ToArray());
        Assert.Equal((5, 0.5, 12.0, 7), (data.Factors, data.Regularization, data.Alpha, data.Iterations));
        Assert.False(data.Options["use_cg"].GetBoolean());
        Assert.True(data.Options["use_native"].GetBoolean());
        Assert.True(data.Options["calculate_training_loss"].GetBoolean());
        Assert.Equal(4, data.Options["cg_steps"].GetInt64());
        Assert.Equal(99, data.Options["random_state"].GetInt64());
        Assert.Equal(3, data.Options["num_threads"].GetInt64());
        Assert.False(data.HasUserIds);
        Assert.Equal([5, 6, 7], data.ItemIds.ToArray());
    }

    [Fact]
    public void Save_AllCores_WritesNumThreadsZero()
    {
        var model = Random(new Random(2), 2, 2, new AlsOptions { Factors = 2, MaxDegreeOfParallelism = -1 });

        var data = ImplicitModelFile.Read(new MemoryStream(SaveNpzToBytes(model)));

        Assert.Equal(0, data.Options["num_threads"].GetInt64());
    }

    [Fact]
    public void Load_AbsentOptions_TakeImplicitDefaults()
    {
        var data = new ImplicitModelData([1f, 2f], [3f, 4f, 5f, 6f], factors: 2);

        var model = ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))).Model;

        var defaults = new AlsOptions();
        Assert.Equal(defaults with { Factors = 2 }, model.Options);
    }

    [Fact]
    public void Load_RandomStateBeyondInt_KeepsLowBits()
    {
        var options = new Dictionary<string, NpyArray> { ["random_state"] = NpyArray.Scalar(0x1_0000_0007L), ["num_threads"] = NpyArray.Scalar(6L) };
        var data = new ImplicitModelData([1f, 2f], [3f, 4f], factors: 2, options: options);

        var model = ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))).Model;

        Assert.Equal(7, model.Options.Seed);
        Assert.Equal(6, model.Options.MaxDegreeOfParallelism);
    }

    [Fact]
    public void Load_AlphaZero_IsInvalidModelNamingAlpha()
    {
        var data = new ImplicitModelData([1f, 2f], [3f, 4f], factors: 2, alpha: 0);

        var error = NpzFixtures.AssertRejected(ModelFileError.InvalidModel, () => ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))), "stream");

        Assert.Contains("Alpha", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MoreFactorsThanSupported_IsInvalidModel()
    {
        var data = new ImplicitModelData(new float[AlsOptions.MaxFactors + 1], new float[AlsOptions.MaxFactors + 1], factors: AlsOptions.MaxFactors + 1);

        var error = NpzFixtures.AssertRejected(ModelFileError.InvalidModel, () => ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))));

        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoUsers_IsInvalidModel()
    {
        var data = new ImplicitModelData([], [3f, 4f], factors: 2);

        NpzFixtures.AssertRejected(ModelFileError.InvalidModel, () => ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))));
    }

    [Theory]
    [InlineData("use_cg")]
    [InlineData("cg_steps")]
    [InlineData("num_threads")]
    [InlineData("random_state")]
    [InlineData("calculate_training_loss")]
    public void Load_OptionOfWrongType_IsInvalidModelNamingIt(string key)
    {
        var options = new Dictionary<string, NpyArray> { [key] = NpyArray.Scalar(1.5) };
        var data = new ImplicitModelData([1f, 2f], [3f, 4f], factors: 2, options: options);

        var error = NpzFixtures.AssertRejected(ModelFileError.InvalidModel, () => ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CgStepsZero_IsInvalidModel()
    {
        var options = new Dictionary<string, NpyArray> { ["cg_steps"] = NpyArray.Scalar(0L) };
        var data = new ImplicitModelData([1f, 2f], [3f, 4f], factors: 2, options: options);

        NpzFixtures.AssertRejected(ModelFileError.InvalidModel, () => ImplicitModelFile.Load(new MemoryStream(WriteNpz(data))));
    }

    [Fact]
    public void Load_ShapeBeyondMaxElementCount_IsRejected()
    {
        var bytes = SaveNpzToBytes(Random(1, 50, 4, 4));

        NpzFixtures.AssertRejected(
            ModelFileError.TooManyElements,
            () => ImplicitModelFile.Load(new MemoryStream(bytes), new ModelLoadOptions { MaxElementCount = 100 }));
    }

    [Fact]
    public void Load_ZipBombWithDefaultLimits_IsTooManyElementsBeforeInflating()
    {
        // 2^25 + 1 users of one factor: 128 MiB of deflated zeros in about 130 KiB. Only 2^25 + 2 elements, but rows
        // padded to at least 8 floats would take more than the default limit of 2^28 floats (1 GiB).
        var bytes = NpzBomb.Build(
            NpzBomb.Zeros32(ImplicitModelFile.UserFactorsKey, (1L << 25) + 1, 1),
            NpzBomb.Stored(ImplicitModelFile.ItemFactorsKey, NpyArray.Create<float>([0.5f], 1, 1)));
        var source = new ReadCountingStream(new MemoryStream(bytes));

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => ImplicitModelFile.Load(source, displayName: "bomb.npz"), "bomb.npz");
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Contains("ModelLoadOptions.MaxElementCount = 268435456", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
        Assert.True(source.BytesRead < bytes.Length / 4, $"read {source.BytesRead} of {bytes.Length} bytes: the payload was inflated");
    }

    [Fact]
    public void Load_MovieLens25MShapeOf256Factors_PassesTheDefaultLimit()
    {
        // Headers of the shapes of ml-25m (users and rated movies) without their payloads: the default limit lets
        // them through, so only the missing payload stops the read.
        var bytes = NpzBomb.Build(
            new NpzBomb.Entry(ImplicitModelFile.UserFactorsKey, NpyBytes.Build(NpyBytes.Dict("<f4", "(162541, 256)")), 0, Deflated: false),
            new NpzBomb.Entry(ImplicitModelFile.ItemFactorsKey, NpyBytes.Build(NpyBytes.Dict("<f4", "(59047, 256)")), 0, Deflated: false));

        NpzFixtures.AssertRejected(ModelFileError.Truncated, () => ImplicitModelFile.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void Load_BeyondMaxElementCountOnlyOncePadded_IsTooManyElements()
    {
        // 100 users and 10 items of 4 factors: 440 elements, but rows are padded to 8 or 16 floats in memory.
        var bytes = SaveNpzToBytes(Random(1, 100, 10, 4));
        var padded = 110L * AlsModel.StrideFor(4);

        var error = NpzFixtures.AssertRejected(
            ModelFileError.TooManyElements,
            () => ImplicitModelFile.Load(new MemoryStream(bytes), new ModelLoadOptions { MaxElementCount = padded - 1 }));

        Assert.Contains($"{padded} floats", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, ImplicitModelFile.Load(new MemoryStream(bytes), new ModelLoadOptions { MaxElementCount = padded }).Model.UserCount);
    }

    [Fact]
    public void Save_InvalidArguments_Throw()
    {
        var model = Random(1, 2, 2, 2);

        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Save(model, (Stream)null!));
        Assert.Throws<ArgumentException>(() => ImplicitModelFile.Save(model, new MemoryStream(), users: IdIndex.Create([1, 2, 3])));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitModelFile.Save(model, Path.Combine(_folder, "x.npz"), null, null, (NpzCompression)7));
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Load((Stream)null!));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private static byte[] WriteNpz(ImplicitModelData data)
    {
        using var stream = new MemoryStream();
        ImplicitModelFile.Write(stream, data);
        return stream.ToArray();
    }

    private static JsonElement Scalar(JsonElement entries, string key) => entries.GetProperty(key).GetProperty("values")[0];

    private static float[] Floats(JsonElement entries, string key) =>
        entries.GetProperty(key).GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>Every item scored by a plain double-precision dot product, best first, ties to the lower index.</summary>
    private static (int Item, float Score)[] NaiveRanking(ReadOnlySpan<float> user, float[] itemFactors, int factors)
    {
        var scores = new (int Item, float Score)[itemFactors.Length / factors];
        for (var item = 0; item < scores.Length; item++)
        {
            double sum = 0;
            for (var f = 0; f < factors; f++)
            {
                sum += (double)user[f] * itemFactors[(item * factors) + f];
            }

            scores[item] = (item, (float)sum);
        }

        return [.. scores.OrderByDescending(p => p.Score).ThenBy(p => p.Item)];
    }
}
