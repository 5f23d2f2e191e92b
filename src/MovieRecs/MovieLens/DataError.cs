using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MovieRecs.MovieLens;

/// <summary>Builds and throws the <see cref="InvalidDataException"/> of the readers: file, 1-based line number, reason, line text.</summary>
internal static class DataError
{
    /// <summary>Line text longer than this is cut in error messages.</summary>
    public const int MaxLineTextLength = 200;

    public static string Format(string displayName, long lineNumber, string reason, string lineText)
    {
        var text = lineText.TrimEnd('\r', '\n');
        if (text.Length > MaxLineTextLength)
        {
            text = string.Concat(text.AsSpan(0, MaxLineTextLength), "...");
        }

        return $"{displayName}, line {lineNumber}: {reason}. Line text: \"{text}\"";
    }

    public static InvalidDataException Create(string displayName, long lineNumber, string reason, ReadOnlySpan<byte> line)
    {
        // Only the first bytes are needed; decode a bit more than shown so the "..." marker still appears.
        var shown = line.Length > MaxLineTextLength + 1 ? line[..(MaxLineTextLength + 1)] : line;
        var text = System.Text.Unicode.Utf8.IsValid(shown) ? Encoding.UTF8.GetString(shown) : Encoding.Latin1.GetString(shown);
        return new InvalidDataException(Format(displayName, lineNumber, reason, text));
    }

    [DoesNotReturn]
    public static void Throw(string displayName, long lineNumber, string reason, ReadOnlySpan<byte> line) =>
        throw Create(displayName, lineNumber, reason, line);

    [DoesNotReturn]
    public static void Throw(string displayName, long lineNumber, string reason, string lineText) =>
        throw new InvalidDataException(Format(displayName, lineNumber, reason, lineText));
}
