using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

/// <summary>
/// <see cref="MovieTitleIndex"/> when no title fits whole: beginnings of titles and subtitles, the ranking of
/// candidates and suggestions, and the messages. Invented titles, then the real ml-1m and ml-100k lists.
/// </summary>
public sealed class MovieTitleIndexSearchTests
{
    private static readonly Movie[] s_movies =
    [
        M(1, "Galaxy Quarrels: Episode IV - A Fresh Hope (1977)"),
        M(2, "Galaxy Quarrels: Episode V - The Empire Hits Back (1980)"),
        M(3, "Galaxy Quarrels: Episode VI - Return of the Knight (1983)"),
        M(4, "Galaxy Quarrels: Episode I - The Phantom Nuisance (1999)"),
        M(5, "Galaxies and Barrels (1988)"),
        M(6, "Matrix, The (1999)"),
        M(7, "Matrix Reloaded, The (2003)"),
        M(8, "Toy Tale (1995)"),
        M(9, "Toy Tale 2 (1999)"),
        M(10, "Space Trek: Generations (1994)"),
        M(11, "Space Trek II: The Wrath (1982)"),
        M(12, "Lost Valley: Dino Park, The (1997)"),
        M(13, "Dino Park (1993)"),
        M(14, "Velvet Harbour (Port de velours, Le) (1961)"),
    ];

    private static readonly MovieTitleIndex s_index = new(s_movies);

    // A franchise, a title with it as subtitle, one that holds it, and a look-alike that the edit distance favours.
    private static readonly Movie[] s_raiders =
    [
        M(40, "Moon Raiders Returns (1990)"),
        M(41, "Moon Raiders Forever (1985)"),
        M(42, "Moon Raiders Rising (1985)"),
        M(43, "Moon Raiders Revenge (1985)"),
        M(44, "Lunar Saga: Moon Raiders (1979)"),
        M(45, "Moons and Raiders (1988)"),
        M(46, "Return of the Moon Raiders (1995)"),
        M(47, "Harbour Lights (1970)"),
    ];

    [Fact]
    public void Find_BeginningOfSeveralTitles_ThrowsAmbiguousListingThem()
    {
        var error = Assert.Throws<AmbiguousMovieTitleException>(() => s_index.Find("galaxy quarrels"));

        Assert.Equal("galaxy quarrels", error.Title);
        Assert.Equal([1, 2, 3, 4], error.Candidates.Select(m => m.Id).Order());
        Assert.Contains("'galaxy quarrels'", error.Message, StringComparison.Ordinal);
        foreach (var movie in s_movies[..4])
        {
            Assert.Contains(movie.Title, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Galaxies and Barrels", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("galaxy quarrels: episode iv", 1)]
    [InlineData("Galaxy Quarrels Episode V", 2)]
    [InlineData("galaxy quarrels - episode vi (1983)", 3)]
    [InlineData("space trek ii", 11)]
    [InlineData("the lost valley", 12)]
    [InlineData("lost valley", 12)]
    [InlineData("velvet", 14)]
    [InlineData("port de", 14)]
    public void Find_WholeWordBeginningOfOneTitle_FindsIt(string title, int id) =>
        Assert.Equal(id, s_index.Find(title).Id);

    [Theory]
    [InlineData("a fresh hope", 1)]
    [InlineData("Fresh Hope", 1)]
    [InlineData("the empire hits back", 2)]
    [InlineData("empire hits back (1980)", 2)]
    [InlineData("episode i", 4)]
    [InlineData("generations", 10)]
    [InlineData("the wrath", 11)]
    public void Find_Subtitle_FindsItsMovie(string title, int id) =>
        Assert.Equal(id, s_index.Find(title).Id);

    [Fact]
    public void Find_WholeTitles_StillWinOverLongerTitlesTheyBegin()
    {
        Assert.Equal(6, s_index.Find("matrix").Id);
        Assert.Equal(6, s_index.Find("The Matrix").Id);
        Assert.Equal(7, s_index.Find("matrix reloaded").Id);
        Assert.Equal(8, s_index.Find("toy tale").Id);
        Assert.Equal(9, s_index.Find("toy tale 2").Id);
        Assert.Equal(13, s_index.Find("dino park").Id);
    }

    [Theory]
    [InlineData("galaxy quarrel")]
    [InlineData("galaxy quarrels: episode")]
    [InlineData("space")]
    public void Find_PartialLastWordOrSeveralBeginnings_DoesNotResolve(string title) =>
        Assert.False(s_index.TryFind(title, out _));

    [Fact]
    public void Find_PartialLastWord_SuggestsTheTitlesItBegins()
    {
        var error = Assert.Throws<MovieNotFoundException>(() => s_index.Find("galaxy quarrel"));
        Assert.Equal([1, 2, 3, 4], error.Suggestions.Take(4).Select(m => m.Id).Order());
    }

    [Fact]
    public void Find_BeginningWithAWrongYear_IsNotFoundAndSuggestsTheNearestYearFirst()
    {
        Assert.Equal(4, s_index.Find("galaxy quarrels (1999)").Id);
        var error = Assert.Throws<MovieNotFoundException>(() => s_index.Find("galaxy quarrels (1998)"));
        Assert.Equal([4, 3, 2, 1], error.Suggestions.Take(4).Select(m => m.Id));

        // "Toy Tale" and "Dino Park" are whole titles of other years: the wrong year is reported, not mended by a
        // longer title or a subtitle of that year, which the suggestions put first.
        var toy = Assert.Throws<MovieNotFoundException>(() => s_index.Find("toy tale (1999)"));
        Assert.Equal([9, 8], toy.Suggestions.Take(2).Select(m => m.Id));
        var dino = Assert.Throws<MovieNotFoundException>(() => s_index.Find("dino park (1997)"));
        Assert.Equal([12, 13], dino.Suggestions.Take(2).Select(m => m.Id));
    }

    [Fact]
    public void FindAll_Candidates_TitlesBeforeSubtitlesThenShorterThenYearThenId()
    {
        var index = new MovieTitleIndex(s_raiders);

        Assert.Equal([42, 41, 43, 40, 44], index.FindAll("moon raiders").Select(m => m.Id));
        var error = Assert.Throws<AmbiguousMovieTitleException>(() => index.Find("Moon Raiders"));
        Assert.Equal([42, 41, 43, 40, 44], error.Candidates.Select(m => m.Id));
    }

    [Fact]
    public void Suggest_BeginningsThenContainingTitlesThenEditDistance()
    {
        var index = new MovieTitleIndex(s_raiders);

        // The look-alike "Moons and Raiders" is the closest by edit distance, yet comes after every real candidate.
        Assert.Equal([42, 41, 43, 40, 44, 46, 45], index.Suggest("moon raiders", 7).Select(m => m.Id));
        Assert.Equal(45, index.Suggest("moons and raiderz", 1)[0].Id);
    }

    [Fact]
    public void Suggest_SameListInAnotherOrder_GivesTheSameAnswer()
    {
        var reversed = new MovieTitleIndex(s_raiders.Reverse());
        var index = new MovieTitleIndex(s_raiders);

        foreach (var query in new[] { "moon raiders", "raiders", "moon raider", "harbor", "lunar saga (1980)" })
        {
            Assert.Equal(index.Suggest(query, 8), reversed.Suggest(query, 8));
            Assert.Equal(index.FindAll(query), reversed.FindAll(query));
        }
    }

    [Theory]
    [InlineData("Synthetic Movie 12")]
    [InlineData("synthetic movei 7 (1990)")]
    [InlineData("movie")]
    public void Suggest_FewOrMany_AgreeOnTheOrder(string query)
    {
        var index = new MovieTitleIndex(SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(25, 300, 1000)).Movies);

        var all = index.Suggest(query, 300);

        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Select(m => m.Id).Distinct().Count());
        Assert.Equal(all.Take(5), index.Suggest(query));
        Assert.Equal(all.Take(64), index.Suggest(query, 64));
        Assert.Equal(all.Take(65), index.Suggest(query, 65));
    }

    [Fact]
    public void Find_ExactTitleOfSeveralMovies_ListsThemByYearThenId()
    {
        Movie[] movies = [M(30, "Hamlet (1996)"), M(20, "Hamlet (1948)"), M(10, "Hamlet (1990)"), M(5, "Hamlet")];
        var error = Assert.Throws<AmbiguousMovieTitleException>(() => new MovieTitleIndex(movies).Find("hamlet"));
        Assert.Equal([20, 10, 30, 5], error.Candidates.Select(m => m.Id));
    }

    [Fact]
    public void Find_ManyCandidates_MessageListsTenAndCountsTheRest()
    {
        var movies = Enumerable.Range(1, 12).Select(i => M(i, $"Moon Base {i} ({1980 + i})")).ToArray();
        var error = Assert.Throws<AmbiguousMovieTitleException>(() => new MovieTitleIndex(movies).Find("moon base"));

        Assert.Equal(12, error.Candidates.Count);
        Assert.Contains("fits 12 movies", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Moon Base 9 (1989)'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'Moon Base 12 (1992)'", error.Message, StringComparison.Ordinal);
        Assert.Contains(" and 2 more.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_ControlCharacters_AreEscapedInMessages()
    {
        var notFound = Assert.Throws<MovieNotFoundException>(() => s_index.Find("toy\u001b[2Jstory"));
        Assert.Equal("toy\u001b[2Jstory", notFound.Title);
        Assert.Contains("'toy\\x1b[2Jstory'", notFound.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', notFound.Message);

        var index = new MovieTitleIndex([M(1, "Evil \u202Eeliw Twin (2001)"), M(2, "Evil Twin Returns (2003)")]);
        var ambiguous = Assert.Throws<AmbiguousMovieTitleException>(() => index.Find("evil\u0007"));
        Assert.Contains("'evil\\x07'", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("Evil \\u202eeliw Twin (2001)", ambiguous.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', ambiguous.Message);
        Assert.DoesNotContain('\u0007', ambiguous.Message);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries) })]
    public bool Find_EveryTitle_IsFoundByItselfAndWithoutItsYearUnlessShared(TitleCatalog catalog)
    {
        var entries = catalog.Entries();
        var index = new MovieTitleIndex(entries.Select(e => e.Movie));
        foreach (var (movie, spec) in entries)
        {
            if (index.Find(movie.Title.ToUpperInvariant()).Id != movie.Id || index.Find(movie.Title.ToLowerInvariant()).Id != movie.Id)
            {
                return false;
            }

            var sharing = entries.Where(e => string.Equals(e.Spec.Body, spec.Body, StringComparison.OrdinalIgnoreCase)).Select(e => e.Movie.Id).Order();
            if (!index.FindAll(spec.Body).Select(m => m.Id).Order().SequenceEqual(sharing))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries) })]
    public bool Suggest_FewEqualTheFirstOfAll_ForMisspelledTitlesAndJunk(TitleCatalog catalog, int seed)
    {
        // A short list skips the movies that cannot beat its last entry and stops edit distances at that entry's;
        // the whole list (never full before its end) computes everything. The first k must agree.
        var entries = catalog.Entries();
        var index = new MovieTitleIndex(entries.Select(e => e.Movie));
        var random = new Random(seed);
        var queries = new List<string> { "", "x", new string('q', 300) };
        foreach (var (movie, spec) in entries)
        {
            var body = spec.Body;
            var at = random.Next(body.Length);
            queries.Add(body.Remove(at, 1));
            queries.Add(body[..at] + (char)('a' + random.Next(26)) + body[at..]);
            queries.Add(string.Join(' ', body.Split(' ').Reverse()) + " " + movie.Title);
            queries.Add(new string([.. Enumerable.Range(0, random.Next(1, 160)).Select(_ => "abcdefghij klmnop,:-'"[random.Next(21)])]));
        }

        foreach (var query in queries)
        {
            var all = index.Suggest(query, 1_000_000);
            foreach (var k in new[] { 1, 2, 5, 9 })
            {
                if (!index.Suggest(query, k).SequenceEqual(all.Take(k)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries) })]
    public bool FindAll_BeginningsOfTitlesAndSubtitles_FitTheSpecification(TitleCatalog catalog)
    {
        var entries = catalog.Entries();
        var index = new MovieTitleIndex(entries.Select(e => e.Movie));
        var reversed = new MovieTitleIndex(entries.Select(e => e.Movie).Reverse());
        foreach (var query in Beginnings(entries))
        {
            var (expected, exact) = Expected(entries, query);
            var found = index.FindAll(query).Select(m => m.Id).ToArray();
            if (!found.SequenceEqual(expected) || !reversed.FindAll(query).Select(m => m.Id).SequenceEqual(expected)
                || index.TryFind(query, out var one) != (expected.Length == 1) || (one is not null && one.Id != expected[0]))
            {
                return false;
            }

            // Without a year, the movies a query begins open its suggestions, in the same order.
            if (!exact && !index.Suggest(query, expected.Length).Select(m => m.Id).SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mStarWars_IsAmbiguousAndListsEveryStarWarsTitle()
    {
        var movies = ReadMovies("ml-1m");
        var index = new MovieTitleIndex(movies);
        var starWars = movies.Where(m => m.Title.StartsWith("Star Wars", StringComparison.OrdinalIgnoreCase)).Select(m => m.Id).Order().ToArray();

        var error = Assert.Throws<AmbiguousMovieTitleException>(() => index.Find("star wars"));

        Assert.True(starWars.Length >= 2, "ml-1m lists several Star Wars titles.");
        Assert.Equal(starWars, error.Candidates.Select(m => m.Id).Order());
        Assert.Equal(starWars, index.Suggest("star wars", starWars.Length).Select(m => m.Id).Order());
        Assert.Contains("'star wars'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Stars and Bars", error.Message, StringComparison.Ordinal);
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mStarTrekAndSubtitles_ResolveOrListTheFranchise()
    {
        var movies = ReadMovies("ml-1m");
        var index = new MovieTitleIndex(movies);
        var starTrek = movies.Where(m => m.Title.StartsWith("Star Trek", StringComparison.OrdinalIgnoreCase)).Select(m => m.Id).Order();

        Assert.Equal(starTrek, Assert.Throws<AmbiguousMovieTitleException>(() => index.Find("star trek")).Candidates.Select(m => m.Id).Order());
        Assert.Equal("Star Wars: Episode V - The Empire Strikes Back (1980)", index.Find("the empire strikes back").Title);
        Assert.Equal("Star Wars: Episode IV - A New Hope (1977)", index.Find("star wars: episode iv").Title);
        Assert.Equal("Star Trek: First Contact (1996)", index.Find("first contact").Title);
    }

    [RealDataTheory("ml-1m")]
    [InlineData("matrix", "Matrix, The (1999)")]
    [InlineData("The Matrix", "Matrix, The (1999)")]
    [InlineData("toy story", "Toy Story (1995)")]
    [InlineData("alien", "Alien (1979)")]
    [InlineData("jurassic park", "Jurassic Park (1993)")]
    public void Find_Ml1mWholeTitles_StillWinOverLongerTitlesTheyBegin(string title, string expected) =>
        Assert.Equal(expected, new MovieTitleIndex(ReadMovies("ml-1m")).Find(title).Title);

    [RealDataFact("ml-1m")]
    public void Find_Ml1mTutorialFavourites_ResolveAsBefore()
    {
        var index = AssertTutorialFavouritesResolve("ml-1m");
        Assert.Equal("Matrix, The (1999)", index.Find("matrix, the (1999)").Title);
    }

    [RealDataFact("ml-100k")]
    public void Find_Ml100kTutorialFavourites_ResolveAsBefore()
    {
        // The quick start's fifth favourite, The Matrix, is not in ml-100k (which ends in 1998).
        var index = AssertTutorialFavouritesResolve("ml-100k");
        Assert.False(index.TryFind("matrix, the (1999)", out _));
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mTypo_SuggestsTheRightTitleFirst()
    {
        var error = Assert.Throws<MovieNotFoundException>(() => new MovieTitleIndex(ReadMovies("ml-1m")).Find("jurasic park"));
        Assert.Equal("Jurassic Park (1993)", error.Suggestions[0].Title);
    }

    [RealDataFact("ml-100k")]
    public void Find_Ml100kStarWars_IsTheOneTitledSo()
    {
        var index = new MovieTitleIndex(ReadMovies("ml-100k"));

        Assert.Equal("Star Wars (1977)", index.Find("star wars").Title);
        Assert.Equal("Empire Strikes Back, The (1980)", index.Find("empire strikes back").Title);
        Assert.Throws<AmbiguousMovieTitleException>(() => index.Find("star trek"));
    }

    [RealDataFact("ml-1m")]
    public void Find_Ml1mEveryTitleWithoutItsYear_FitsItsMovie()
    {
        var movies = ReadMovies("ml-1m");
        var index = new MovieTitleIndex(movies);
        foreach (var movie in movies)
        {
            var body = movie.Title[..movie.Title.LastIndexOf('(')];
            Assert.Contains(movie, index.FindAll(body));
        }
    }

    private static MovieTitleIndex AssertTutorialFavouritesResolve(string release)
    {
        var index = new MovieTitleIndex(ReadMovies(release));
        (string Query, string Title)[] favourites =
        [
            ("jurassic park (1993)", "Jurassic Park (1993)"),
            ("men in black (1997)", "Men in Black (1997)"),
            ("terminator 2: judgment day (1991)", "Terminator 2: Judgment Day (1991)"),
            ("terminator, the (1984)", "Terminator, The (1984)"),
            ("alien (1979)", "Alien (1979)"),
        ];

        foreach (var (query, title) in favourites)
        {
            Assert.Equal(title, index.Find(query).Title);
        }

        var matches = index.Match(favourites.Select(f => f.Query));
        Assert.Equal(favourites.Select(f => f.Title), matches.Found.Select(m => m.Title));
        Assert.Empty(matches.Unresolved);
        return index;
    }

    private static List<string> Beginnings(IReadOnlyList<(Movie Movie, TitleSpec Spec)> entries)
    {
        var queries = new List<string>();
        foreach (var (_, spec) in entries)
        {
            var words = spec.Words.Select(w => w.ToLowerInvariant()).ToArray();
            for (var k = 1; k <= words.Length; k++)
            {
                queries.Add(string.Join(' ', words[..k]));
                if (spec.SubtitleAt > 0 && k > spec.SubtitleAt)
                {
                    queries.Add(string.Join(' ', words[spec.SubtitleAt..k]));
                }
            }
        }

        return [.. queries.Distinct()];
    }

    /// <summary>
    /// What <see cref="MovieTitleIndex.FindAll"/> must give for lower-case words, from the rules: a title spelled so
    /// (no punctuation, no article) first, then one with these words, then every movie whose words or subtitle begin
    /// with them (titles before subtitles, shorter, earlier, smaller id).
    /// </summary>
    private static (int[] Ids, bool Exact) Expected(IReadOnlyList<(Movie Movie, TitleSpec Spec)> entries, string query)
    {
        var strict = entries.Where(e => e.Spec.SubtitleAt == 0 && !e.Spec.Article && e.Spec.LowerWords == query).ToArray();
        var exact = strict.Length > 0 ? strict : [.. entries.Where(e => e.Spec.LowerWords == query)];
        if (exact.Length > 0)
        {
            return ([.. exact.OrderBy(e => e.Spec.Year).ThenBy(e => e.Movie.Id).Select(e => e.Movie.Id)], true);
        }

        var beginnings = new List<(int Subtitle, int Length, int Year, int Id)>();
        foreach (var (movie, spec) in entries)
        {
            if (BeginsWith(spec.LowerWords, query))
            {
                beginnings.Add((0, spec.LowerWords.Length, spec.Year, movie.Id));
            }
            else if (spec.SubtitleWords is { } subtitle && BeginsWith(subtitle, query))
            {
                beginnings.Add((1, subtitle.Length, spec.Year, movie.Id));
            }
        }

        return ([.. beginnings.Order().Select(b => b.Id)], false);
    }

    private static bool BeginsWith(string words, string query) =>
        words.StartsWith(query, StringComparison.Ordinal) && (words.Length == query.Length || words[query.Length] == ' ');

    private static IReadOnlyList<Movie> ReadMovies(string release) =>
        MovieLensReader.ReadMovies(
            Path.Combine(TestData.Release(release)!, release == "ml-100k" ? "u.item" : "movies.dat"),
            release == "ml-100k" ? MovieLensRelease.Ml100k : MovieLensRelease.Ml1m);

    private static Movie M(int id, string title) => new(id, title, null, []);
}
