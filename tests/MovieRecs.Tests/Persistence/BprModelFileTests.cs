using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Bpr;
using MovieRecs.Persistence;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Persistence;

/// <summary>The BPR model's own file format: round trips, damaged files and atomic saves.</summary>
public class BprModelFileTests : ModelFileContract<BprModel>
{
    protected override string Extension => "bpr";

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
    public void Load_HeaderFieldsOutOfRange_ThrowTheirKinds()
    {
        var bytes = SavedBytes(factors: 2);
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
    public void Guards_NullOrEmpty_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => BprModelFile.Save(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => BprModelFile.Load((Stream)null!));
        Assert.Throws<ArgumentException>(() => BprModelFile.Load(string.Empty));
        Assert.Throws<FileNotFoundException>(() => BprModelFile.Load(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid() + ".bpr")));
    }

    protected override BprModel SmallModel() => Small(factors: 2);

    protected override void Save(BprModel model, Stream stream) => BprModelFile.Save(model, stream);

    protected override void Save(BprModel model, string path, CancellationToken cancellationToken) => BprModelFile.Save(model, path, cancellationToken);

    protected override BprModel Load(Stream stream, string name) => BprModelFile.Load(stream, name);

    protected override BprModel Load(string path) => BprModelFile.Load(path);

    protected override void AssertSame(BprModel expected, BprModel actual)
    {
        Assert.Equal(expected.Options, actual.Options);
        Assert.Equal(expected.UserCount, actual.UserCount);
        Assert.True(Enumerable.Range(0, expected.ItemCount).All(i => actual.GetItemFactors(i).SequenceEqual(expected.GetItemFactors(i))));
    }

    private static BprModel Small(int factors)
    {
        var matrix = CsrMatrix.FromDense(new float[,] { { 5, 3, 0 }, { 4, 0, 1 }, { 0, 2, 2 } });
        return BprModel.Fit(matrix, new BprOptions { Factors = factors, Iterations = 3, Seed = 1, MaxDegreeOfParallelism = 1 });
    }

    private static byte[] SavedBytes(int factors)
    {
        using var stream = new MemoryStream();
        BprModelFile.Save(Small(factors), stream);
        return stream.ToArray();
    }
}
