using System.Text.Json;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class ImplicitModelFileTests
{
    /// <summary>The keys implicit's AlternatingLeastSquares.save() writes, in its order.</summary>
    private static readonly string[] ImplicitKeys =
    [
        "user_factors", "item_factors", "regularization", "factors", "num_threads", "iterations", "use_native",
        "use_cg", "cg_steps", "calculate_training_loss", "dtype", "random_state", "alpha",
    ];

    public static TheoryData<string> ImplicitModels => NpzFixtures.NamesData("implicit-model");

    [Theory]
    [MemberData(nameof(ImplicitModels))]
    public void Read_ModelSavedLikeImplicit_HoldsWhatWasSaved(string name)
    {
        var entries = NpzFixtures.Expected(name).GetProperty("entries");

        var model = ImplicitModelFile.Read(NpzFixtures.PathOf(name));

        Assert.Equal(Floats(entries, "user_factors"), model.UserFactors.ToArray());
        Assert.Equal(Floats(entries, "item_factors"), model.ItemFactors.ToArray());
        Assert.Equal(5, model.UserCount);
        Assert.Equal(4, model.ItemCount);
        Assert.Equal(entries.GetProperty("factors").GetProperty("values")[0].GetInt32(), model.Factors);
        Assert.Equal(entries.GetProperty("regularization").GetProperty("values")[0].GetDouble(), model.Regularization);
        Assert.Equal(entries.GetProperty("alpha").GetProperty("values")[0].GetDouble(), model.Alpha);
        Assert.Equal(entries.GetProperty("iterations").GetProperty("values")[0].GetInt32(), model.Iterations);
        Assert.Equal(["num_threads", "use_native", "use_cg", "cg_steps", "calculate_training_loss", "random_state"], model.Options.Keys.OrderBy(k => Array.IndexOf(ImplicitKeys, k)));
        Assert.Equal(NpyDataType.Int64, model.Options["cg_steps"].DataType);
        Assert.Equal(3, model.Options["cg_steps"].GetInt64());
        Assert.True(model.Options["use_cg"].GetBoolean());
        Assert.False(model.Options["calculate_training_loss"].GetBoolean());
        Assert.Equal(42, model.Options["random_state"].GetInt64());
        Assert.Equal(model.UserFactors.Slice(2 * model.Factors, model.Factors).ToArray(), model.GetUserFactors(2).ToArray());
        Assert.Equal(model.ItemFactors.Slice(3 * model.Factors, model.Factors).ToArray(), model.GetItemFactors(3).ToArray());
        if (entries.TryGetProperty("user_ids", out var userIds))
        {
            Assert.True(model.HasUserIds && model.HasItemIds);
            Assert.Equal(userIds.GetProperty("values").EnumerateArray().Select(v => v.GetInt32()), model.UserIds.ToArray());
            Assert.Equal(entries.GetProperty("item_ids").GetProperty("values").EnumerateArray().Select(v => v.GetInt32()), model.ItemIds.ToArray());
        }
        else
        {
            Assert.False(model.HasUserIds || model.HasItemIds);
            Assert.True(model.UserIds.IsEmpty);
        }
    }

    [Fact]
    public void Write_ModelReadFromImplicitFile_WritesTheSameNpyEntriesAsNumpy()
    {
        var path = NpzFixtures.PathOf("implicit_als.npz");
        var model = ImplicitModelFile.Read(path);
        using var written = new MemoryStream();

        ImplicitModelFile.Write(written, model);

        written.Position = 0;
        using var ours = new System.IO.Compression.ZipArchive(written);
        using var numpys = System.IO.Compression.ZipFile.OpenRead(path);
        Assert.Equal(numpys.Entries.Select(e => e.FullName), ours.Entries.Select(e => e.FullName));
        foreach (var entry in numpys.Entries)
        {
            Assert.Equal(ReadAll(entry), ReadAll(ours.GetEntry(entry.FullName)!));
        }
    }

    [Fact]
    public void Write_Float64Model_WritesFloat32FactorsAndDtype()
    {
        var model = ImplicitModelFile.Read(NpzFixtures.PathOf("implicit_als_float64.npz"));
        using var stream = new MemoryStream();

        ImplicitModelFile.Write(stream, model);

        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);
        Assert.Equal(ImplicitKeys, archive.Names);
        Assert.Equal(NpyDataType.Float32, archive.Read("user_factors").DataType);
        Assert.Equal("float32", archive.Read("dtype").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ThenRead_RoundTripsEverything(bool deflated)
    {
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;
        var model = SampleModel();
        using var stream = new MemoryStream();

        ImplicitModelFile.Write(stream, model, compression);
        stream.Position = 0;
        var read = ImplicitModelFile.Read(stream);

        Assert.Equal(model.UserFactors.ToArray(), read.UserFactors.ToArray());
        Assert.Equal(model.ItemFactors.ToArray(), read.ItemFactors.ToArray());
        Assert.Equal((model.Factors, model.Regularization, model.Alpha, model.Iterations), (read.Factors, read.Regularization, read.Alpha, read.Iterations));
        Assert.Equal(model.UserIds.ToArray(), read.UserIds.ToArray());
        Assert.Equal(model.ItemIds.ToArray(), read.ItemIds.ToArray());
        Assert.Equal(model.Options.Keys.Order(), read.Options.Keys.Order());
        Assert.All(model.Options, o => Assert.True(o.Value.ContentEquals(read.Options[o.Key])));
    }

    [Fact]
    public void Write_KeysAndTypes_FollowImplicitSaveThenIds()
    {
        using var stream = new MemoryStream();
        ImplicitModelFile.Write(stream, SampleModel());

        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);

        Assert.Equal(["user_factors", "item_factors", "regularization", "factors", "iterations", "use_cg", "cg_steps", "dtype", "random_state", "alpha", "custom", "user_ids", "item_ids"], archive.Names);
        Assert.Equal(NpyDataType.Float64, archive.Read("regularization").DataType);
        Assert.Equal(NpyDataType.Float64, archive.Read("alpha").DataType);
        Assert.Equal(NpyDataType.Int64, archive.Read("factors").DataType);
        Assert.Equal(NpyDataType.Int64, archive.Read("iterations").DataType);
        Assert.True(archive.Read("factors").IsScalar);
        Assert.Equal(NpyDataType.Int32, archive.Read("user_ids").DataType);
        Assert.Equal(new[] { 3, 2 }, archive.Read("user_factors").Shape.ToArray());
    }

    [Fact]
    public void Read_MissingKeys_UseImplicitDefaults()
    {
        var bytes = Archive(("user_factors", NpyArray.Create<float>([1, 2], 1, 2)), ("item_factors", NpyArray.Create<float>([3, 4, 5, 6], 2, 2)));

        var model = ImplicitModelFile.Read(new MemoryStream(bytes));

        Assert.Equal((2, 0.01, 1.0, 15), (model.Factors, model.Regularization, model.Alpha, model.Iterations));
        Assert.Empty(model.Options);
    }

    public static TheoryData<string, ModelFileError, string> InvalidModels => new()
    {
        { "no-user-factors", ModelFileError.MissingEntry, "user_factors" },
        { "no-item-factors", ModelFileError.MissingEntry, "item_factors" },
        { "int-factors", ModelFileError.InvalidModel, "user_factors" },
        { "vector-factors", ModelFileError.InvalidModel, "item_factors" },
        { "zero-columns", ModelFileError.InvalidModel, "user_factors" },
        { "column-mismatch", ModelFileError.InvalidModel, "item_factors" },
        { "factors-mismatch", ModelFileError.InvalidModel, "factors" },
        { "nan-factor", ModelFileError.InvalidModel, "item_factors" },
        { "string-regularization", ModelFileError.InvalidModel, "regularization" },
        { "negative-regularization", ModelFileError.InvalidModel, "regularization" },
        { "infinite-alpha", ModelFileError.InvalidModel, "alpha" },
        { "float-iterations", ModelFileError.InvalidModel, "iterations" },
        { "negative-iterations", ModelFileError.InvalidModel, "iterations" },
        { "int-dtype", ModelFileError.InvalidModel, "dtype" },
        { "short-user-ids", ModelFileError.InvalidModel, "user_ids" },
        { "duplicate-item-ids", ModelFileError.InvalidModel, "item_ids" },
        { "float-item-ids", ModelFileError.InvalidModel, "item_ids" },
        { "huge-user-ids", ModelFileError.InvalidModel, "user_ids" },
        { "object-option", ModelFileError.ObjectArray, "random_state" },
    };

    [Theory]
    [MemberData(nameof(InvalidModels))]
    public void Read_InvalidModel_ThrowsNamingFileAndKey(string variant, ModelFileError error, string key)
    {
        var users = NpyArray.Create<float>([1, 2, 3, 4], 2, 2);
        var items = NpyArray.Create<float>([5, 6, 7, 8, 9, 10], 3, 2);
        var entries = new Dictionary<string, NpyArray> { ["user_factors"] = users, ["item_factors"] = items };
        switch (variant)
        {
            case "no-user-factors": entries.Remove("user_factors"); break;
            case "no-item-factors": entries.Remove("item_factors"); break;
            case "int-factors": entries["user_factors"] = NpyArray.Create<int>([1, 2, 3, 4], 2, 2); break;
            case "vector-factors": entries["item_factors"] = NpyArray.Create<float>([1, 2]); break;
            case "zero-columns": entries["user_factors"] = NpyArray.Create<float>([], 2, 0); break;
            case "column-mismatch": entries["item_factors"] = NpyArray.Create<float>([1, 2, 3], 1, 3); break;
            case "factors-mismatch": entries["factors"] = NpyArray.Scalar(3L); break;
            case "nan-factor": entries["item_factors"] = NpyArray.Create<float>([5, 6, 7, float.NaN, 9, 10], 3, 2); break;
            case "string-regularization": entries["regularization"] = NpyArray.Scalar("0.1"); break;
            case "negative-regularization": entries["regularization"] = NpyArray.Scalar(-0.1); break;
            case "infinite-alpha": entries["alpha"] = NpyArray.Scalar(double.PositiveInfinity); break;
            case "float-iterations": entries["iterations"] = NpyArray.Scalar(15.0); break;
            case "negative-iterations": entries["iterations"] = NpyArray.Scalar(-1L); break;
            case "int-dtype": entries["dtype"] = NpyArray.Scalar("int32"); break;
            case "short-user-ids": entries["user_ids"] = NpyArray.Create<long>([1]); break;
            case "duplicate-item-ids": entries["item_ids"] = NpyArray.Create<int>([1, 2, 1]); break;
            case "float-item-ids": entries["item_ids"] = NpyArray.Create<double>([1, 2, 3]); break;
            case "huge-user-ids": entries["user_ids"] = NpyArray.Create<long>([1, 1L << 40]); break;
            case "object-option": break;
        }

        var bytes = variant == "object-option" ? WithObjectEntry(entries, key) : Archive([.. entries.Select(e => (e.Key, e.Value))]);

        var exception = Assert.Throws<ModelFileException>(() => ImplicitModelFile.Read(new MemoryStream(bytes), sourceName: "model.npz"));
        Assert.Equal(error, exception.Kind);
        Assert.StartsWith("model.npz", exception.Message, StringComparison.Ordinal);
        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZipBombEntryWithDefaultLimits_IsTooManyElementsBeforeInflating()
    {
        // An extra entry of 2^28 + 1 zero bytes (256 MiB) deflated into about 250 KiB, beside a valid model: beyond
        // the default limit of 2^28 elements.
        var elements = (1L << 28) + 1;
        var bytes = NpzBomb.Build(
            NpzBomb.Stored(ImplicitModelFile.UserFactorsKey, NpyArray.Create<float>([1, 2], 1, 2)),
            NpzBomb.Stored(ImplicitModelFile.ItemFactorsKey, NpyArray.Create<float>([3, 4], 1, 2)),
            new NpzBomb.Entry("notes", NpyBytes.Build(NpyBytes.Dict("|u1", $"({elements},)")), elements));
        var source = new ReadCountingStream(new MemoryStream(bytes));

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => ImplicitModelFile.Read(source, sourceName: "bomb.npz"));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.StartsWith("bomb.npz:notes", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
        Assert.True(source.BytesRead < bytes.Length / 4, $"read {source.BytesRead} of {bytes.Length} bytes: the payload was inflated");
    }

    [Fact]
    public void Read_ArraysTogetherBeyondMaxElementCount_IsTooManyElementsNamingTheEntry()
    {
        // Each array is within the limit of 100 elements, the model's 40 + 40 + 30 are not.
        var bytes = Archive(
            ("user_factors", NpyArray.Create<float>(new float[40], 10, 4)),
            ("item_factors", NpyArray.Create<float>(new float[40], 10, 4)),
            ("notes", NpyArray.Create<long>(new long[30])));
        var options = new NpyReadOptions { MaxElementCount = 100 };

        var error = NpzFixtures.AssertRejected(ModelFileError.TooManyElements, () => ImplicitModelFile.Read(new MemoryStream(bytes), options, "m.npz"));

        Assert.Contains("'notes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ModelLoadOptions.MaxElementCount = 100", error.Message, StringComparison.Ordinal);
        Assert.Equal(30, ImplicitModelFile.Read(new MemoryStream(bytes), options with { MaxElementCount = 110 }).Options["notes"].Length);
    }

    [Fact]
    public void Read_NotAnArchive_ThrowsInvalidArchive()
    {
        NpzFixtures.AssertRejected(ModelFileError.InvalidArchive, () => ImplicitModelFile.Read(new MemoryStream([1, 2, 3]), sourceName: "m.npz"), "m.npz");
    }

    [Fact]
    public void ReadAndWrite_FilePaths_RoundTrip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"movierecs-implicit-{Guid.NewGuid():N}.npz");
        try
        {
            ImplicitModelFile.Write(path, SampleModel());
            var read = ImplicitModelFile.Read(path);

            Assert.Equal(SampleModel().UserFactors.ToArray(), read.UserFactors.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadAndWrite_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Read((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Read((string)null!));
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Write(new MemoryStream(), null!));
        Assert.Throws<ArgumentNullException>(() => ImplicitModelFile.Write((Stream)null!, SampleModel()));
    }

    /// <summary>
    /// Writes, with our writer only (arrays built from the fixture values, not read by our reader), the files that
    /// `make_npz_fixtures.py --verify DIR` checks with numpy. They always go to a temporary folder and are read back;
    /// when MOVIERECS_NPY_EXPORT names a folder, they are also kept there for numpy to verify by hand.
    /// </summary>
    [Fact]
    public void Writers_VerificationSet_ReadsBackAndCanBeExported()
    {
        var export = Environment.GetEnvironmentVariable("MOVIERECS_NPY_EXPORT");
        var folder = string.IsNullOrEmpty(export) ? Path.Combine(Path.GetTempPath(), $"movierecs-verify-{Guid.NewGuid():N}") : export;
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var name in NpzFixtures.Names("npy").Where(n => !n.StartsWith("f4_v", StringComparison.Ordinal)))
            {
                var array = NpzFixtures.CreateExpected(NpzFixtures.Expected(name));
                array.Write(Path.Combine(folder, name));
                Assert.True(array.ContentEquals(NpyArray.Read(Path.Combine(folder, name))));
            }

            var mixed = NpzFixtures.Expected("mixed_stored.npz").GetProperty("entries").EnumerateObject()
                .Select(e => new KeyValuePair<string, NpyArray>(e.Name, NpzFixtures.CreateExpected(e.Value))).ToList();
            NpzArchive.Write(Path.Combine(folder, "mixed_ours_stored.npz"), mixed);
            NpzArchive.Write(Path.Combine(folder, "mixed_ours_deflated.npz"), mixed, NpzCompression.Deflated);

            var entries = NpzFixtures.Expected("implicit_als.npz").GetProperty("entries");
            var options = new Dictionary<string, NpyArray>
            {
                ["num_threads"] = NpyArray.Scalar(0L),
                ["use_native"] = NpyArray.Scalar(true),
                ["use_cg"] = NpyArray.Scalar(true),
                ["cg_steps"] = NpyArray.Scalar(3L),
                ["calculate_training_loss"] = NpyArray.Scalar(false),
                ["random_state"] = NpyArray.Scalar(42L),
            };
            var model = new ImplicitModelData(Floats(entries, "user_factors"), Floats(entries, "item_factors"), 3, 0.05, 40.0, 15, options);
            ImplicitModelFile.Write(Path.Combine(folder, "implicit_ours.npz"), model);
            ImplicitModelFile.Write(Path.Combine(folder, "implicit_ours_ids.npz"), new ImplicitModelData(
                Floats(entries, "user_factors"), Floats(entries, "item_factors"), 3, 0.05, 40.0, 15, options, [10, 20, 30, 40, 50], [7, 5, 3, 1]), NpzCompression.Deflated);

            using var archive = NpzArchive.Open(Path.Combine(folder, "mixed_ours_deflated.npz"));
            Assert.All(mixed, m => Assert.True(m.Value.ContentEquals(archive.Read(m.Key))));
            Assert.Equal(model.ItemFactors.ToArray(), ImplicitModelFile.Read(Path.Combine(folder, "implicit_ours.npz")).ItemFactors.ToArray());
        }
        finally
        {
            if (string.IsNullOrEmpty(export))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static ImplicitModelData SampleModel() => new(
        [0.5f, -1f, 2f, 0.25f, 3f, -4f],
        [1f, 2f, 3f, 4f],
        factors: 2,
        regularization: 0.1,
        alpha: 20,
        iterations: 7,
        options: new Dictionary<string, NpyArray>
        {
            ["custom"] = NpyArray.Create<double>([1.5, 2.5]),
            ["random_state"] = NpyArray.Scalar(7L),
            ["use_cg"] = NpyArray.Scalar(false),
            ["cg_steps"] = NpyArray.Scalar(4L),
        },
        userIds: [100, 200, 300],
        itemIds: [9, 8]);

    private static float[] Floats(JsonElement entries, string key) =>
        entries.GetProperty(key).GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static byte[] ReadAll(System.IO.Compression.ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Archive(params (string Name, NpyArray Array)[] entries)
    {
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, entries.Select(e => new KeyValuePair<string, NpyArray>(e.Name, e.Array)));
        return stream.ToArray();
    }

    private static byte[] WithObjectEntry(Dictionary<string, NpyArray> entries, string key)
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, array) in entries)
            {
                using var entry = zip.CreateEntry(name + ".npy").Open();
                array.Write(entry);
            }

            using var bad = zip.CreateEntry(key + ".npy").Open();
            bad.Write(NpyBytes.Build(NpyBytes.Dict("|O", "()"), "\x80\x02cos\nsystem\n(S'x'\ntR."u8));
        }

        return stream.ToArray();
    }
}
