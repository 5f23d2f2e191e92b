using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>Builds and throws the <see cref="InvalidDataException"/> of the readers: file, 1-based line number, reason, line text.</summary>
/// <remarks>
/// Everything in the message may come from the file (the line, the field text a reason quotes) or from a hostile file
/// name, so control characters are escaped here, once for every reader (<see cref="MessageText.Escape"/>).
/// </remarks>
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

        return $"{MessageText.Escape(displayName)}, line {lineNumber}: {MessageText.Escape(reason)}. Line text: \"{MessageText.Escape(text)}\"";
    }

    public static InvalidDataException Create(string displayName, long lineNumber, string reason, ReadOnlySpan<byte> line)
    {
        // Decide the encoding on the whole line (a cut could split a character), then decode only what is shown:
        // at most 4 bytes per character, plus one character so that Format still sees the line is longer.
        var isUtf8 = System.Text.Unicode.Utf8.IsValid(line);
        var maxBytes = isUtf8 ? 4 * (MaxLineTextLength + 1) : MaxLineTextLength + 1;
        var shown = line.Length > maxBytes ? line[..maxBytes] : line;
        var text = isUtf8 ? Encoding.UTF8.GetString(shown) : Encoding.Latin1.GetString(shown);
        return new InvalidDataException(Format(displayName, lineNumber, reason, text));
    }

    /// <summary>
    /// The error of an interaction-matrix read that kept no rating: the file was empty (or held only its header), or
    /// every rating was below <paramref name="minRating"/>. Training on it could only fail later with a 0 x 0 matrix.
    /// </summary>
    public static InvalidDataException NoRatings(string displayName, float minRating, long ratingsRead, float highest)
    {
        var name = MessageText.Escape(displayName);
        return new InvalidDataException(ratingsRead == 0
            ? $"No ratings in '{name}' (the file is empty or holds only its header): nothing to train on."
            : string.Create(CultureInfo.InvariantCulture,
                $"No ratings >= {minRating} in '{name}' ({ratingsRead:N0} ratings read, the highest {highest}): nothing to train on."));
    }

    [DoesNotReturn]
    public static void Throw(string displayName, long lineNumber, string reason, ReadOnlySpan<byte> line) =>
        throw Create(displayName, lineNumber, reason, line);

    [DoesNotReturn]
    public static void Throw(string displayName, long lineNumber, string reason, string lineText) =>
        throw new InvalidDataException(Format(displayName, lineNumber, reason, lineText));
}
