using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    /// <summary>A terminal title escape (ESC ] 0; ... BEL) with a CR and a NUL: raw, it would retitle the terminal and overwrite the line.</summary>
    private const string Hostile = "\u001b]0;pwned\u0007\r\0";

    /// <summary>How <see cref="Hostile"/> must appear in a message.</summary>
    private const string HostileEscaped = "\\x1b]0;pwned\\x07\\r\\x00";

    /// <summary>Each reader, a file whose first line holds <see cref="Hostile"/> in a field the reader rejects.</summary>
    public static TheoryData<string, string, Func<Stream, object>> HostileLines() => new()
    {
        { "ratings u.data", $"1\t2\t{Hostile}\t4\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml100k, "f") },
        { "ratings.dat ml-1m", $"1::2::{Hostile}::4\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml1m, "f") },
        { "ratings.dat ml-10m", $"1::{Hostile}::4.5::4\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml10m, "f") },
        { "ratings.csv", $"userId,movieId,rating,timestamp\n{Hostile},2,3.5,4\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml25m, "f") },
        { "ratings stream", $"1::2::3::{Hostile}\n", s => StreamAll(s, MovieLensRelease.Ml1m) },
        { "ratings stream csv", $"userId,movieId,rating,timestamp\n1,2,{Hostile},4\n", s => StreamAll(s, MovieLensRelease.Ml25m) },
        { "ratings header", $"userId,{Hostile}\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml25m, "f") },
        { "u.item", $"{Hostile}|T|01-Jan-1995||u|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml100k, "f") },
        { "u.item flag", $"1|T|01-Jan-1995||u|{Hostile}|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml100k, "f") },
        { "movies.dat", $"{Hostile}::Title (1999)::Drama\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml1m, "f") },
        { "movies.csv", $"movieId,title,genres\n1,\"T\"{Hostile},Drama\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml25m, "f") },
        { "movies.csv header", $"movieId,{Hostile}\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml25m, "f") },
        { "u.user", $"1|{Hostile}|M|writer|12345\n", s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml100k, "f") },
        { "users.dat", $"1::M::25::{Hostile}::12345\n", s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml1m, "f") },
        { "tags.dat", $"1::2::tag {Hostile}::{Hostile}\n", s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml10m, "f") },
        { "tags.csv", $"userId,movieId,tag,timestamp\n1,{Hostile},tag,4\n", s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml25m, "f") },
        { "links.csv", $"movieId,imdbId,tmdbId\n1,{Hostile},3\n", s => MovieLensReader.ReadLinks(s, "f") },
    };

    [Theory]
    [MemberData(nameof(HostileLines))]
    public void Readers_ControlCharactersInBadLine_AreEscapedInTheMessage(string file, string text, Func<Stream, object> read)
    {
        var error = Assert.Throws<InvalidDataException>(() => read(new MemoryStream(Utf8.GetBytes(text))));

        AssertNoControlCharacters(error.Message, file);
        Assert.Contains(HostileEscaped, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_C1ControlInLatin1Line_IsEscaped()
    {
        // 0x9B is the one-byte CSI of some terminals; ml-1m files are Latin-1, so it decodes to U+009B.
        byte[] bytes = [.. "1::2::"u8, 0x9B, .. "31m::4\n"u8];

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadRatings(new MemoryStream(bytes), MovieLensRelease.Ml1m, "ratings.dat"));

        AssertNoControlCharacters(error.Message, "ratings.dat");
        Assert.Contains("rating \"\\x9b31m\"", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Line text: \"1::2::\\x9b31m::4\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadMovies_BidiOverrideInUtf8Line_IsEscaped()
    {
        var text = "movieId,title,genres\n1,\"Good \u202Edab\u202C\" x,Drama\n";

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadMovies(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml25m, "movies.csv"));

        AssertNoControlCharacters(error.Message, "movies.csv");
        Assert.Contains("Good \\u202edab\\u202c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_TabSeparatedBadLine_ShowsTabsEscaped()
    {
        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadRatings(new MemoryStream("1\t2\t9\t4\n"u8.ToArray()), MovieLensRelease.Ml100k, "u.data"));

        Assert.Equal("u.data, line 1: rating \"9\" is not one of 1, 2, 3, 4, 5 (whole stars in ml-100k and ml-1m). Line text: \"1\\t2\\t9\\t4\"", error.Message);
    }

    [Fact]
    public void ReadRatings_ControlCharactersInDisplayName_AreEscaped()
    {
        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadRatings(new MemoryStream("x\n"u8.ToArray()), MovieLensRelease.Ml1m, "evil\u001b[2J.dat"));

        AssertNoControlCharacters(error.Message, "display name");
        Assert.StartsWith("evil\\x1b[2J.dat, line 1: ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>No C0 or C1 control, DEL, bidi control or line separator: nothing a terminal acts on.</summary>
    internal static void AssertNoControlCharacters(string message, string what)
    {
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            var unsafeChar = c < 0x20 || c is >= '\u007F' and <= '\u009F' || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029'
                || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
            Assert.False(unsafeChar, $"{what}: U+{(int)c:X4} at {i} in the message \"{message}\"");
        }
    }

    private static int StreamAll(Stream stream, MovieLensRelease release)
    {
        using var reader = new RatingsReader(stream, release, "f");
        var count = 0;
        while (reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }
}
