using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    private const string GenreFlags = "|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0";

    [Theory]
    [InlineData(MovieLensRelease.Ml100k, "1|A (1995)|01-Jan-1995||u" + GenreFlags + "\n2|B (1995)|01-Jan-1995||u" + GenreFlags + "\n\n1|C (1996)|01-Jan-1996||u" + GenreFlags + "\n", 4, 1)]
    [InlineData(MovieLensRelease.Ml1m, "1::A (1995)::Drama\n2::B (1995)::Drama\n1::C (1996)::Comedy\n", 3, 1)]
    [InlineData(MovieLensRelease.Ml10m, "7::A (1995)::Drama\n8::B (1995)::Drama\n9::C (1996)::Comedy\n8::D (1997)::Comedy\n", 4, 2)]
    [InlineData(MovieLensRelease.Ml25m, "movieId,title,genres\n1,A (1995),Drama\n2,\"B, The (1995)\",Drama\n2,C (1996),Comedy\n", 4, 3)]
    public void ReadMovies_DuplicateMovieId_ThrowsNamingBothLines(MovieLensRelease release, string text, int line, int firstLine)
    {
        var id = text.Split('\n')[line - 1].Split(release switch { MovieLensRelease.Ml100k => "|", MovieLensRelease.Ml25m => ",", _ => "::" })[0];

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadMovies(new MemoryStream(Latin1.GetBytes(text)), release, "movies"));

        Assert.Equal($"movies, line {line}: movie id {id} was already defined on line {firstLine}. Line text: \"{text.Split('\n')[line - 1]}\"", error.Message);
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml100k, "1|24|M|technician|85711\n2|53|F|other|94043\n2|23|M|writer|32067\n", 3, 2)]
    [InlineData(MovieLensRelease.Ml1m, "5::F::1::10::48067\n6::M::56::16::70072\n\n5::M::25::15::55117\n", 4, 1)]
    public void ReadUsers_DuplicateUserId_ThrowsNamingBothLines(MovieLensRelease release, string text, int line, int firstLine)
    {
        var id = text.Split('\n')[line - 1].Split(release == MovieLensRelease.Ml100k ? "|" : "::")[0];

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadUsers(new MemoryStream(Latin1.GetBytes(text)), release, "users"));

        Assert.Equal($"users, line {line}: user id {id} was already defined on line {firstLine}. Line text: \"{text.Split('\n')[line - 1]}\"", error.Message);
    }

    [Fact]
    public void ReadLinks_DuplicateMovieId_ThrowsNamingBothLines()
    {
        var text = "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113497,8844\n1,0113228,15602\n";

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes(text)), "links.csv"));

        Assert.Equal("links.csv, line 4: movie id 1 was already defined on line 2. Line text: \"1,0113228,15602\"", error.Message);
    }

    [Fact]
    public void ReadLinks_SameImdbOrTmdbIdOnTwoMovies_IsAccepted()
    {
        // Real links.csv files give a few movies the same TMDB id; only the movie id is a key.
        var text = "movieId,imdbId,tmdbId\n1,0114709,862\n2,0114709,862\n3,0113228,\n4,0113229,\n";

        var links = MovieLensReader.ReadLinks(new MemoryStream(Utf8.GetBytes(text)), "links.csv");

        Assert.Equal(4, links.Count);
    }

    [Fact]
    public void ReadTags_RepeatedUserAndMovie_AreAccepted()
    {
        // A user tags a movie many times: tags have no key.
        var text = "userId,movieId,tag,timestamp\n1,2,funny,3\n1,2,funny,4\n1,2,dark,5\n";

        Assert.Equal(3, MovieLensReader.ReadTags(new MemoryStream(Utf8.GetBytes(text)), MovieLensRelease.Ml25m, "tags.csv").Count);
    }

    [Fact]
    public void MovieLensDataset_DuplicateMovieInFolder_ThrowsNamingTheFile()
    {
        using var folder = new ReaderTempFolder();
        folder.Write("ratings.dat", "1::1::5::978300760\n", Latin1);
        var movies = folder.Write("movies.dat", "1::A (1995)::Drama\n1::A (1995)::Drama\n", Latin1);

        var error = Assert.Throws<InvalidDataException>(() => MovieLensDataset.Load(folder.Path));

        Assert.StartsWith($"{movies}, line 2: movie id 1 was already defined on line 1.", error.Message, StringComparison.Ordinal);
    }
}
