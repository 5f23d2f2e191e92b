using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary>Checks against the real GroupLens files (read in place, never copied); skipped when they are absent.</summary>
public class MovieLensReaderRealDataTests
{
    private static string Ml100k => TestData.Release("ml-100k")!;

    private static string Ml1m => TestData.Release("ml-1m")!;

    [RealDataFact("ml-100k")]
    public void ReadRatings_Ml100kUData_HasPublishedCounts()
    {
        var table = MovieLensReader.ReadRatings(Path.Combine(Ml100k, "u.data"), MovieLensRelease.Ml100k);

        Assert.Equal(100_000, table.Count);
        Assert.Equal(943, new HashSet<int>(table.UserIds.ToArray()).Count);
        Assert.Equal(1_682, new HashSet<int>(table.MovieIds.ToArray()).Count);
        foreach (var rating in table.Ratings)
        {
            Assert.True(rating is 1 or 2 or 3 or 4 or 5, $"rating {rating}");
        }
    }

    [RealDataFact("ml-100k")]
    public void ReadMl100kSplit_U1_BaseAndTestAddUpToUData()
    {
        var (train, test) = MovieLensReader.ReadMl100kSplit(Ml100k, "u1");

        Assert.Equal(100_000, train.Count + test.Count);
        Assert.True(test.Count > 0 && train.Count > test.Count);
    }

    [RealDataFact("ml-100k")]
    public void ReadMl100kSplit_U1_IsTheSameMultisetAsUData()
    {
        var all = MovieLensReader.ReadRatings(Path.Combine(Ml100k, "u.data"), MovieLensRelease.Ml100k);
        var (train, test) = MovieLensReader.ReadMl100kSplit(Ml100k, "u1");

        static IEnumerable<(int, int, float, long)> Rows(RatingsTable t)
        {
            for (var i = 0; i < t.Count; i++)
            {
                yield return (t.UserIds[i], t.MovieIds[i], t.Ratings[i], t.Timestamps[i]);
            }
        }

        Assert.Equal(Rows(all).Order(), Rows(train).Concat(Rows(test)).Order());
    }

    [RealDataFact("ml-100k")]
    public void ReadMovies_Ml100kUItem_Has1682MoviesAndDecodesLatin1()
    {
        var movies = MovieLensReader.ReadMovies(Path.Combine(Ml100k, "u.item"), MovieLensRelease.Ml100k);

        Assert.Equal(1_682, movies.Count);
        Assert.Contains(movies, m => m.Title == "Misérables, Les (1995)" && m.Year == 1995);
        Assert.DoesNotContain(movies, m => m.Title.Contains('\uFFFD', StringComparison.Ordinal));
        var toyStory = movies.Single(m => m.Id == 1);
        Assert.Equal("Toy Story (1995)", toyStory.Title);
        Assert.Equal(new[] { "Animation", "Children's", "Comedy" }, toyStory.Genres);
    }

    [RealDataFact("ml-100k")]
    public void ReadUsers_Ml100kUUser_Has943Users()
    {
        var users = MovieLensReader.ReadUsers(Path.Combine(Ml100k, "u.user"), MovieLensRelease.Ml100k);

        Assert.Equal(943, users.Count);
        Assert.All(users, u => Assert.True(u.Gender is "M" or "F"));
        Assert.Equal(943, users.Select(u => u.Id).Distinct().Count());
    }

    [RealDataFact("ml-100k")]
    public void ReadGenres_Ml100kUGenre_MatchesTheBuiltInList()
    {
        var genres = MovieLensReader.ReadGenres(Path.Combine(Ml100k, "u.genre"));

        Assert.Equal(MovieLensReader.DefaultMl100kGenres, genres);
    }

    [RealDataFact("ml-100k")]
    public void DetectRelease_Ml100kFolder_IsMl100k()
    {
        Assert.Equal(MovieLensRelease.Ml100k, MovieLensReader.DetectRelease(Ml100k));
    }

    [RealDataFact("ml-100k")]
    public void Load_Ml100kFolder_ReadsRatingsMoviesAndUsers()
    {
        var dataset = MovieLensDataset.Load(Ml100k);

        Assert.Equal(MovieLensRelease.Ml100k, dataset.Release);
        Assert.Equal(100_000, dataset.Ratings.Count);
        Assert.Equal(1_682, dataset.Movies.Count);
        Assert.Equal(943, dataset.Users.Count);
    }

    [RealDataFact("ml-1m")]
    public void ReadMovies_Ml1mMoviesDat_Has3883MoviesAndDecodesLatin1()
    {
        var movies = MovieLensReader.ReadMovies(Path.Combine(Ml1m, "movies.dat"), MovieLensRelease.Ml1m);

        Assert.Equal(3_883, movies.Count);
        var miserables = movies.Single(m => m.Id == 73);
        Assert.Equal("Misérables, Les (1995)", miserables.Title);
        Assert.Equal(1995, miserables.Year);
        Assert.Equal(new[] { "Drama", "Musical" }, miserables.Genres);
        Assert.Equal("Alien³ (1992)", movies.Single(m => m.Id == 1320).Title);
        Assert.All(movies, m => Assert.NotNull(m.Year));
    }

    [RealDataFact("ml-1m")]
    public void ReadUsers_Ml1mUsersDat_Has6040Users()
    {
        var users = MovieLensReader.ReadUsers(Path.Combine(Ml1m, "users.dat"), MovieLensRelease.Ml1m);

        Assert.Equal(6_040, users.Count);
        Assert.All(users, u => Assert.Contains(u.Age, new[] { 1, 18, 25, 35, 45, 50, 56 }));
        var first = users[0];
        Assert.Equal(1, first.Id);
        Assert.Equal("F", first.Gender);
        Assert.Equal("K-12 student", first.Occupation);
    }

    [RealDataFact("ml-1m")]
    public void DetectRelease_Ml1mFolder_IsMl1m()
    {
        Assert.Equal(MovieLensRelease.Ml1m, MovieLensReader.DetectRelease(Ml1m));
    }
}
