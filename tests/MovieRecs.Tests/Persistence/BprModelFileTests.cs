using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Bpr;
using MovieRecs.Persistence;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Persistence;

/// <summary>The BPR model's own file format: round trips, damaged files and atomic saves.</summary>
public class BprModelFileTests
{
    [Property(MaxTest = 40, Arbitrary = new[] { typeof(BprArbitraries) })]
    public bool SaveLoad_RoundTrip_ServesTheSame(BprCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = BprModel.Fit(userItems, c.Options);
        using var stream = new MemoryStream();
        BprModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = BprModelFile.Load(stream);
        return stream.Position == stream.Length
            && loaded.Options == model.Options
            && loaded.UserCount == model.UserCount
            && loaded.ItemCount == model.ItemCount
            && Enumerable.Range(0, model.UserCount).All(u => loaded.GetUserFactors(u).SequenceEqual(model.GetUserFactors(u))
                && loaded.Recommend(u, userItems, 3).SequenceEqual(model.Recommend(u, userItems, 3)))
            && Enumerable.Range(0, model.ItemCount).All(i => loaded.GetItemFactors(i).SequenceEqual(model.GetItemFactors(i)));
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsModelFileException()
    {
        var bytes = SavedBytes();
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<ModelFileException>(() => BprModelFile.Load(new MemoryStream(bytes, 0, length), "cut.bpr"));
            Assert.Equal("cut.bpr", e.SourceName);
            Assert.True(e.Kind == ModelFileError.Truncated, $"length {length}: {e.Kind}: {e.Message}");
            Assert.StartsWith("cut.bpr: ", e.Message, StringComparison.Ordinal);
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
            var e = Assert.Throws<ModelFileException>(() => BprModelFile.Load(new MemoryStream(damaged), "flip.bpr"));
            Assert.Equal("flip.bpr", e.SourceName);
        }
    }

    [Fact]
    public void Load_AlsModelFile_ThrowsBadMagic()
    {
        using var stream = new MemoryStream();
        AlsModelFile.Save(AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[] { 1, 2 }, new float[] { 3, 4 }), stream);
        stream.Position = 0;
        Assert.Equal(ModelFileError.BadMagic, Assert.Throws<ModelFileException>(() => BprModelFile.Load(stream, "als.model")).Kind);
    }

    [Fact]
    public void Load_HeaderFieldsOutOfRange_ThrowTheirKinds()
    {
        var bytes = SavedBytes();
        Assert.Equal(ModelFileError.UnsupportedVersion, Load(OptionsHeaderBytes.WithInt32(bytes, 8, BprModelFile.FormatVersion + 1)).Kind);
        Assert.Equal(ModelFileError.InvalidHeader, Load(OptionsHeaderBytes.WithInt32(bytes, 12, 0)).Kind);
        var flag = Load(OptionsHeaderBytes.WithInt32(bytes, 36, 2));
        Assert.Equal(ModelFileError.InvalidHeader, flag.Kind);
        Assert.Contains("the negative-check flag must be 0 or 1, but was 2", flag.Message, StringComparison.Ordinal);
        Assert.StartsWith("header.bpr: ", flag.Message, StringComparison.Ordinal);

        static ModelFileException Load(byte[] content) =>
            Assert.Throws<ModelFileException>(() => BprModelFile.Load(new MemoryStream(content), "header.bpr"));
    }

    [Fact]
    public void Load_RowsOfAnotherFactorCount_ThrowsInvalidModel()
    {
        var two = SavedBytes(factors: 2);
        var four = SavedBytes(factors: 4);
        byte[] mixed = [.. two.AsSpan(0, 52), .. four.AsSpan(52)];
        var e = Assert.Throws<ModelFileException>(() => BprModelFile.Load(new MemoryStream(mixed), "mixed.bpr"));
        Assert.Equal(ModelFileError.InvalidModel, e.Kind);
        Assert.Contains("bias column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UserBiasNotOne_ThrowsInvalidModel()
    {
        var rows = AlsModel.FromFactors(new AlsOptions { Factors = 3 }, new float[] { 0.1f, 0.2f, 1f, 0.3f, 0.4f, 0.5f }, new float[] { 1, 2, 3 });
        using var stream = new MemoryStream();
        BprModelFile.Save(new BprModel(new BprOptions { Factors = 2 }, rows), stream);
        stream.Position = 0;
        var e = Assert.Throws<ModelFileException>(() => BprModelFile.Load(stream, "bias.bpr"));
        Assert.Equal(ModelFileError.InvalidModel, e.Kind);
        Assert.Contains("user 1's bias column is 0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveLoad_Path_RoundTripsAndRefusesTrailingBytes()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-bpr-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.bpr");
            var bytes = SavedBytes();
            BprModelFile.Save(BprModelFile.Load(new MemoryStream(bytes)), path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(bytes.Length, new FileInfo(path).Length);
            var loaded = BprModelFile.Load(path);
            Assert.Equal(3, loaded.UserCount);

            File.WriteAllBytes(path, [.. bytes, 0]);
            var e = Assert.Throws<ModelFileException>(() => BprModelFile.Load(path));
            Assert.Equal(ModelFileError.TrailingData, e.Kind);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Save_Cancelled_LeavesThePreviousFileAsItWas()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-bpr-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.bpr");
            File.WriteAllBytes(path, [1, 2, 3]);
            using var source = new CancellationTokenSource();
            source.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => BprModelFile.Save(BprModelFile.Load(new MemoryStream(SavedBytes())), path, source.Token));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
            Assert.Single(folder.GetFiles());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Guards_NullOrEmpty_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => BprModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => BprModelFile.Load((Stream)null!));
        Assert.Throws<ArgumentException>(() => BprModelFile.Load(string.Empty));
        Assert.Throws<FileNotFoundException>(() => BprModelFile.Load(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid() + ".bpr")));
    }

    private static byte[] SavedBytes(int factors = 2)
    {
        var matrix = CsrMatrix.FromDense(new float[,] { { 5, 3, 0 }, { 4, 0, 1 }, { 0, 2, 2 } });
        var model = BprModel.Fit(matrix, new BprOptions { Factors = factors, Iterations = 3, Seed = 1, MaxDegreeOfParallelism = 1 });
        using var stream = new MemoryStream();
        BprModelFile.Save(model, stream);
        return stream.ToArray();
    }
}
