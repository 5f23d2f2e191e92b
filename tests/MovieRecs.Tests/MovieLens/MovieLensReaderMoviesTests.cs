using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private static IReadOnlyList<Movie> Movies(MovieLensRelease release, string text, Encoding encoding) =>
        MovieLensReader.ReadMovies(new MemoryStream(encoding.GetBytes(text)), release, "movies.test");

    private static string Flags(params int[] set) =>
        string.Join("|", Enumerable.Range(0, 19).Select(i => set.Contains(i) ? "1" : "0"));

    [Fact]
    public void ReadMovies_Ml100kLatin1_DecodesAccentsAndGenreFlags()
    {
        var text = $"4242|Crème Brûlée, La (1995)|01-Jan-1995||http://x|{Flags(8, 12)}\n4243|unknown||||{Flags(0)}\n";

        var movies = Movies(MovieLensRelease.Ml100k, text, Latin1);

        Assert.Equal(2, movies.Count);
        Assert.Equal(new Movie(4242, "Crème Brûlée, La (1995)", 1995, movies[0].Genres), movies[0]);
        Assert.Equal(new[] { "Drama", "Musical" }, movies[0].Genres);
        Assert.Equal("unknown", movies[1].Title);
        Assert.Null(movies[1].Year);
        Assert.Equal(new[] { "unknown" }, movies[1].Genres);
    }

    [Fact]
    public void ReadMovies_Ml100kFileWithUGenre_UsesGenreNamesFromTheFolder()
    {
        using var folder = new ReaderTempFolder();
        folder.Write("u.genre", "Alpha|0\nBeta|1\n\n", Latin1);
        var path = folder.Write("u.item", "1|Zoé (2001)|||url|0|1\n", Latin1);

        var movie = Assert.Single(MovieLensReader.ReadMovies(path, MovieLensRelease.Ml100k));

        Assert.Equal("Zoé (2001)", movie.Title);
        Assert.Equal(new[] { "Beta" }, movie.Genres);
    }

    [Theory]
    [InlineData("1|A (1995)|||url|0|0\n", "expected 24 fields")]
    [InlineData("1|A (1995)|||url|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|2\n", "genre flag 19 (Western) is \"2\"")]
    [InlineData("x|A (1995)|||url|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n", "movie id \"x\"")]
    public void ReadMovies_Ml100kMalformed_Throws(string text, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => Movies(MovieLensRelease.Ml100k, text, Latin1));

        Assert.StartsWith("movies.test, line 1: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(text.TrimEnd('\n'), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadMovies_Ml1mLatin1_DecodesAccents()
    {
        var movies = Movies(MovieLensRelease.Ml1m, "4242::Crème Brûlée, La (1995)::Drama|Musical\r\n4243::Cubé³ (1992)::Action|Horror|Sci-Fi|Thriller", Latin1);

        Assert.Equal("Crème Brûlée, La (1995)", movies[0].Title);
        Assert.Equal(new[] { "Drama", "Musical" }, movies[0].Genres);
        Assert.Equal("Cubé³ (1992)", movies[1].Title);
        Assert.Equal(1992, movies[1].Year);
        Assert.Equal(4, movies[1].Genres.Count);
    }

    [Fact]
    public void ReadMovies_Ml10mUtf8_DecodesAccents()
    {
        var movies = Movies(MovieLensRelease.Ml10m, "4242::Crème Brûlée, La (1995)::Drama|Musical\n4243::Winter, Spring, Summer... and Fall (Gyeoul bom yeoreum gaeul) (2003)::Drama\n", Utf8);

        Assert.Equal("Crème Brûlée, La (1995)", movies[0].Title);
        Assert.Equal(2003, movies[1].Year);
    }

    [Fact]
    public void ReadMovies_Ml10mLatin1Copy_FallsBackPerLine()
    {
        var bytes = Latin1.GetBytes("4242::Crème Brûlée, La (1995)::Drama\n").Concat(Utf8.GetBytes("4243::Noël à Paris (2001)::Comedy\n")).ToArray();

        var movies = MovieLensReader.ReadMovies(new MemoryStream(bytes), MovieLensRelease.Ml10m, "mixed");

        Assert.Equal("Crème Brûlée, La (1995)", movies[0].Title);
        Assert.Equal("Noël à Paris (2001)", movies[1].Title);
    }

    [Fact]
    public void ReadMovies_Csv_HandlesQuotingUtf8AndNoGenres()
    {
        var text = "\uFEFFmovieId,title,genres\r\n"
            + "1,Paper Lanterns (1995),Animation|Comedy|Drama|Mystery|Western\r\n"
            + "11,\"Quiet Harbour, The (1995)\",Comedy|Drama|Romance\r\n"
            + "2,\"Dr. \"\"Quoted\"\" Movie (2000)\",Drama\r\n"
            + "3,Élodie (Rêve éveillé d'Élodie  Le) (2001),Drama|Horror\r\n"
            + "4,Babylon 5,(no genres listed)\r\n"
            + "5,Trailing Spaces (1999)  ,\"Action\"\r\n"
            + "\r\n"
            + "6,\"Line\nBreak (2010)\",Drama";

        var movies = Movies(MovieLensRelease.Ml25m, text, Utf8);

        Assert.Equal(7, movies.Count);
        Assert.Equal(5, movies[0].Genres.Count);
        Assert.Equal("Quiet Harbour, The (1995)", movies[1].Title);
        Assert.Equal(1995, movies[1].Year);
        Assert.Equal("Dr. \"Quoted\" Movie (2000)", movies[2].Title);
        Assert.Equal("Élodie (Rêve éveillé d'Élodie  Le) (2001)", movies[3].Title);
        Assert.Equal(2001, movies[3].Year);
        Assert.Null(movies[4].Year);
        Assert.Empty(movies[4].Genres);
        Assert.Equal("Trailing Spaces (1999)  ", movies[5].Title);
        Assert.Equal(1999, movies[5].Year);
        Assert.Equal(new[] { "Action" }, movies[5].Genres);
        Assert.Equal("Line\nBreak (2010)", movies[6].Title);
        Assert.Equal(6, movies[6].Id);
    }

    [Fact]
    public void ReadMovies_CsvQuotedFieldOverSeveralLines_KeepsTheFieldsAroundIt()
    {
        var text = "movieId,title,genres\n7,\"A\n\"\"B\"\",\n\nC, D (2001)\",Drama|War\n8,\"\"\"\nE\"\"\",(no genres listed)\n9,F (2002),Drama\n";

        var movies = Movies(MovieLensRelease.Ml25m, text, Utf8);

        Assert.Equal([7, 8, 9], movies.Select(m => m.Id));
        Assert.Equal("A\n\"B\",\n\nC, D (2001)", movies[0].Title);
        Assert.Equal(2001, movies[0].Year);
        Assert.Equal(["Drama", "War"], movies[0].Genres);
        Assert.Equal("\"\nE\"", movies[1].Title);
        Assert.Empty(movies[1].Genres);
        Assert.Equal("F (2002)", movies[2].Title);
    }

    [Fact]
    public void ReadMovies_CsvQuoteNeverClosedOverManyLines_FailsInLinearTime()
    {
        // Each line of an open quote split the whole record again: 200,000 lines of "" (600 KB) took 5 minutes.
        var text = "movieId,title,genres\n1,\"" + string.Concat(Enumerable.Repeat("\"\"\n", 200_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.Throws<InvalidDataException>(() => Movies(MovieLensRelease.Ml25m, text, Utf8));

        Assert.StartsWith("movies.test, line 2: a quoted field is not closed", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("movieId,title,genres\n1,\"Open quote (1995),Drama\n", 2, "a quoted field is not closed")]
    [InlineData("movieId,title,genres\n1,\"Closed\"x (1995),Drama\n", 2, "unexpected character 'x' after the closing quote")]
    [InlineData("movieId,title,genres\n1,Two,Fields,Too many\n", 2, "expected 3 fields")]
    [InlineData("movieId,title,genres\n1,Only two\n", 2, "expected 3 fields")]
    [InlineData("movieId,title,genres\n1,A (1995),Drama\n1,Cut (19", 3, "the last line has no newline")]
    [InlineData("id,title,genres\n1,A (1995),Drama\n", 1, "expected the CSV header \"movieId,title,genres\"")]
    [InlineData("movieId,title,genres\n-5,A (1995),Drama\n", 2, "movie id \"-5\" is negative")]
    public void ReadMovies_CsvMalformed_ThrowsNamingLine(string text, int line, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => Movies(MovieLensRelease.Ml20m, text, Utf8));

        Assert.StartsWith($"movies.test, line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadMovies_EmptyAndHeaderOnly_GiveNoMovies()
    {
        Assert.Empty(Movies(MovieLensRelease.Ml25m, "", Utf8));
        Assert.Empty(Movies(MovieLensRelease.Ml25m, "movieId,title,genres\n", Utf8));
        Assert.Empty(Movies(MovieLensRelease.Ml1m, "\n\n", Latin1));
    }

    [Fact]
    public void ReadMovies_MissingFile_ThrowsFileNotFoundNamingPath()
    {
        using var folder = new ReaderTempFolder();
        var path = Path.Combine(folder.Path, "movies.dat");

        var error = Assert.Throws<FileNotFoundException>(() => MovieLensReader.ReadMovies(path, MovieLensRelease.Ml1m));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Toy Story (1995)", 1995)]
    [InlineData("Toy Story (1995)   ", 1995)]
    [InlineData("Leaving Las Vegas (1995)\t", 1995)]
    [InlineData("City of Lost Children, The (Cité des enfants perdus, La) (1995)", 1995)]
    [InlineData("Babylon 5", null)]
    [InlineData("", null)]
    [InlineData("(1995)", 1995)]
    [InlineData("Bad (19x5)", null)]
    [InlineData("Range (2006-2007)", null)]
    [InlineData("Short (995)", null)]
    public void ParseYear_TrailingYear_ParsedOrNull(string title, int? year)
    {
        Assert.Equal(year, MovieLensReader.ParseYear(title));
    }

    [Fact]
    public void ReadGenres_OutOfOrder_Throws()
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write("u.genre", "Alpha|0\nBeta|2\n");

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadGenres(path));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadGenres_Stream_GivesTheNamesReadMoviesTakesAndLeavesTheStreamOpen()
    {
        using var genreStream = new MemoryStream(Latin1.GetBytes("Alpha|0\nBêta|1\n\n"));
        var text = $"7|Seven (1995)|01-Jan-1995||http://x|{string.Join("|", "0", "1")}\n";

        var genres = MovieLensReader.ReadGenres(genreStream, "u.genre");
        var movies = MovieLensReader.ReadMovies(new MemoryStream(Latin1.GetBytes(text)), MovieLensRelease.Ml100k, "u.item", genres);

        Assert.Equal(new[] { "Alpha", "Bêta" }, genres);
        Assert.Equal(new[] { "Bêta" }, movies[0].Genres);
        Assert.True(genreStream.CanRead);
    }

    [Fact]
    public void ReadGenres_StreamOutOfOrder_ThrowsNamingTheSourceAndLine()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => MovieLensReader.ReadGenres(new MemoryStream("Alpha|0\nBeta|2\n"u8.ToArray()), "genres.test"));

        Assert.StartsWith("genres.test, line 2: ", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.ReadGenres((Stream)null!, "x"));
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.ReadGenres(new MemoryStream(), null!));
    }

    [Fact]
    public void FileNames_EachRelease_MatchThePublishedLayout()
    {
        Assert.Equal("u.data", MovieLensReader.GetRatingsFileName(MovieLensRelease.Ml100k));
        Assert.Equal("ratings.dat", MovieLensReader.GetRatingsFileName(MovieLensRelease.Ml10m));
        Assert.Equal("ratings.csv", MovieLensReader.GetRatingsFileName(MovieLensRelease.MlLatestSmall));
        Assert.Equal("u.item", MovieLensReader.GetMoviesFileName(MovieLensRelease.Ml100k));
        Assert.Equal("movies.dat", MovieLensReader.GetMoviesFileName(MovieLensRelease.Ml1m));
        Assert.Equal("movies.csv", MovieLensReader.GetMoviesFileName(MovieLensRelease.Ml32m));
        Assert.Equal("users.dat", MovieLensReader.GetUsersFileName(MovieLensRelease.Ml1m));
        Assert.Null(MovieLensReader.GetUsersFileName(MovieLensRelease.Ml10m));
        Assert.Null(MovieLensReader.GetTagsFileName(MovieLensRelease.Ml100k));
        Assert.Equal("tags.dat", MovieLensReader.GetTagsFileName(MovieLensRelease.Ml10m));
        Assert.Equal("tags.csv", MovieLensReader.GetTagsFileName(MovieLensRelease.Ml20m));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovieLensReader.GetRatingsFileName((MovieLensRelease)(-1)));
    }
}
