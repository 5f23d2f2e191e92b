using System.Globalization;
using System.Text;

namespace MovieRecs.Internal;

/// <summary>
/// Makes text from a file safe to put in an exception message: characters a terminal acts on (C0 controls, DEL, C1
/// controls, bidirectional overrides and isolates, line and paragraph separators, lone surrogates) are written as
/// escapes, so a crafted file can neither retitle nor clear the terminal that prints the error, nor reorder what it
/// shows. Every reader's messages go through here.
/// </summary>
internal static class MessageText
{
    /// <summary>
    /// <paramref name="text"/> with every unsafe character escaped: <c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\xNN</c> for the
    /// other C0 and C1 controls and DEL, <c>\uNNNN</c> for the rest (lower-case hex). Other characters are kept.
    /// </summary>
    /// <remarks>Returns the same content without copying work when nothing needs escaping (the usual case).</remarks>
    public static string Escape(string text)
    {
        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (IsUnsafe(c))
            {
                AppendEscape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Shows bytes (a binary header, a magic number) as text: printable ASCII as is, anything else — controls, bytes
    /// from 0x7F up, and the backslash itself, so that each escape is unambiguous — as <c>\xNN</c>; cut at
    /// <paramref name="max"/> bytes with <c>...</c>.
    /// </summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 80)
    {
        var count = Math.Min(bytes.Length, max);
        var builder = new StringBuilder(count + 8);
        for (var i = 0; i < count; i++)
        {
            var b = bytes[i];
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
            {
                builder.Append((char)b);
            }
            else
            {
                AppendHex(builder, b);
            }
        }

        if (bytes.Length > max)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="c"/> must not reach a terminal as it is (a surrogate counts only when unpaired; see <see cref="Escape"/>).</summary>
    public static bool IsUnsafe(char c) =>
        c < '\u0020'
        || c is >= '\u007F' and <= '\u009F'
        || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || char.IsSurrogate(c);

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static void AppendEscape(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '\t':
                builder.Append("\\t");
                break;
            case '\n':
                builder.Append("\\n");
                break;
            case '\r':
                builder.Append("\\r");
                break;
            case <= '\u00FF':
                AppendHex(builder, (byte)c);
                break;
            default:
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void AppendHex(StringBuilder builder, byte b) =>
        builder.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
}
