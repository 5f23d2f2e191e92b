using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary>
/// <see cref="MovieTitleIndex.Match"/> and the lenient forms that take its <see cref="TitleMatches"/>:
/// <see cref="InteractionMatrix.AppendUser(int, TitleMatches, float)"/> and
/// <see cref="MovieRecommender.RecommendForTitles(TitleMatches, int, float)"/>.
/// </summary>
public sealed class TitleMatchesTests
{
    private static readonly Movie[] s_movies =
    [
        new(1, "Matrix, The (1999)", 1999, []),
        new(2, "Men in Black (1997)", 1997, []),
        new(3, "Alien (1979)", 1979, []),
        new(4, "Galaxy Quarrels: Episode IV - A Fresh Hope (1977)", 1977, []),
        new(5, "Galaxy Quarrels: Episode V - The Empire Hits Back (1980)", 1980, []),
        new(6, "Jurassic Grove (1993)", 1993, []),
    ];

    private static readonly MovieTitleIndex s_titles = new(s_movies);

    [Fact]
    public void Match_MixedTitles_FoundInOrderAndTheRestExplained()
    {
        var matches = s_titles.Match(["the matrix", "jurasic grve (1993)", "galaxy quarrels", "ALIEN", " ", "matrix, the (1999)", "a fresh hope"]);

        Assert.Equal([1, 3, 1, 4], matches.Found.Select(m => m.Id));
        Assert.Equal(["jurasic grve (1993)", "galaxy quarrels", " "], matches.Unresolved.Select(u => u.Title));

        var typo = matches.Unresolved[0];
        Assert.False(typo.IsAmbiguous);
        Assert.Equal(6, typo.Candidates[0].Id);
        Assert.Equal(Assert.Throws<MovieNotFoundException>(() => s_titles.Find(typo.Title)).Message, typo.ToString());
        Assert.Contains("Did you mean 'Jurassic Grove (1993)'", typo.ToString(), StringComparison.Ordinal);

        var ambiguous = matches.Unresolved[1];
        Assert.True(ambiguous.IsAmbiguous);
        Assert.Equal([4, 5], ambiguous.Candidates.Select(m => m.Id).Order());
        // The exception's message adds the parameter name, as every ArgumentException does.
        Assert.StartsWith(ambiguous.ToString(), Assert.Throws<AmbiguousMovieTitleException>(() => s_titles.Find(ambiguous.Title)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The title 'galaxy quarrels' fits 2 movies", ambiguous.ToString(), StringComparison.Ordinal);

        var blank = matches.Unresolved[2];
        Assert.False(blank.IsAmbiguous);
        Assert.Empty(blank.Candidates);
    }

    [Fact]
    public void Match_EveryTitleKnown_AgreesWithFind()
    {
        string[] titles = ["men in black (1997)", "The Matrix", "empire hits back", "alien (1979)"];

        var matches = s_titles.Match(titles);

        Assert.Empty(matches.Unresolved);
        Assert.Equal(titles.Select(s_titles.Find), matches.Found);
        Assert.Empty(s_titles.Match([]).Found);
    }

    [Fact]
    public void Match_ControlCharacters_AreEscapedInTheText()
    {
        var unresolved = Assert.Single(s_titles.Match(["alien\u001b]0;pwned\u0007 resurrection"]).Unresolved);

        Assert.Contains("\\x1b]0;pwned\\x07", unresolved.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', unresolved.ToString());
    }

    [Fact]
    public void Match_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("titles", () => s_titles.Match(null!));
        var error = Assert.Throws<ArgumentException>("titles", () => s_titles.Match(["alien", null!]));
        Assert.Contains("titles[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendUser_FromMatches_AddsTheFoundMoviesAsTheStrictFormWould()
    {
        var m = Matrix();
        string[] typed = ["the matrix (1999)", "Men in Blak (1997)", "galaxy quarrels", "alien"];

        Assert.Throws<MovieNotFoundException>(() => m.AppendUser(12, s_titles, typed));
        var matches = s_titles.Match(typed);
        var lenient = m.AppendUser(12, matches);
        var strict = m.AppendUser(12, s_titles, ["the matrix (1999)", "alien"]);

        Assert.Equal(m.UserItems.RowCount + 1, lenient.UserItems.RowCount);
        Assert.Equal([m.Items.IndexOf(1), m.Items.IndexOf(3)], lenient.UserItems.GetColumnIndices(2).ToArray());
        Assert.Equal(strict.UserItems.GetColumnIndices(2).ToArray(), lenient.UserItems.GetColumnIndices(2).ToArray());
        Assert.Equal(strict.UserItems.GetValues(2).ToArray(), lenient.UserItems.GetValues(2).ToArray());
        Assert.Equal([4f, 4f], m.AppendUser(12, matches, 4f).UserItems.GetValues(2).ToArray());
        Assert.Equal(2, matches.Unresolved.Count);
    }

    [Fact]
    public void AppendUser_FromMatchesWithNothingFound_AddsAnEmptyRow()
    {
        var m = Matrix();

        var grown = m.AppendUser(12, s_titles.Match(["No Such Film (1901)"]));

        Assert.Equal(3, grown.UserItems.RowCount);
        Assert.Equal(0, grown.UserItems.GetColumnIndices(2).Length);
        Assert.Equal(12, grown.Users[2]);
    }

    [Fact]
    public void AppendUser_FromMatches_GuardsLikeTheOtherForms()
    {
        var m = Matrix();
        var matches = s_titles.Match(["alien"]);

        Assert.Throws<ArgumentNullException>("favourites", () => m.AppendUser(12, (TitleMatches)null!));
        Assert.Throws<ArgumentException>("userId", () => m.AppendUser(10, matches));
        Assert.Throws<ArgumentException>("ratings", () => m.AppendUser(12, matches, float.NaN));
        var withoutColumns = InteractionMatrix.Build(Table((10, 1, 4f)));
        Assert.Throws<KeyNotFoundException>(() => withoutColumns.AppendUser(12, matches));
    }

    [Fact]
    public void RecommendForTitles_FromMatches_RecommendsFromTheFoundTitles()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(200, 80, 4000) with { Seed = 5 });
        var interactions = InteractionMatrix.Build(data.Ratings, movies: data.Movies);
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 3, Seed = 1 }).Fit(interactions.UserItems);
        var recommender = new MovieRecommender(model, interactions, data.Movies);
        string[] known = [data.Movies[1].Title, data.Movies[2].Title];

        var liked = recommender.Titles.Match([known[0], "No Such Film (1901)", known[1], known[0].ToUpperInvariant()]);
        var result = recommender.RecommendForTitles(liked, 5);

        Assert.Equal("No Such Film (1901)", Assert.Single(liked.Unresolved).Title);
        Assert.Equal(recommender.RecommendForTitles(known, 5), result);
        Assert.DoesNotContain(result, r => r.Movie.Id == data.Movies[1].Id || r.Movie.Id == data.Movies[2].Id);
        Assert.Throws<ArgumentNullException>("likedTitles", () => recommender.RecommendForTitles((TitleMatches)null!));
        Assert.Empty(recommender.RecommendForTitles(recommender.Titles.Match(["No Such Film (1901)"])));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => recommender.RecommendForTitles(recommender.Titles.Match(["No Such Film (1901)"]), 0));
    }

    private static InteractionMatrix Matrix() =>
        InteractionMatrix.Build(Table((10, 1, 4f), (10, 2, 4f), (11, 3, 5f)), movies: s_movies);

    private static RatingsTable Table(params (int User, int Movie, float Rating)[] rows) =>
        new(rows.Select(r => r.User).ToArray(), rows.Select(r => r.Movie).ToArray(), rows.Select(r => r.Rating).ToArray(), new long[rows.Length]);
}
