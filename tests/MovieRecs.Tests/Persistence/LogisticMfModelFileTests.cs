using FsCheck.Xunit;
using MovieRecs.LogisticMf;
using MovieRecs.Persistence;
using MovieRecs.Tests.Generators;
using MovieRecs.Tests.LogisticMf;

namespace MovieRecs.Tests.Persistence;

/// <summary>The logistic MF model's own file format: round trips, damaged files and atomic saves.</summary>
public class LogisticMfModelFileTests : ModelFileContract<LogisticMfModel>
{
    protected override string Extension => "lmf";

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
    public void Load_OtherFiles_ThrowTheirKinds()
    {
        var bytes = SavedBytes();

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

    protected override LogisticMfModel SmallModel() =>
        LogisticMfModel.Fit(LogisticMfModelTests.RandomMatrix(9, 7, 0.4, seed: 2), new LogisticMfOptions { Factors = 3, Iterations = 2, Seed = 4, LearningRate = 0.5 });

    protected override void Save(LogisticMfModel model, Stream stream) => LogisticMfModelFile.Save(model, stream);

    protected override void Save(LogisticMfModel model, string path, CancellationToken cancellationToken) => LogisticMfModelFile.Save(model, path, cancellationToken);

    protected override LogisticMfModel Load(Stream stream, string name) => LogisticMfModelFile.Load(stream, name);

    protected override LogisticMfModel Load(string path) => LogisticMfModelFile.Load(path);

    protected override void AssertSame(LogisticMfModel expected, LogisticMfModel actual)
    {
        Assert.Equal(expected.Options, actual.Options);
        Assert.True(Enumerable.Range(0, expected.ItemCount).All(i => actual.GetItemFactors(i).SequenceEqual(expected.GetItemFactors(i))));
        Assert.True(Enumerable.Range(0, expected.UserCount).All(u => actual.GetUserFactors(u).SequenceEqual(expected.GetUserFactors(u))));
    }
}
