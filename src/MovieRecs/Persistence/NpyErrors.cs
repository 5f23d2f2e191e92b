using System.Diagnostics.CodeAnalysis;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>Cold throw paths of the numpy readers, kept out of the parsing and copying loops: a
/// <see cref="ModelFileException"/> whose message is "source: Kind: detail".</summary>
internal static class NpyErrors
{
    /// <summary>Creates the exception the numpy readers throw.</summary>
    public static ModelFileException Create(ModelFileError error, string sourceName, string detail, Exception? innerException = null) =>
        new(error, sourceName, $"{sourceName}: {error}: {detail}", innerException);

    [DoesNotReturn]
    public static void Throw(ModelFileError error, string sourceName, string detail) =>
        throw Create(error, sourceName, detail);

    [DoesNotReturn]
    public static T Throw<T>(ModelFileError error, string sourceName, string detail) =>
        throw Create(error, sourceName, detail);

    [DoesNotReturn]
    public static void Truncated(string sourceName, string what, long needed, long available) =>
        throw Create(
            ModelFileError.Truncated,
            sourceName,
            $"{what} needs {needed} bytes but only {available} remain.");

    /// <summary>Shows bytes as text for a message: printable ASCII as is, anything else as <c>\xNN</c> (see <see cref="MessageText.Printable"/>), cut at <paramref name="max"/>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 80) => MessageText.Printable(bytes, max);
}
