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
}
