using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    [Fact]
    public void ReadUsers_Ml100k_ReadsFields()
    {
        var users = MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes("1|24|M|technician|85711\n2|53|F|other|T8H1N\n")), MovieLensRelease.Ml100k, "u.user");

        Assert.Equal(new MovieLensUser(1, 24, "M", "technician", "85711"), users[0]);
        Assert.Equal(new MovieLensUser(2, 53, "F", "other", "T8H1N"), users[1]);
    }

    [Fact]
    public void ReadUsers_Ml1m_TranslatesOccupationCodes()
    {
        var users = MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes("1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::0::55117\n4::M::45::20::02460")), MovieLensRelease.Ml1m, "users.dat");

        Assert.Equal(new MovieLensUser(1, 1, "F", "K-12 student", "48067"), users[0]);
        Assert.Equal("self-employed", users[1].Occupation);
        Assert.Equal("other", users[2].Occupation);
        Assert.Equal("writer", users[3].Occupation);
        Assert.Equal("02460", users[3].ZipCode);
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml1m, "1::F::1::21::48067\n", "occupation code 21")]
    [InlineData(MovieLensRelease.Ml1m, "1::F::1::10\n", "expected 5 fields")]
    [InlineData(MovieLensRelease.Ml1m, "1::::1::10::48067\n", "the gender is empty")]
    [InlineData(MovieLensRelease.Ml100k, "1|x|M|technician|85711\n", "age \"x\"")]
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
        var text = "15::4973::excellent!::1215184630\n20::1747::a::b::c::1188263880\n21::1::Zoé::5\n";

        var tags = MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml10m, "tags.dat");

        Assert.Equal(new MovieTag(15, 4973, "excellent!", 1215184630), tags[0]);
        Assert.Equal(new MovieTag(20, 1747, "a::b::c", 1188263880), tags[1]);
        Assert.Equal("Zoé", tags[2].Text);
    }

    [Fact]
    public void ReadTags_Csv_HandlesQuotedCommasAndQuotes()
    {
        var text = "userId,movieId,tag,timestamp\n2,60756,funny,1445714994\n2,89774,\"Tom Hardy, \"\"Mad\"\" Max\",1445715205\n3,1,日本,1\n";

        var tags = MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml25m, "tags.csv");

        Assert.Equal(3, tags.Count);
        Assert.Equal("Tom Hardy, \"Mad\" Max", tags[1].Text);
        Assert.Equal(1445715205, tags[1].Timestamp);
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
        var text = "movieId,imdbId,tmdbId\n1,0114709,862\n791,0113610,\n";

        var links = MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes(text)), "links.csv");

        Assert.Equal(new MovieLink(1, 114709, 862), links[0]);
        Assert.Equal(new MovieLink(791, 113610, null), links[1]);
    }

    [Fact]
    public void ReadLinks_BadImdbId_Throws()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes("movieId,imdbId,tmdbId\n1,tt0114709,862\n")), "links.csv"));

        Assert.StartsWith("links.csv, line 2: IMDb id \"tt0114709\"", error.Message, StringComparison.Ordinal);
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
