using System.Globalization;
using System.Text;

namespace MovieRecs.Web.Api;

/// <summary>Puts text from outside (a request, a file name, an exception) into a message: control characters
/// escaped as <c>\xNN</c> (and <c>\n</c>, <c>\r</c>, <c>\t</c>), so a message stays one line whatever it quotes, and
/// very long text cut.</summary>
internal static class Text
{
    /// <summary>The most characters of quoted text a message keeps.</summary>
    public const int MaxQuoted = 100;

    /// <summary>Escapes the control characters of <paramref name="text"/>.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when char.IsControl(c) => escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    /// <summary>Escapes <paramref name="text"/> and cuts it to <see cref="MaxQuoted"/> characters.</summary>
    public static string Quote(string text) =>
        Escape(text.Length > MaxQuoted ? string.Concat(text.AsSpan(0, MaxQuoted), "...") : text);
}
