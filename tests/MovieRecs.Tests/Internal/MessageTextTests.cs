using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Internal;
using MovieRecs.Tests.MovieLens;

namespace MovieRecs.Tests.Internal;

public sealed class MessageTextTests
{
    [Theory]
    [InlineData("\u001b]0;title\u0007", "\\x1b]0;title\\x07")]
    [InlineData("a\tb\nc\rd\0e", "a\\tb\\nc\\rd\\x00e")]
    [InlineData("del\u007f c1\u0085\u009b", "del\\x7f c1\\x85\\x9b")]
    [InlineData("bidi \u202eevil\u202c \u2066iso\u2069 \u200f\u061c", "bidi \\u202eevil\\u202c \\u2066iso\\u2069 \\u200f\\u061c")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    [InlineData("Café, Amélie 😀 \\x1b", "Café, Amélie 😀 \\x1b")]
    [InlineData("", "")]
    public void Escape_Examples(string text, string expected) =>
        Assert.Equal(expected, MessageText.Escape(text));

    [Fact]
    public void Escape_LoneSurrogates_AreEscapedAndPairsKept()
    {
        // Built at run time: attribute arguments cannot hold a lone surrogate.
        var text = "cut " + (char)0xD83C + " end " + (char)0xDC00 + " pair \ud83d\ude00";

        Assert.Equal("cut \\ud83c end \\udc00 pair \ud83d\ude00", MessageText.Escape(text));
    }

    [Fact]
    public void Escape_SafeText_ReturnsTheSameInstance()
    {
        var text = "1::2::3::4 Zoé";

        Assert.Same(text, MessageText.Escape(text));
    }

    /// <summary>Any text without backslashes (which are kept as they are, so only then is the escaping reversible).</summary>
    [Property(MaxTest = 100)]
    public Property Escape_AnyText_LeavesNoUnsafeCharacterAndUnescapesToTheText() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.OneOf(Gen.Choose(0, 0x2FF), Gen.Choose(0x2000, 0x206F), Gen.Choose(0xD800, 0xDFFF), Gen.Choose(0x20, 0x7E))
                .Where(c => c != '\\').Select(c => (char)c)).ToArbitrary(),
            chars =>
            {
                var text = new string(chars);
                var escaped = MessageText.Escape(text);
                MovieLensReaderTests.AssertNoControlCharacters(escaped, "escaped");
                for (var i = 0; i < escaped.Length; i++)
                {
                    if (char.IsHighSurrogate(escaped[i]) && i + 1 < escaped.Length && char.IsLowSurrogate(escaped[i + 1]))
                    {
                        i++;
                    }
                    else
                    {
                        Assert.False(char.IsSurrogate(escaped[i]), $"a lone surrogate at {i} in \"{escaped}\"");
                    }
                }

                return (Unescape(escaped) == text).Label($"\"{escaped}\"");
            });

    [Fact]
    public void Printable_Bytes_EscapesEverythingButPrintableAscii()
    {
        Assert.Equal("\\x93NUMPY\\x01\\x00{'a\\x5c\\x1b", MessageText.Printable([0x93, .. "NUMPY"u8, 1, 0, .. "{'a\\"u8, 0x1B]));
        Assert.Equal("abc...", MessageText.Printable("abcdef"u8, 3));
    }

    private static string Unescape(string escaped)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                text.Append(escaped[i]);
                continue;
            }

            var kind = escaped[++i];
            var digits = kind switch { 'x' => 2, 'u' => 4, _ => 0 };
            text.Append(kind switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                _ => (char)int.Parse(escaped.AsSpan(i + 1, digits), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
            });
            i += digits;
        }

        return text.ToString();
    }
}
