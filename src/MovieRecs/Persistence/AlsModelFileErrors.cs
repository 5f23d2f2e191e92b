using System.Diagnostics.CodeAnalysis;

namespace MovieRecs.Persistence;

/// <summary>Cold throw paths of <see cref="AlsModelFile"/>: a <see cref="ModelFileException"/> whose message is
/// "source: detail".</summary>
internal static class AlsModelFileErrors
{
    [DoesNotReturn]
    public static void Throw(ModelFileError error, string sourceName, string detail, Exception? innerException = null) =>
        throw Create(error, sourceName, detail, innerException);

    public static ModelFileException Create(ModelFileError error, string sourceName, string detail, Exception? innerException = null) =>
        new(error, sourceName, $"{sourceName}: {detail}", innerException);
}
