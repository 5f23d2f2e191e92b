using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.MovieLens;

public class ModelDataCheckTests
{
    private static readonly float[] MinRatings = [0.5f, 1f, 3f, 4f, 5f];

    /// <summary>Up to 40 ratings of users 1..8 and movies 1..10, in half stars; shrinks by dropping ratings.</summary>
    private static Arbitrary<(int User, int Movie, float Rating)[]> Ratings { get; } = Arb.From(
        from count in Gen.Choose(0, 40)
        from ratings in Gen.ArrayOf(
            from user in Gen.Choose(1, 8)
            from movie in Gen.Choose(1, 10)
            from halves in Gen.Choose(1, 10)
            select (user, movie, halves / 2f),
            count)
        select ratings,
        ratings => Enumerable.Range(0, ratings.Length).Select(drop => ratings.Where((_, i) => i != drop).ToArray()));

    private static Arbitrary<int> MinRatingIndex { get; } = Arb.From(Gen.Choose(0, MinRatings.Length - 1));

    [Property(MaxTest = 100)]
    public Property ThrowIfMismatched_ModelTrainedOnTheRatingsAtAnyMinRating_Passes() =>
        Prop.ForAll(Ratings, MinRatingIndex, (ratings, minIndex) =>
        {
            var table = Table(ratings);
            var interactions = InteractionMatrix.Build(table, new InteractionOptions { MinRating = MinRatings[minIndex] });
            if (interactions.Users.Count == 0)
            {
                return true.ToProperty(); // nothing kept: no model to check
            }

            var error = Record.Exception(() => ModelDataCheck.ThrowIfMismatched(Content(interactions), Movies(10), table, "data"));
            return (error is null).Label(error?.Message ?? "");
        });

    [Property(MaxTest = 100)]
    public Property ThrowIfMismatched_ModelLackingATopRatedUser_Throws() =>
        Prop.ForAll(Ratings, MinRatingIndex, (ratings, minIndex) =>
        {
            var table = Table(ratings);
            var interactions = InteractionMatrix.Build(table, new InteractionOptions { MinRating = MinRatings[minIndex] });
            if (interactions.Users.Count < 2)
            {
                return true.ToProperty();
            }

            // Drop a user whose highest rating is the highest of all: any model trained on these ratings has them.
            var top = ratings.Max(r => r.Rating);
            var dropped = ratings.First(r => r.Rating == top).User;
            var users = IdIndex.Create(interactions.Users.Where(u => u != dropped));
            var content = new ModelFileContent(Model(users.Count, interactions.Items.Count), users, interactions.Items);

            var error = Record.Exception(() => ModelDataCheck.ThrowIfMismatched(content, Movies(10), table, "data"));
            return (error is InvalidDataException && error.Message.Contains($"user {dropped}", StringComparison.Ordinal))
                .Label($"dropped user {dropped}: {error?.Message ?? "no error"}");
        });

    [Fact]
    public void ThrowIfMismatched_ColumnsForTheWholeMovieList_Pass()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(60, 80, 1500) with { Seed = 2 });
        var interactions = InteractionMatrix.Build(data.Ratings, movies: data.Movies);

        ModelDataCheck.ThrowIfMismatched(Content(interactions), data.Movies, data.Ratings, "data");
        ModelDataCheck.ThrowIfMismatched(Content(interactions), data.Movies, null, "data");
    }

    [Fact]
    public void ThrowIfMismatched_ModelOfALargerRelease_NamesItsUsersWithoutRatings()
    {
        var small = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(50, 40, 1000) with { Seed = 1 });
        var large = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(80, 40, 2000) with { Seed = 1 });
        var model = Content(InteractionMatrix.Build(large.Ratings));

        var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(model, small.Movies, small.Ratings, "small"));

        Assert.Matches(@"^The model's 80 users include 30 without ratings in small \(users 51, 52, 53, \.\.\.\): was the model trained on another release\?$", error.Message);
    }

    [Fact]
    public void ThrowIfMismatched_ModelOfASmallerRelease_NamesTheUsersItLacks()
    {
        var small = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(50, 40, 1000) with { Seed = 1 });
        var large = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(80, 40, 2000) with { Seed = 1 });
        var model = Content(InteractionMatrix.Build(small.Ratings));

        var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(model, large.Movies, large.Ratings, "large"));

        Assert.StartsWith("large has 30 users that the model lacks, with ratings as high as those of the users it has (users 51, 52, 53, ...)", error.Message, StringComparison.Ordinal);
        // The movie list alone cannot tell: the ids are the same.
        ModelDataCheck.ThrowIfMismatched(model, large.Movies, null, "large");
    }

    [Fact]
    public void ThrowIfMismatched_MoviesNotInTheList_SaysHowManyAndWhich()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(30, 20, 600) with { Seed = 4 });
        var interactions = InteractionMatrix.Build(data.Ratings);
        var fewer = data.Movies.Where(m => m.Id > 3).ToList();
        var missing = interactions.Items.Count(id => id <= 3);
        Assert.True(missing > 0);

        var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(Content(interactions), fewer, null, "other"));

        var ids = string.Join(", ", interactions.Items.Where(id => id <= 3));
        Assert.Equal(
            $"The model's {interactions.Items.Count} movies include {missing} that {(missing == 1 ? "is" : "are")} not in other ({(missing == 1 ? "movie" : "movies")} {ids}): was the model trained on another release?",
            error.Message);
    }

    [Fact]
    public void ThrowIfMismatched_RatedMovieTheModelLacks_Throws()
    {
        var table = Table([(1, 1, 5f), (1, 2, 4f), (2, 1, 4f), (2, 3, 5f)]);
        var users = IdIndex.Create([1, 2]);
        var items = IdIndex.Create([1, 2]); // movie 3, rated 5, is missing
        var content = new ModelFileContent(Model(2, 2), users, items);

        var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(content, Movies(3), table, "d"));

        Assert.Equal("d has 1 movie that the model lacks, with ratings as high as those of the movies it has (movie 3): was the model trained on another release?", error.Message);
    }

    [Fact]
    public void ThrowIfMismatched_WithoutUserIds_ChecksTheMovies()
    {
        var table = Table([(1, 1, 5f), (2, 2, 5f)]);
        var content = new ModelFileContent(Model(2, 2), null, IdIndex.Create([1, 2]));

        ModelDataCheck.ThrowIfMismatched(content, Movies(2), table, "d");
        Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(content, Movies(1), table, "d"));
    }

    [Fact]
    public void ThrowIfMismatched_NoMovieIds_SaysTheModelCannotBeMatched()
    {
        var content = new ModelFileContent(Model(2, 2), IdIndex.Create([1, 2]), null);

        var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(content, Movies(2), null, "d"));

        Assert.StartsWith("The model holds no movie ids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfMismatched_Dataset_NamesItsFolder()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-check-");
        try
        {
            var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(40, 30, 900) with { Seed = 6 });
            data.WriteMl1mFiles(folder.FullName);
            var dataset = MovieLensDataset.Load(folder.FullName);
            var interactions = InteractionMatrix.Build(dataset.Ratings);
            ModelDataCheck.ThrowIfMismatched(Content(interactions), dataset);

            var users = IdIndex.Create(interactions.Users.Append(1_000_000));
            var extraUser = new ModelFileContent(Model(users.Count, interactions.Items.Count), users, interactions.Items);
            var error = Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(extraUser, dataset));
            Assert.Contains($"without ratings in {folder.FullName} (user 1000000)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ThrowIfMismatched_NullArguments_Throw()
    {
        var content = new ModelFileContent(Model(1, 1), null, IdIndex.Create([1]));
        Assert.Throws<ArgumentNullException>(() => ModelDataCheck.ThrowIfMismatched(null!, Movies(1), null, "d"));
        Assert.Throws<ArgumentNullException>(() => ModelDataCheck.ThrowIfMismatched(content, null!, null, "d"));
        Assert.Throws<ArgumentNullException>(() => ModelDataCheck.ThrowIfMismatched(content, Movies(1), null, null!));
        Assert.Throws<ArgumentNullException>(() => ModelDataCheck.ThrowIfMismatched(content, (MovieLensDataset)null!));
    }

    private static RatingsTable Table((int User, int Movie, float Rating)[] ratings) =>
        new([.. ratings.Select(r => r.User)], [.. ratings.Select(r => r.Movie)], [.. ratings.Select(r => r.Rating)], new long[ratings.Length]);

    private static List<Movie> Movies(int count) =>
        [.. Enumerable.Range(1, count).Select(id => new Movie(id, $"Movie {id} (2000)", 2000, []))];

    private static AlsModel Model(int users, int items) =>
        AlsModel.FromFactors(new AlsOptions { Factors = 1 }, new float[users, 1], new float[items, 1]);

    private static ModelFileContent Content(InteractionMatrix interactions) =>
        new(Model(interactions.Users.Count, interactions.Items.Count), interactions.Users, interactions.Items);
}
