using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

public class InteractionMatrixTests
{
    private static RatingsTable Table(params (int User, int Movie, float Rating)[] rows) =>
        new(rows.Select(r => r.User).ToArray(), rows.Select(r => r.Movie).ToArray(), rows.Select(r => r.Rating).ToArray(), new long[rows.Length]);

    [Fact]
    public void Build_KeepsRatingsAtOrAboveThreshold_WithRatingAsValue()
    {
        var table = Table((7, 100, 5f), (7, 200, 2f), (3, 200, 3f), (9, 300, 1f));
        var m = InteractionMatrix.Build(table);
        Assert.Equal([3, 7], m.Users.ToArray()); // user 9 has nothing >= 3
        Assert.Equal([100, 200], m.Items.ToArray()); // movie 300 has nothing >= 3
        Assert.Equal(2, m.UserItems.NonZeroCount);
        Assert.Equal(5f, m.UserItems[m.Users.IndexOf(7), m.Items.IndexOf(100)]);
        Assert.Equal(3f, m.UserItems[m.Users.IndexOf(3), m.Items.IndexOf(200)]);
        Assert.Equal(0f, m.UserItems[m.Users.IndexOf(7), m.Items.IndexOf(200)]);
    }

    [Fact]
    public void Build_BinaryAndLog_TransformValues()
    {
        var table = Table((1, 1, 4f), (1, 2, 3f));
        Assert.Equal([1f, 1f], InteractionMatrix.Build(table, new InteractionOptions { Value = InteractionValue.Binary }).UserItems.GetValues(0).ToArray());
        Assert.Equal(MathF.Log(5f), InteractionMatrix.Build(table, new InteractionOptions { Value = InteractionValue.LogRating }).UserItems.GetValues(0)[0]);
    }

    [Fact]
    public void Build_Duplicates_FollowOption()
    {
        var table = Table((1, 1, 4f), (1, 1, 5f));
        Assert.Equal(9f, InteractionMatrix.Build(table).UserItems[0, 0]);
        Assert.Equal(5f, InteractionMatrix.Build(table, new InteractionOptions { Duplicates = DuplicateHandling.Max }).UserItems[0, 0]);
    }

    [Fact]
    public void Build_WithMovies_GivesEveryMovieAColumn()
    {
        var table = Table((1, 20, 4f));
        Movie[] movies = [new(10, "A (2000)", 2000, []), new(20, "B (2001)", 2001, []), new(30, "C", null, [])];
        var m = InteractionMatrix.Build(table, movies: movies);
        Assert.Equal([10, 20, 30], m.Items.ToArray());
        Assert.Equal(3, m.UserItems.ColumnCount);
        Assert.Equal([1], m.UserItems.GetColumnIndices(0).ToArray());
    }

    [Fact]
    public void Build_BadOptions_Throw()
    {
        var table = Table((1, 1, 4f));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => InteractionMatrix.Build(table, new InteractionOptions { MinRating = float.NaN }));
        Assert.Equal("MinRating", ex.ParamName);
    }

    [Fact]
    public void AppendUser_AddsRow_WithoutDisturbingIndexes()
    {
        var table = Table((1, 10, 4f), (2, 20, 5f), (2, 30, 3f));
        var m = InteractionMatrix.Build(table);
        var grown = m.AppendUser(m.NextUserId, [30, 10, 20], [5f, 5f, 1f]);
        Assert.Equal(3, grown.NextUserId - 1);
        Assert.Equal(2, grown.Users.IndexOf(3));
        Assert.Equal(m.Items.ToArray(), grown.Items.ToArray());
        for (var u = 0; u < m.UserItems.RowCount; u++)
        {
            Assert.Equal(m.UserItems.GetColumnIndices(u).ToArray(), grown.UserItems.GetColumnIndices(u).ToArray());
        }

        // The rating of 1 is below the threshold and ignored, as at build time.
        Assert.Equal([m.Items.IndexOf(10), m.Items.IndexOf(30)], grown.UserItems.GetColumnIndices(2).ToArray());
        Assert.Equal(2, m.UserItems.RowCount);
    }

    [Fact]
    public void AppendUser_UnknownMovieOrTakenId_ThrowsAndAddsNothing()
    {
        var m = InteractionMatrix.Build(Table((1, 10, 4f)));
        var ex = Assert.Throws<KeyNotFoundException>(() => m.AppendUser(2, [10, 99], [5f, 5f]));
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => m.AppendUser(1, [10], [5f]));
        Assert.Equal(1, m.UserItems.RowCount);
    }

    [Fact]
    public void AppendUser_ByName_TakesTheNextIdAndIsFoundByName()
    {
        var m = InteractionMatrix.Build(Table((1, 10, 4f), (7, 20, 5f), (7, 30, 3f)));

        var withYong = m.AppendUser("yong", [30, 10], [5f, 5f]);
        var withBoth = withYong.AppendUser(9, [20], [4f]).AppendUser("Yong", [20], [5f]);

        Assert.Equal(2, withYong.RowOf("yong"));
        Assert.Equal(m.NextUserId, withYong.Users[2]);
        Assert.Equal(8, withYong.Users[2]);
        Assert.Equal([m.Items.IndexOf(10), m.Items.IndexOf(30)], withYong.UserItems.GetColumnIndices(2).ToArray());
        Assert.Equal(2, withBoth.RowOf("yong"));
        Assert.Equal(4, withBoth.RowOf("Yong"));          // names compare ordinally
        Assert.Equal([1, 7, 8, 9, 10], withBoth.Users.ToArray());
        Assert.Throws<KeyNotFoundException>(() => m.RowOf("yong"));
        Assert.Equal(2, m.UserItems.RowCount);
    }

    [Fact]
    public void AppendUser_ByName_GivesTheRowAnIdAppendWouldGive()
    {
        var m = InteractionMatrix.Build(Table((1, 10, 4f), (2, 20, 5f), (2, 30, 3f)), new InteractionOptions { Value = InteractionValue.LogRating });

        var byName = m.AppendUser("yong", [30, 10, 20], [5f, 4f, 1f]);
        var byId = m.AppendUser(m.NextUserId, [30, 10, 20], [5f, 4f, 1f]);

        Assert.Equal(byId.Users.ToArray(), byName.Users.ToArray());
        Assert.Equal(byId.UserItems.ToDense(), byName.UserItems.ToDense());
        Assert.Equal(byId.Users.IndexOf(byId.NextUserId - 1), byName.RowOf("yong"));
    }

    [Fact]
    public void AppendUser_ByName_RejectsBlankAndTakenNames_NamingThemEscaped()
    {
        var m = InteractionMatrix.Build(Table((1, 10, 4f))).AppendUser("yong\u001b[2J", [10], [5f]);

        Assert.Throws<ArgumentNullException>("userName", () => m.AppendUser((string)null!, [10], [5f]));
        Assert.Throws<ArgumentException>("userName", () => m.AppendUser(string.Empty, [10], [5f]));
        Assert.Throws<ArgumentException>("userName", () => m.AppendUser(" \t", [10], [5f]));
        var taken = Assert.Throws<ArgumentException>("userName", () => m.AppendUser("yong\u001b[2J", [10], [5f]));
        Assert.Contains("'yong\\x1b[2J' is already taken (row 1)", taken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', taken.Message);
        var unknown = Assert.Throws<KeyNotFoundException>(() => m.RowOf("bob\u0007"));
        Assert.Contains("'bob\\x07'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("userName", () => m.RowOf(null!));
        Assert.Throws<ArgumentException>("ratings", () => m.AppendUser("ann", [10], []));
        Assert.Throws<KeyNotFoundException>(() => m.AppendUser("ann", [99], [5f]));
        Assert.Equal(2, m.UserItems.RowCount);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public bool Build_EqualsDirectDefinition(RatingRows ratings)
    {
        var rows = ratings.Lines.Select(l => (l.User, l.Movie, l.Rating)).ToArray();
        var m = InteractionMatrix.Build(Table(rows));
        var kept = rows.Where(r => r.Item3 >= 3f).ToArray();
        var users = kept.Select(r => r.Item1).Distinct().Order().ToArray();
        var movies = kept.Select(r => r.Item2).Distinct().Order().ToArray();
        if (!m.Users.Keys.SequenceEqual(users) || !m.Items.Keys.SequenceEqual(movies))
        {
            return false;
        }

        var dense = new float[users.Length, movies.Length];
        foreach (var (u, i, r) in kept)
        {
            dense[Array.IndexOf(users, u), Array.IndexOf(movies, i)] += r;
        }

        return Sparse.CsrMatrixPropertyTests.DenseEqual(dense, m.UserItems.ToDense());
    }

    [Fact]
    public void AppendUser_FromTitles_ResolvesHumanSpelling_AndRejectsTypos()
    {
        Movie[] movies = [new(1, "Matrix, The (1999)", 1999, []), new(2, "Men in Black (1997)", 1997, []), new(3, "Alien (1979)", 1979, [])];
        var m = InteractionMatrix.Build(Table((10, 1, 4f), (10, 2, 4f), (11, 3, 5f)), movies: movies);
        var titles = new MovieTitleIndex(movies);
        var grown = m.AppendUser(12, titles, ["the matrix (1999)", "men in black (1997)"]);
        Assert.Equal([m.Items.IndexOf(1), m.Items.IndexOf(2)], grown.UserItems.GetColumnIndices(2).ToArray());
        Assert.Equal([5f, 5f], grown.UserItems.GetValues(2).ToArray());
        var ex = Assert.Throws<MovieNotFoundException>(() => m.AppendUser(12, titles, ["Men in Blak (1997)"]));
        Assert.Contains("Men in Black (1997)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, m.UserItems.RowCount);
    }
}
