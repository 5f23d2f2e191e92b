using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public sealed class MovieTests
{
    [Fact]
    public void ToString_ShowsTheGenresJoined()
    {
        var movie = new Movie(1, "Toy Story (1995)", 1995, ["Animation", "Children's", "Comedy"]);

        Assert.Equal("Movie { Id = 1, Title = Toy Story (1995), Year = 1995, Genres = Animation|Children's|Comedy }", movie.ToString());
    }

    [Fact]
    public void ToString_NoYearNoGenres_LeavesThemEmpty()
    {
        Assert.Equal("Movie { Id = 7, Title = Untitled, Year = , Genres =  }", new Movie(7, "Untitled", null, []).ToString());
        Assert.DoesNotContain("System.", new Movie(7, "Untitled", null, null!).ToString(), StringComparison.Ordinal);
    }
}
