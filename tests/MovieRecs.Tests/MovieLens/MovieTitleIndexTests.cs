using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

public sealed class MovieTitleIndexTests
{
    private static readonly Movie[] s_movies =
    [
        M(1, "Toy Story (1995)"),
        M(2, "Matrix, The (1999)"),
        M(3, "Men in Black (1997)"),
        M(4, "Terminator, The (1984)"),
        M(5, "Terminator 2: Judgment Day (1991)"),
        M(6, "City of Lost Children, The (Cité des enfants perdus, La) (1995)"),
        M(7, "Hamlet (1948)"),
        M(8, "Hamlet (1990)"),
        M(9, "Hamlet (1996)"),
        M(10, "Misérables, Les (1995)"),
        M(11, "Haine, La (1995)"),
        M(12, "Boot, Das (1981)"),
        M(13, "Postino, Il (1994)"),
        M(14, "Mariachi, El (1992)"),
        M(15, "Appartement, L' (1996)"),
        M(16, "Bug's Life, A (1998)"),
        M(17, "Toy Story 2 (1999)"),
        M(18, "Seven (Se7en) (1995)"),
        M(19, "Jurassic Park (1993)"),
        M(20, "Olvidados, Los (1950)"),
        M(21, "Blechtrommel, Die (1979)"),
        M(22, "Untitled"),
    ];

    private static readonly MovieTitleIndex s_index = new(s_movies);

    [Theory]
    [InlineData("the matrix (1999)")]
    [InlineData("Matrix, The (1999)")]
    [InlineData("matrix, the (1999)")]
    [InlineData("The Matrix")]
    [InlineData("matrix")]
    [InlineData("  THE   matrix   (1999) ")]
    public void Find_ArticleConventions_FindTheMatrix(string title) =>
        Assert.Equal(2, s_index.Find(title).Id);

    [Theory]
    [InlineData("Les Misérables (1995)", 10)]
    [InlineData("les miserables", 10)]
    [InlineData("LA HAINE", 11)]
    [InlineData("Das Boot (1981)", 12)]
    [InlineData("il postino", 13)]
    [InlineData("El Mariachi", 14)]
    [InlineData("L'Appartement (1996)", 15)]
    [InlineData("l’appartement", 15)]
    [InlineData("A Bug's Life", 16)]
    [InlineData("bugs life", 16)]
    [InlineData("los olvidados", 20)]
    [InlineData("Die Blechtrommel", 21)]
    [InlineData("Untitled", 22)]
    public void Find_ForeignArticlesAndDiacritics_FindTheMovie(string title, int id) =>
        Assert.Equal(id, s_index.Find(title).Id);

    [Theory]
    [InlineData("Men in Black (1997)")]
    [InlineData("men in black (1997)")]
    [InlineData("MEN IN BLACK")]
    public void Find_TutorialCaseMismatch_FindsTheSameMovie(string title) =>
        Assert.Equal(3, s_index.Find(title).Id);

    [Theory]
    [InlineData("City of Lost Children, The (Cité des enfants perdus, La) (1995)")]
    [InlineData("the city of lost children (1995)")]
    [InlineData("City of Lost Children")]
    [InlineData("La Cité des enfants perdus")]
    [InlineData("cite des enfants perdus (1995)")]
    public void Find_AlternativeTitles_FindTheMovie(string title) =>
        Assert.Equal(6, s_index.Find(title).Id);

    [Fact]
    public void Find_MissingYear_FindsTheOnlyMovie()
    {
        Assert.Equal(1, s_index.Find("Toy Story").Id);
        Assert.Equal(17, s_index.Find("toy story 2").Id);
        Assert.Equal(18, s_index.Find("se7en").Id);
    }

    [Fact]
    public void Find_PunctuationLeftOut_FindsTheMovie() =>
        Assert.Equal(5, s_index.Find("terminator 2 judgment day").Id);

    [Fact]
    public void Find_SharedTitleWithoutYear_ThrowsListingTheMoviesWithYears()
    {
        var error = Assert.Throws<AmbiguousMovieTitleException>(() => s_index.Find("hamlet"));

        Assert.Equal([7, 8, 9], error.Candidates.Select(m => m.Id));
        Assert.Contains("1948", error.Message, StringComparison.Ordinal);
        Assert.Contains("1990", error.Message, StringComparison.Ordinal);
        Assert.Contains("1996", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, s_index.Find("Hamlet (1990)").Id);
    }

    [Fact]
    public void Find_UnknownTitle_ThrowsWithTheClosestTitles()
    {
        var error = Assert.Throws<MovieNotFoundException>(() => s_index.Find("Termnator 2 (1991)"));

        Assert.IsAssignableFrom<KeyNotFoundException>(error);
        Assert.Equal("Termnator 2 (1991)", error.Title);
        Assert.Equal(5, error.Suggestions.Count);
        Assert.Equal(5, error.Suggestions[0].Id);
        Assert.Contains("Terminator 2: Judgment Day (1991)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_WrongYear_ThrowsAndSuggestsTheRightOne()
    {
        var error = Assert.Throws<MovieNotFoundException>(() => s_index.Find("Jurassic Park (1994)"));
        Assert.Equal(19, error.Suggestions[0].Id);
    }

    [Fact]
    public void Find_GuardClauses_Throw()
    {
        Assert.Throws<ArgumentNullException>("title", () => s_index.Find(null!));
        Assert.Throws<ArgumentException>("title", () => s_index.Find("  "));
        Assert.Throws<ArgumentNullException>("title", () => s_index.TryFind(null!, out _));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => s_index.Suggest("x", -1));
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("movies", () => new MovieTitleIndex(null!));
        Assert.Throws<ArgumentException>("movies", () => new MovieTitleIndex([s_movies[0], null!]));
    }

    [Fact]
    public void TryFind_UnknownOrAmbiguous_ReturnsFalse()
    {
        Assert.False(s_index.TryFind("Hamlet", out var ambiguous));
        Assert.Null(ambiguous);
        Assert.False(s_index.TryFind("No Such Movie (2001)", out _));
        Assert.False(s_index.TryFind("", out _));
        Assert.True(s_index.TryFind("jurassic park (1993)", out var found));
        Assert.Equal(19, found.Id);
    }

    [Fact]
    public void FindAll_ReturnsEveryFittingMovie()
    {
        Assert.Equal(3, s_index.FindAll("HAMLET").Count);
        Assert.Empty(s_index.FindAll("Vertigo"));
        Assert.Single(s_index.FindAll("Hamlet (1996)"));
    }

    [Fact]
    public void Find_EmptyIndex_ThrowsWithoutSuggestions()
    {
        var empty = new MovieTitleIndex([]);
        var error = Assert.Throws<MovieNotFoundException>(() => empty.Find("Toy Story"));
        Assert.Empty(error.Suggestions);
        Assert.Equal(0, empty.Count);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public bool Find_AnySyntheticTitleSpelledAnyCase_FindsItsMovie(MovieTitles titles, bool upper, bool dropYear)
    {
        var movies = titles.Movies;
        var index = new MovieTitleIndex(movies);
        foreach (var movie in movies)
        {
            var query = upper ? movie.Title.ToUpperInvariant() : movie.Title.ToLowerInvariant();
            if (dropYear)
            {
                query = query[..query.LastIndexOf('(')];
            }

            if (index.Find(" " + query.Replace(" ", "  ", StringComparison.Ordinal)).Id != movie.Id)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void Find_SyntheticDataSetMovies_AreAllFoundByTitle()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(25, 300, 1000));
        var index = new MovieTitleIndex(data.Movies);

        foreach (var movie in data.Movies)
        {
            Assert.Same(movie, index.Find(movie.Title.ToLowerInvariant()));
        }

        var error = Assert.Throws<MovieNotFoundException>(() => index.Find("Synthetic Movei 123"));
        Assert.Equal(123, error.Suggestions[0].Id);
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mTutorialFavourites_AllResolve()
    {
        var index = new MovieTitleIndex(ReadMl1mMovies());

        Assert.Equal("Jurassic Park (1993)", index.Find("jurassic park (1993)").Title);
        Assert.Equal("Men in Black (1997)", index.Find("men in black (1997)").Title);
        Assert.Equal("Terminator 2: Judgment Day (1991)", index.Find("terminator 2: judgment day (1991)").Title);
        Assert.Equal("Terminator, The (1984)", index.Find("terminator, the (1984)").Title);
        Assert.Equal("Matrix, The (1999)", index.Find("matrix, the (1999)").Title);
        Assert.Equal("Matrix, The (1999)", index.Find("The Matrix").Title);
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mMisspelledTitle_SuggestsTheRightOne()
    {
        var index = new MovieTitleIndex(ReadMl1mMovies());

        var error = Assert.Throws<MovieNotFoundException>(() => index.Find("jurasic prk (1993)"));
        Assert.Equal("Jurassic Park (1993)", error.Suggestions[0].Title);
        var other = Assert.Throws<MovieNotFoundException>(() => index.Find("Termintor 2: Judgement Day"));
        Assert.Equal("Terminator 2: Judgment Day (1991)", other.Suggestions[0].Title);
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mEveryTitle_FindsItsOwnMovie()
    {
        var movies = ReadMl1mMovies();
        var index = new MovieTitleIndex(movies);

        foreach (var movie in movies)
        {
            Assert.Equal(movie.Id, index.Find(movie.Title.ToUpperInvariant()).Id);
        }
    }

    private static List<Movie> ReadMl1mMovies() =>
        File.ReadLines(Path.Combine(TestData.Release("ml-1m")!, "movies.dat"), Encoding.Latin1)
            .Select(line => line.Split("::"))
            .Select(f => new Movie(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], null, f[2].Split('|')))
            .ToList();

    private static Movie M(int id, string title) => new(id, title, null, []);
}
