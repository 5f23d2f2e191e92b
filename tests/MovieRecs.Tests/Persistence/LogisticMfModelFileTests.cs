using FsCheck.Xunit;
using MovieRecs.LogisticMf;
using MovieRecs.Persistence;
using MovieRecs.Tests.Generators;
using MovieRecs.Tests.LogisticMf;

namespace MovieRecs.Tests.Persistence;

/// <summary>The logistic MF model's own file format: round trips, damaged files and atomic saves.</summary>
public class LogisticMfModelFileTests
{
    [Property(MaxTest = 50, Arbitrary = new[] { typeof(LogisticMfArbitraries) })]
    public bool SaveLoad_RoundTrip_KeepsOptionsAndFactorsBitForBit(LogisticMfCase c)
    {
        var model = LogisticMfModel.Fit(c.Matrix.ToCsr(), c.Options);
        using var stream = new MemoryStream();
        LogisticMfModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = LogisticMfModelFile.Load(stream);
        return stream.Position == stream.Length
            && loaded.Options == model.Options
            && loaded.UserCount == model.UserCount
            && loaded.ItemCount == model.ItemCount
            && Enumerable.Range(0, model.UserCount).All(u => loaded.GetUserFactors(u).SequenceEqual(model.GetUserFactors(u)))
            && Enumerable.Range(0, model.ItemCount).All(i => loaded.GetItemFactors(i).SequenceEqual(model.GetItemFactors(i)))
            && Enumerable.Range(0, model.UserCount).All(u => loaded.Recommend(u, [], 5).SequenceEqual(model.Recommend(u, [], 5)));
    }

    [Fact]
    public void SaveLoad_Path_RoundTripsAndNamesThePathInErrors()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-lmf-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.lmf");
            var model = SmallModel();
            LogisticMfModelFile.Save(model, path);
            var loaded = LogisticMfModelFile.Load(path);
            Assert.Equal(model.Options, loaded.Options);
            Assert.True(loaded.GetItemFactors(3).SequenceEqual(model.GetItemFactors(3)));

            File.WriteAllBytes(path, [.. File.ReadAllBytes(path), 0]);
            var trailing = Assert.Throws<ModelFileException>(() => LogisticMfModelFile.Load(path));
            Assert.Equal(ModelFileError.TrailingData, trailing.Kind);
            Assert.Equal(path, trailing.SourceName);
            Assert.Contains(path, trailing.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, SavedBytes()[..30]);
            var truncated = Assert.Throws<ModelFileException>(() => LogisticMfModelFile.Load(path));
            Assert.Equal(ModelFileError.Truncated, truncated.Kind);
            Assert.Contains(path, truncated.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Save_Cancelled_LeavesTheExistingFileAsItWas()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-lmf-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.lmf");
            File.WriteAllBytes(path, [1, 2, 3]);
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => LogisticMfModelFile.Save(SmallModel(), path, cancelled.Token));

            Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsTruncated()
    {
        var bytes = SavedBytes();
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<ModelFileException>(() => LogisticMfModelFile.Load(new MemoryStream(bytes, 0, length), "cut.lmf"));
            Assert.Equal("cut.lmf", e.SourceName);
            Assert.True(e.Kind == ModelFileError.Truncated, $"length {length}: {e.Kind}: {e.Message}");
        }
    }

    [Fact]
    public void Load_EveryFlippedByte_ThrowsModelFileException()
    {
        var bytes = SavedBytes();
        for (var at = 0; at < bytes.Length; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            var e = Assert.Throws<ModelFileException>(() => LogisticMfModelFile.Load(new MemoryStream(damaged), "flip.lmf"));
            Assert.Equal("flip.lmf", e.SourceName);
        }
    }

    [Fact]
    public void Load_OtherFiles_ThrowTheirKinds()
    {
        var bytes = SavedBytes();

        var als = new MemoryStream();
        AlsModelFile.Save(SmallModel().Serving, als);
        Assert.Equal(ModelFileError.BadMagic, Load(als.ToArray()).Kind);

        var newer = OptionsHeaderBytes.WithInt32(bytes, 8, LogisticMfModelFile.FormatVersion + 1);
        Assert.Equal(ModelFileError.UnsupportedVersion, Load(newer).Kind);

        var noFactors = OptionsHeaderBytes.WithInt32(bytes, 12, 0);
        Assert.Equal(ModelFileError.InvalidHeader, Load(noFactors).Kind);

        var otherWidth = OptionsHeaderBytes.WithInt32(bytes, 12, SmallModel().Factors + 1);
        var mismatch = Load(otherWidth);
        Assert.Equal(ModelFileError.InvalidHeader, mismatch.Kind);
        Assert.Contains("factor rows", mismatch.Message, StringComparison.Ordinal);

        var header = (byte[])bytes.Clone();
        header[20] ^= 1;
        Assert.Equal(ModelFileError.ChecksumMismatch, Load(header).Kind);

        var factors = (byte[])bytes.Clone();
        factors[^10] ^= 1;
        Assert.Equal(ModelFileError.ChecksumMismatch, Load(factors).Kind);

        static ModelFileException Load(byte[] content) =>
            Assert.Throws<ModelFileException>(() => LogisticMfModelFile.Load(new MemoryStream(content), "other.lmf"));
    }

    [Fact]
    public void SaveLoad_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LogisticMfModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => LogisticMfModelFile.Save(SmallModel(), (Stream)null!));
        Assert.Throws<ArgumentException>(() => LogisticMfModelFile.Save(SmallModel(), new MemoryStream([], writable: false)));
        Assert.Throws<ArgumentException>(() => LogisticMfModelFile.Save(SmallModel(), ""));
        Assert.Throws<ArgumentNullException>(() => LogisticMfModelFile.Load((Stream)null!));
        Assert.Throws<ArgumentException>(() => LogisticMfModelFile.Load(""));
    }

    private static LogisticMfModel SmallModel() =>
        LogisticMfModel.Fit(LogisticMfModelTests.RandomMatrix(9, 7, 0.4, seed: 2), new LogisticMfOptions { Factors = 3, Iterations = 2, Seed = 4, LearningRate = 0.5 });

    private static byte[] SavedBytes()
    {
        using var stream = new MemoryStream();
        LogisticMfModelFile.Save(SmallModel(), stream);
        return stream.ToArray();
    }
}
