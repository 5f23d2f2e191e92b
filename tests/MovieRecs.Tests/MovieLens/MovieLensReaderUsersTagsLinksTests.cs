using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    [Fact]
    public void ReadUsers_Ml100k_ReadsFields()
    {
        var users = MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes("7|33|M|technician|12345\n8|44|F|other|A1B2C\n")), MovieLensRelease.Ml100k, "u.user");

        Assert.Equal(new MovieLensUser(7, 33, "M", "technician", "12345"), users[0]);
        Assert.Equal(new MovieLensUser(8, 44, "F", "other", "A1B2C"), users[1]);
    }

    [Fact]
    public void ReadUsers_Ml1m_TranslatesOccupationCodes()
    {
        var users = MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes("7::F::1::10::12345\n8::M::56::16::54321\n9::M::25::0::67890\n10::M::45::20::01234")), MovieLensRelease.Ml1m, "users.dat");

        Assert.Equal(new MovieLensUser(7, 1, "F", "K-12 student", "12345"), users[0]);
        Assert.Equal("self-employed", users[1].Occupation);
        Assert.Equal("other", users[2].Occupation);
        Assert.Equal("writer", users[3].Occupation);
        Assert.Equal("01234", users[3].ZipCode);
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml1m, "7::F::1::21::12345\n", "occupation code 21")]
    [InlineData(MovieLensRelease.Ml1m, "7::F::1::10\n", "expected 5 fields")]
    [InlineData(MovieLensRelease.Ml1m, "7::::1::10::12345\n", "the gender is empty")]
    [InlineData(MovieLensRelease.Ml100k, "7|x|M|technician|12345\n", "age \"x\"")]
    public void ReadUsers_Malformed_Throws(MovieLensRelease release, string text, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes(text)), release, "users"));

        Assert.StartsWith("users, line 1: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUsers_ReleaseWithoutUsers_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => MovieLensReader.ReadUsers(new MemoryStream(), MovieLensRelease.Ml25m, "x"));

        Assert.Equal("release", error.ParamName);
    }

    [Fact]
    public void ReadTags_Ml10m_KeepsDoubleColonsInsideTags()
    {
        var text = "7::4242::superb!::1000000007\n8::4243::a::b::c::1000000008\n21::1::Zoé::5\n";

        var tags = MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml10m, "tags.dat");

        Assert.Equal(new MovieTag(7, 4242, "superb!", 1000000007), tags[0]);
        Assert.Equal(new MovieTag(8, 4243, "a::b::c", 1000000008), tags[1]);
        Assert.Equal("Zoé", tags[2].Text);
    }

    [Fact]
    public void ReadTags_Csv_HandlesQuotedCommasAndQuotes()
    {
        var text = "userId,movieId,tag,timestamp\n7,4242,funny,1000000007\n7,4243,\"Jane Doe, \"\"Odd\"\" Tag\",1000000008\n3,1,日本,1\n";

        var tags = MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml25m, "tags.csv");

        Assert.Equal(3, tags.Count);
        Assert.Equal("Jane Doe, \"Odd\" Tag", tags[1].Text);
        Assert.Equal(1000000008, tags[1].Timestamp);
        Assert.Equal("日本", tags[2].Text);
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,tag,timestamp\n1,2,tag,notatime\n", 2, "timestamp \"notatime\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,tag,timestamp\n1,2,a,b,3\n", 2, "expected 4 fields")]
    [InlineData(MovieLensRelease.Ml10m, "1::2::3\n", 1, "expected 4 fields")]
    public void ReadTags_Malformed_Throws(MovieLensRelease release, string text, int line, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), release, "tags"));

        Assert.StartsWith($"tags, line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTags_ReleaseWithoutTags_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MovieLensReader.ReadTags(new MemoryStream(), MovieLensRelease.Ml1m, "x"));
    }

    [Fact]
    public void ReadLinks_EmptyTmdbId_IsNull()
    {
        var text = "movieId,imdbId,tmdbId\n7,0001234,4321\n8,0005678,\n";

        var links = MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes(text)), "links.csv");

        Assert.Equal(new MovieLink(7, 1234, 4321), links[0]);
        Assert.Equal(new MovieLink(8, 5678, null), links[1]);
    }

    [Fact]
    public void ReadLinks_BadImdbId_Throws()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes("movieId,imdbId,tmdbId\n7,tt0001234,4321\n")), "links.csv"));

        Assert.StartsWith("links.csv, line 2: IMDb id \"tt0001234\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTags_LongUtf8BadLine_MessageShows200CharactersDecoded()
    {
        var tag = new string('é', 300);

        var error = Assert.Throws<InvalidDataException>(() =>
            MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes($"1::2::{tag}::x\n")), MovieLensRelease.Ml10m, "tags.dat"));

        Assert.EndsWith($"Line text: \"1::2::{tag[..194]}...\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTags_LineLongerThanTheInitialBuffer_IsRead()
    {
        var tag = new string('t', 300_000);

        var read = Assert.Single(MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes($"userId,movieId,tag,timestamp\n1,2,\"{tag}\",3")), MovieLensRelease.Ml20m, "tags.csv"));

        Assert.Equal(tag, read.Text);
        Assert.Equal(3, read.Timestamp);
    }
}
