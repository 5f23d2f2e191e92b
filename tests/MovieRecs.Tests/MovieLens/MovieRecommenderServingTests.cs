using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.MovieLens;

/// <summary>A saved model served with its data set (<see cref="MovieRecommender.FromModelFile"/>), and new users given
/// by movie ids (<see cref="MovieRecommender.RecommendForMovies"/>, <see cref="MovieRecommender.ExplainForMovies"/>).</summary>
public sealed class MovieRecommenderServingTests : IDisposable
{
    private static readonly AlsOptions Options = new() { Factors = 8, Iterations = 3, Seed = 1 };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-serving-");

    public void Dispose() => _folder.Delete(recursive: true);

    private MovieLensDataset WriteDataset(long seed, string name)
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(200, 80, 4000) with { Seed = seed });
        var folder = Path.Combine(_folder.FullName, name);
        data.WriteMl1mFiles(folder);
        return MovieLensDataset.Load(folder);
    }

    [Theory]
    [InlineData(false, 3f, false)]
    [InlineData(true, 3f, false)]
    [InlineData(false, 4f, true)]
    public void FromModelFile_SavedModel_ServesAsTheRecommenderItWasTrainedAs(bool everyMovie, float minRating, bool npz)
    {
        var dataset = WriteDataset(5, "data");
        var options = new InteractionOptions { MinRating = minRating };
        var interactions = InteractionMatrix.Build(dataset.Ratings, options, everyMovie ? dataset.Movies : null);
        var model = new AlsTrainer(Options).Fit(interactions.UserItems);
        var trained = new MovieRecommender(model, interactions, dataset.Movies);
        var path = Path.Combine(_folder.FullName, npz ? "model.npz" : "model.mrals");
        ModelFileContent content;
        if (npz)
        {
            ImplicitModelFile.Save(model, path, interactions.Users, interactions.Items);
            content = ImplicitModelFile.Load(path);
        }
        else
        {
            AlsModelFile.Save(model, path, interactions.Users, interactions.Items);
            content = AlsModelFile.Load(path);
        }

        var served = MovieRecommender.FromModelFile(content, dataset, options);

        Assert.True(served.Interactions.UserItems.ContentEquals(interactions.UserItems));
        Assert.Equal(interactions.Users.Keys.ToArray(), served.Interactions.Users.Keys.ToArray());
        Assert.Equal(interactions.Items.Keys.ToArray(), served.Interactions.Items.Keys.ToArray());
        foreach (var userId in new[] { interactions.Users[0], interactions.Users[57], interactions.Users[^1] })
        {
            var top = served.RecommendForUser(userId, 5);
            Assert.Equal(trained.RecommendForUser(userId, 5), top);
            var why = served.Explain(userId, top[0].Movie.Id, 4);
            Assert.Equal(trained.Explain(userId, top[0].Movie.Id, 4).Contributions, why.Contributions);
        }
    }

    [Fact]
    public void FromModelFile_PreviousOfTheSameDataOptionsAndIds_SharesItsMatrixAndTitles_OtherwiseRebuilds()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        ModelFileContent Trained(InteractionMatrix matrix, int seed) =>
            new(new AlsTrainer(Options with { Seed = seed }).Fit(matrix.UserItems), matrix.Users, matrix.Items);
        var first = MovieRecommender.FromModelFile(Trained(interactions, 1), dataset);
        var retrained = Trained(interactions, 2);

        var reused = MovieRecommender.FromModelFile(retrained, dataset, previous: first);

        Assert.Same(first.Interactions, reused.Interactions);
        Assert.Same(first.Titles, reused.Titles);
        Assert.Same(retrained.Model, reused.Model);
        var fresh = MovieRecommender.FromModelFile(retrained, dataset);
        var userId = interactions.Users[9];
        Assert.Equal(fresh.RecommendForUser(userId, 6), reused.RecommendForUser(userId, 6));
        Assert.Equal(fresh.Explain(userId, fresh.RecommendForUser(userId, 1)[0].Movie.Id).Contributions, reused.Explain(userId, reused.RecommendForUser(userId, 1)[0].Movie.Id).Contributions);
        Assert.Same(first.Interactions, MovieRecommender.FromModelFile(Trained(interactions, 3), dataset, previous: reused).Interactions);

        // Another data set instance, other options, other ids, or a recommender not made from a file: rebuilt.
        Assert.NotSame(first.Interactions, MovieRecommender.FromModelFile(retrained, MovieLensDataset.Load(dataset.Folder), previous: first).Interactions);
        var strict = new InteractionOptions { MinRating = 4 };
        Assert.NotSame(first.Interactions, MovieRecommender.FromModelFile(retrained, dataset, strict, previous: first).Interactions);
        var fewer = InteractionMatrix.Build(dataset.Ratings, strict);
        Assert.NotEqual(interactions.Users.Count + interactions.Items.Count, fewer.Users.Count + fewer.Items.Count);
        var other = MovieRecommender.FromModelFile(Trained(fewer, 2), dataset, strict, previous: first);
        Assert.Equal(fewer.Users.Keys.ToArray(), other.Interactions.Users.Keys.ToArray());
        Assert.True(other.Interactions.UserItems.ContentEquals(fewer.UserItems));
        Assert.NotSame(fresh.Interactions, MovieRecommender.FromModelFile(retrained, dataset, previous: new MovieRecommender(retrained.Model, interactions, dataset.Movies)).Interactions);
        Assert.NotSame(first.Interactions, MovieRecommender.FromModelFile(retrained with { Users = null }, dataset, previous: first).Interactions);

        // A model of other data is still refused, whatever the previous one.
        var foreign = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(180, 90, 4000) with { Seed = 6 });
        Assert.Throws<InvalidDataException>(() => MovieRecommender.FromModelFile(Trained(InteractionMatrix.Build(foreign.Ratings), 1), dataset, previous: first));
    }

    [Fact]
    public void FromModelFile_ModelOfOtherData_ThrowsAsTheCheckDoes()
    {
        var dataset = WriteDataset(5, "data");
        var other = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(180, 90, 4000) with { Seed = 6 });
        var interactions = InteractionMatrix.Build(other.Ratings);
        var content = new ModelFileContent(new AlsTrainer(Options).Fit(interactions.UserItems), interactions.Users, interactions.Items);

        var error = Assert.Throws<InvalidDataException>(() => MovieRecommender.FromModelFile(content, dataset));
        Assert.Equal(Assert.Throws<InvalidDataException>(() => ModelDataCheck.ThrowIfMismatched(content, dataset)).Message, error.Message);
        Assert.Throws<InvalidDataException>(() => MovieRecommender.FromModelFile(content with { Items = null }, dataset));
        Assert.Throws<ArgumentNullException>("content", () => MovieRecommender.FromModelFile(null!, dataset));
        Assert.Throws<ArgumentNullException>("dataset", () => MovieRecommender.FromModelFile(content, null!));
    }

    [Fact]
    public void FromModelFile_WithoutUserIds_ServesMoviesAndNewUsersOnly()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        var model = new AlsTrainer(Options).Fit(interactions.UserItems);

        var served = MovieRecommender.FromModelFile(new ModelFileContent(model, null, interactions.Items), dataset);

        Assert.Equal(0, served.Interactions.UserItems.RowCount);
        Assert.Throws<KeyNotFoundException>(() => served.RecommendForUser(interactions.Users[0]));
        var movieId = interactions.Items[3];
        Assert.Equal(new MovieRecommender(model, interactions, dataset.Movies).SimilarMovies(movieId, 5), served.SimilarMovies(movieId, 5));
        Assert.Equal(5, served.RecommendForMovies([movieId, interactions.Items[9]], 5).Count);
    }

    [Fact]
    public void RecommendForMovies_EqualsRecommendForTitles_RepeatsCountOnce()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings, movies: dataset.Movies);
        var recommender = new MovieRecommender(new AlsTrainer(Options).Fit(interactions.UserItems), interactions, dataset.Movies);
        var liked = new[] { dataset.Movies[1], dataset.Movies[2], dataset.Movies[40] };

        var byIds = recommender.RecommendForMovies([liked[0].Id, liked[1].Id, liked[2].Id, liked[0].Id], 6, rating: 4f);

        Assert.Equal(recommender.RecommendForTitles(recommender.Titles.Match(liked.Select(m => m.Title)), 6, rating: 4f), byIds);
        Assert.Equal(6, byIds.Count);
        Assert.DoesNotContain(byIds, r => liked.Contains(r.Movie));
        Assert.NotEqual(byIds, recommender.RecommendForMovies([liked[0].Id, liked[1].Id], 6));
        Assert.Empty(recommender.RecommendForMovies([], 6));
        Assert.Contains("No movie has the id 999999", Assert.Throws<KeyNotFoundException>(() => recommender.RecommendForMovies([liked[0].Id, 999_999])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>("count", () => recommender.RecommendForMovies([liked[0].Id], 0));
        Assert.Throws<ArgumentException>("rating", () => recommender.RecommendForMovies([liked[0].Id], 5, float.NaN));
    }

    [Fact]
    public void RecommendForMovies_MovieWithoutColumn_ThrowsNamingIt()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        var unrated = new Movie(100_000, "Unrated Film (2001)", 2001, []);
        var recommender = new MovieRecommender(new AlsTrainer(Options).Fit(interactions.UserItems), interactions, [.. dataset.Movies, unrated]);

        var error = Assert.Throws<KeyNotFoundException>(() => recommender.RecommendForMovies([interactions.Items[0], unrated.Id]));
        Assert.Contains("Movie 100000 ('Unrated Film (2001)')", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimilarMoviesAndExplain_MovieWithoutColumnOrUnknown_ThrowNamingIt()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        var unrated = new Movie(100_000, "Unrated Film (2001)", 2001, []);
        var recommender = new MovieRecommender(new AlsTrainer(Options).Fit(interactions.UserItems), interactions, [.. dataset.Movies, unrated]);

        var similar = Assert.Throws<KeyNotFoundException>(() => recommender.SimilarMovies(unrated.Id));
        var explain = Assert.Throws<KeyNotFoundException>(() => recommender.Explain(interactions.Users[0], 999_999));

        Assert.Contains("Movie 100000 ('Unrated Film (2001)') has no column", similar.Message, StringComparison.Ordinal);
        Assert.Contains("No movie has the id 999999", explain.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplainForMovies_EqualsTheModelsExplanations_SharingTheUserWeights()
    {
        var dataset = WriteDataset(5, "data");
        var interactions = InteractionMatrix.Build(dataset.Ratings, movies: dataset.Movies);
        var model = new AlsTrainer(Options).Fit(interactions.UserItems);
        var recommender = new MovieRecommender(model, interactions, dataset.Movies);
        int[] liked = [dataset.Movies[1].Id, dataset.Movies[2].Id, dataset.Movies[40].Id];
        var top = recommender.RecommendForMovies(liked, 3);
        var explained = top.Select(t => t.Movie.Id).ToArray();

        var why = recommender.ExplainForMovies(liked, explained, 2);

        var columns = liked.Select(interactions.Items.IndexOf).ToArray();
        Assert.Equal(explained, why.Select(w => w.Movie.Id));
        for (var i = 0; i < why.Count; i++)
        {
            var direct = model.Explain(columns, [5f, 5f, 5f], interactions.Items.IndexOf(explained[i]), 2);
            Assert.Equal(direct.Score, why[i].Score);
            Assert.Equal(direct.Contributions.Select(c => (interactions.Items[c.Item], c.Score)), why[i].Contributions.Select(c => (c.Movie.Id, c.Score)));
            Assert.Equal(top[i].Score, why[i].Score, 3);
            Assert.Equal(2, why[i].Contributions.Count);
            Assert.All(why[i].Contributions, c => Assert.Contains(c.Movie.Id, liked));
        }

        Assert.True(why[0].UserWeights.Span == why[1].UserWeights.Span);
        Assert.Throws<KeyNotFoundException>(() => recommender.ExplainForMovies(liked, [999_999]));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => recommender.ExplainForMovies(liked, explained, 0));
    }
}
