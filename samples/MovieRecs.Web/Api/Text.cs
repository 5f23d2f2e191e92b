using MovieRecs.Internal;

namespace MovieRecs.Web.Api;

/// <summary>Puts text from outside (a request, a file name, an exception) into a message: escaped as the core escapes
/// what it quotes (<see cref="MessageText.Escape"/>: controls, bidirectional overrides and isolates, line and paragraph
/// separators, lone surrogates), so a message stays one line and shows its characters in order, and very long text
/// cut.</summary>
internal static class Text
{
    /// <summary>The most characters of quoted text a message keeps.</summary>
    public const int MaxQuoted = 100;

    /// <summary>Escapes <paramref name="text"/> and cuts it to <see cref="MaxQuoted"/> characters (never inside a
    /// surrogate pair).</summary>
    public static string Quote(string text)
    {
        if (text.Length <= MaxQuoted)
        {
            return MessageText.Escape(text);
        }

        var keep = char.IsHighSurrogate(text[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return MessageText.Escape(string.Concat(text.AsSpan(0, keep), "..."));
    }
}
