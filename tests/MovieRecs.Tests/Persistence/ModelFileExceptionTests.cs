using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

public class ModelFileExceptionTests
{
    [Fact]
    public void Constructor_KeepsKindSourceMessageAndCause()
    {
        var cause = new EndOfStreamException();

        var exception = new ModelFileException(ModelFileError.ChecksumMismatch, "model.mrals", "model.mrals: damaged.", cause);

        Assert.Equal(ModelFileError.ChecksumMismatch, exception.Kind);
        Assert.Equal("model.mrals", exception.SourceName);
        Assert.Equal("model.mrals: damaged.", exception.Message);
        Assert.Same(cause, exception.InnerException);
    }

    [Fact]
    public void Constructor_NullSourceOrMessage_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new ModelFileException(ModelFileError.Truncated, null!, "message"));
        Assert.Throws<ArgumentNullException>(() => new ModelFileException(ModelFileError.Truncated, "model.mrals", null!));
    }

    [Fact]
    public void Load_DamagedOwnAndImplicitFiles_AreCaughtAsIOExceptionWithTheirKindAndSource()
    {
        var own = SaveToBytes(Random(2, 3, 4, 4));
        own[^1] ^= 0x01;

        var ownError = CatchIOException(() => AlsModelFile.Load(new MemoryStream(own), displayName: "own.mrals"));
        var npzError = CatchIOException(() => ImplicitModelFile.Load(new MemoryStream("not a zip archive"u8.ToArray()), displayName: "model.npz"));

        var ownModelError = Assert.IsType<ModelFileException>(ownError);
        Assert.Equal(ModelFileError.ChecksumMismatch, ownModelError.Kind);
        Assert.Equal("own.mrals", ownModelError.SourceName);
        var npzModelError = Assert.IsType<ModelFileException>(npzError);
        Assert.Equal(ModelFileError.InvalidArchive, npzModelError.Kind);
        Assert.Equal("model.npz", npzModelError.SourceName);
        Assert.StartsWith("model.npz: InvalidArchive: ", npzModelError.Message, StringComparison.Ordinal);
    }

    private static IOException? CatchIOException(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (IOException e)
        {
            return e;
        }
    }
}
