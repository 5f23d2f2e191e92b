using MovieRecs.Als;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>
/// What every model file format of the library promises, written once and run by each format's test class: a file
/// cut at any length is truncated and says so with its name, any flipped byte is caught, another format is refused by
/// its magic, a saved file round-trips through its path and refuses trailing bytes naming the path, a cancelled save
/// leaves the previous file as it was, and a folder given for a file is named as one.
/// </summary>
/// <typeparam name="TModel">The model the format holds.</typeparam>
public abstract class ModelFileContract<TModel>
    where TModel : class
{
    /// <summary>The file extension the tests use ("bpr").</summary>
    protected abstract string Extension { get; }

    /// <summary>A small fitted model, the same on every call.</summary>
    protected abstract TModel SmallModel();

    protected abstract void Save(TModel model, Stream stream);

    protected abstract void Save(TModel model, string path, CancellationToken cancellationToken);

    protected abstract TModel Load(Stream stream, string name);

    protected abstract TModel Load(string path);

    /// <summary>Asserts that <paramref name="actual"/> holds what <paramref name="expected"/> does.</summary>
    protected abstract void AssertSame(TModel expected, TModel actual);

    [Fact]
    public void Load_EveryTruncation_ThrowsTruncatedNamingTheSource()
    {
        var bytes = SavedBytes();
        var name = "cut." + Extension;
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<ModelFileException>(() => Load(new MemoryStream(bytes, 0, length), name));
            Assert.Equal(name, e.SourceName);
            Assert.True(e.Kind == ModelFileError.Truncated, $"length {length}: {e.Kind}: {e.Message}");
            Assert.StartsWith(name + ": ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_EveryFlippedByte_ThrowsModelFileException()
    {
        var bytes = SavedBytes();
        var name = "flip." + Extension;
        for (var at = 0; at < bytes.Length; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            var e = Assert.Throws<ModelFileException>(() => Load(new MemoryStream(damaged), name));
            Assert.Equal(name, e.SourceName);
        }
    }

    [Fact]
    public void Load_AnotherFormat_ThrowsBadMagic()
    {
        using var stream = new MemoryStream();
        AlsModelFile.Save(AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[] { 1, 2 }, new float[] { 3, 4 }), stream);
        var e = Assert.Throws<ModelFileException>(() => Load(new MemoryStream(stream.ToArray()), "als.model"));
        Assert.Equal(ModelFileError.BadMagic, e.Kind);
        Assert.StartsWith("als.model: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveLoad_Path_RoundTripsAndNamesThePathInErrors()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-" + Extension + "-");
        try
        {
            var path = Path.Combine(folder.FullName, "model." + Extension);
            var bytes = SavedBytes();
            var model = SmallModel();
            Save(model, path, CancellationToken.None);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            AssertSame(model, Load(path));

            File.WriteAllBytes(path, [.. bytes, 0]);
            var trailing = Assert.Throws<ModelFileException>(() => Load(path));
            Assert.Equal(ModelFileError.TrailingData, trailing.Kind);
            Assert.Equal(path, trailing.SourceName);
            Assert.Contains(path, trailing.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var truncated = Assert.Throws<ModelFileException>(() => Load(path));
            Assert.Equal(ModelFileError.Truncated, truncated.Kind);
            Assert.Contains(path, truncated.Message, StringComparison.Ordinal);

            var notAFile = Assert.Throws<ArgumentException>(() => Load(folder.FullName));
            Assert.Contains(folder.FullName, notAFile.Message, StringComparison.Ordinal);
            Assert.Contains("is a folder", notAFile.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Save_Cancelled_LeavesTheExistingFileAsItWas()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-" + Extension + "-");
        try
        {
            var path = Path.Combine(folder.FullName, "model." + Extension);
            File.WriteAllBytes(path, [1, 2, 3]);
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => Save(SmallModel(), path, cancelled.Token));

            Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The bytes <see cref="SmallModel"/> saves to.</summary>
    protected byte[] SavedBytes()
    {
        using var stream = new MemoryStream();
        Save(SmallModel(), stream);
        return stream.ToArray();
    }
}
