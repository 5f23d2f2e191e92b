using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary><see cref="MovieTitleIndex.Match"/> and the <see cref="TitleMatches"/> it gives.</summary>
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
}
