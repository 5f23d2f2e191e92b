using System.Diagnostics.CodeAnalysis;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>Cold throw paths of the persistence readers, kept out of the parsing and copying loops.</summary>
internal static class NpyErrors
{
    [DoesNotReturn]
    public static void Throw(NpyFormatError error, string sourceName, string detail) =>
        throw NpyFormatErrorExtensions.Create(error, sourceName, detail);

    [DoesNotReturn]
    public static T Throw<T>(NpyFormatError error, string sourceName, string detail) =>
        throw NpyFormatErrorExtensions.Create(error, sourceName, detail);

    [DoesNotReturn]
    public static void Truncated(string sourceName, string what, long needed, long available) =>
        throw NpyFormatErrorExtensions.Create(
            NpyFormatError.Truncated,
            sourceName,
            $"{what} needs {needed} bytes but only {available} remain.");

    /// <summary>Shows bytes as text for a message: printable ASCII as is, anything else as <c>\xNN</c> (see <see cref="MessageText.Printable"/>), cut at <paramref name="max"/>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 80) => MessageText.Printable(bytes, max);
}
