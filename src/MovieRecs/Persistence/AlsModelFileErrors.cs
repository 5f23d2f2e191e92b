using System.Diagnostics.CodeAnalysis;

namespace MovieRecs.Persistence;

/// <summary>Cold throw paths of <see cref="AlsModelFile"/>: an <see cref="InvalidDataException"/> whose message is
/// "source: detail" and whose <see cref="Exception.Data"/> records the <see cref="AlsModelFileError"/> and the source.</summary>
internal static class AlsModelFileErrors
{
    /// <summary>The <see cref="Exception.Data"/> key that holds the <see cref="AlsModelFileError"/>.</summary>
    public const string ErrorKey = "MovieRecs.AlsModelFileError";

    /// <summary>The <see cref="Exception.Data"/> key that holds the file name (a <see cref="string"/>).</summary>
    public const string SourceKey = "MovieRecs.AlsModelFileSource";

    [DoesNotReturn]
    public static void Throw(AlsModelFileError error, string sourceName, string detail, Exception? innerException = null) =>
        throw Create(error, sourceName, detail, innerException);

    public static InvalidDataException Create(AlsModelFileError error, string sourceName, string detail, Exception? innerException = null)
    {
        var exception = new InvalidDataException($"{sourceName}: {detail}", innerException);
        exception.Data[ErrorKey] = error;
        exception.Data[SourceKey] = sourceName;
        return exception;
    }
}
