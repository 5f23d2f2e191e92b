using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public class MovieRecommenderTests
{
    private static (MovieRecommender Recommender, InteractionMatrix Interactions, SyntheticMovieLens Data) Build()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(200, 80, 4000) with { Seed = 5 });
        var interactions = InteractionMatrix.Build(data.Ratings, movies: data.Movies);
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 3, Seed = 1 }).Fit(interactions.UserItems);
        return (new MovieRecommender(model, interactions, data.Movies), interactions, data);
    }

    [Fact]
    public void RecommendForUser_MapsIdsAndFiltersOwnMovies()
    {
        var (recommender, interactions, _) = Build();
        var userId = interactions.Users[3];
        var result = recommender.RecommendForUser(userId, 5);
        var own = interactions.UserItems.GetColumnIndices(3).ToArray().Select(c => interactions.Items[c]).ToHashSet();
        var direct = recommender.Model.Recommend(3, interactions.UserItems, 5);
        Assert.Equal(direct.Select(d => interactions.Items[d.Item]), result.Select(r => r.Movie.Id));
        Assert.DoesNotContain(result, r => own.Contains(r.Movie.Id));
        Assert.Throws<KeyNotFoundException>(() => recommender.RecommendForUser(-5));
    }

    [Fact]
    public void SimilarMoviesAndTitles_UseTheTitleIndex()
    {
        var (recommender, _, data) = Build();
        var movie = data.Movies[7];
        var byTitle = recommender.SimilarMovies(movie.Title.ToUpperInvariant(), 4);
        Assert.Equal(movie.Id, byTitle[0].Movie.Id);
        Assert.Equal(recommender.SimilarMovies(movie.Id, 4), byTitle);
        Assert.Throws<MovieNotFoundException>(() => recommender.SimilarMovies("No Such Film (1901)"));
        var forTitles = recommender.RecommendForTitles([data.Movies[1].Title, data.Movies[2].Title], 5);
        Assert.Equal(5, forTitles.Count);
        Assert.DoesNotContain(forTitles, r => r.Movie.Id == data.Movies[1].Id || r.Movie.Id == data.Movies[2].Id);
    }

    [Fact]
    public void Explain_ContributionsAreTheUsersMovies()
    {
        var (recommender, interactions, _) = Build();
        var userId = interactions.Users[0];
        var top = recommender.RecommendForUser(userId, 1)[0];
        var why = recommender.Explain(userId, top.Movie.Id, 100);
        var own = interactions.UserItems.GetColumnIndices(0).ToArray().Select(c => interactions.Items[c]).ToHashSet();
        Assert.All(why.Contributions, c => Assert.Contains(c.Movie.Id, own));
        Assert.Equal(why.Score, why.Contributions.Sum(c => c.Score), 3);
    }

    [Fact]
    public void RecommendAndExplain_ByName_EqualTheIdPath_TrainedOrFoldedIn()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(200, 80, 4000) with { Seed = 5 });
        var titles = new MovieTitleIndex(data.Movies);
        var favourites = titles.Match([data.Movies[1].Title, "No Such Film (1901)", data.Movies[2].Title, data.Movies[40].Title]);
        var interactions = InteractionMatrix.Build(data.Ratings, movies: data.Movies);
        var id = interactions.NextUserId;
        var withYong = interactions.AppendUser("yong", favourites);
        var withId = interactions.AppendUser(id, favourites);
        var options = new AlsOptions { Factors = 8, Iterations = 3, Seed = 1 };
        var byName = new MovieRecommender(new AlsTrainer(options).Fit(withYong.UserItems), withYong, data.Movies);
        var byId = new MovieRecommender(new AlsTrainer(options).Fit(withId.UserItems), withId, data.Movies);
        var row = withYong.RowOf("yong");

        // Trained with the user: the same model, so the same movies and scores, bit for bit.
        Assert.Equal(row, withId.Users.IndexOf(id));
        Assert.Equal(byId.Model.GetUserFactors(row).ToArray(), byName.Model.GetUserFactors(row).ToArray());
        var top = byName.RecommendForUser("yong", 5);
        Assert.Equal(byId.RecommendForUser(id, 5), top);
        Assert.Equal(byName.RecommendForUser(id, 5), top);
        var why = byName.Explain("yong", top[0].Movie.Id, 3);
        var whyById = byId.Explain(id, top[0].Movie.Id, 3);
        Assert.Equal(whyById.Score, why.Score);
        Assert.Equal(whyById.Contributions, why.Contributions);
        Assert.Equal(whyById.UserWeights.ToArray(), why.UserWeights.ToArray());
        Assert.Equal(byName.Model.Factors * byName.Model.Factors, why.UserWeights.Length);

        // Folded in against a model trained without the user: the named row gives the id's row's factors and scores.
        var model = new AlsTrainer(options).Fit(interactions.UserItems);
        var (named, numbered) = (withYong.UserItems, withId.UserItems);
        Assert.Equal(
            model.RecalculateUser(numbered.GetColumnIndices(row), numbered.GetValues(row)),
            model.RecalculateUser(named.GetColumnIndices(row), named.GetValues(row)));
        Assert.Equal(
            model.RecommendForNewUser(numbered.GetColumnIndices(row), numbered.GetValues(row), 5),
            model.RecommendForNewUser(named.GetColumnIndices(row), named.GetValues(row), 5));
        Assert.Equal(3, named.GetColumnIndices(row).Length);
    }

    [Fact]
    public void RecommendForUserAndExplain_UnknownName_ThrowNamingIt()
    {
        var (recommender, _, _) = Build();

        Assert.Contains("'yong'", Assert.Throws<KeyNotFoundException>(() => recommender.RecommendForUser("yong")).Message, StringComparison.Ordinal);
        Assert.Contains("'yong'", Assert.Throws<KeyNotFoundException>(() => recommender.Explain("yong", 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("userName", () => recommender.RecommendForUser((string)null!));
    }
}
