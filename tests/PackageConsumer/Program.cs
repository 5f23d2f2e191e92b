// A consumer of the MovieRecs NuGet package: generates a small MovieLens-shaped data set, trains implicit ALS
// and prints one user's recommendations. CI runs it to prove the package works by package reference.
using MovieRecs.Als;
using MovieRecs.MovieLens;

var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k);
var interactions = InteractionMatrix.Build(data.Ratings);
var model = new AlsTrainer(new AlsOptions { Factors = 16, Iterations = 5, Seed = 1 }).Fit(interactions.UserItems);

var liked = interactions.UserItems.GetColumnIndices(0).ToArray();
var recommendations = model.Recommend(0, liked, 5);
if (recommendations.Length != 5)
{
    Console.Error.WriteLine($"expected 5 recommendations, got {recommendations.Length}");
    return 1;
}

foreach (var (item, score) in recommendations)
{
    if (liked.Contains(item) || !float.IsFinite(score))
    {
        Console.Error.WriteLine($"bad recommendation {item} ({score})");
        return 1;
    }

    Console.WriteLine($"movie {interactions.Items[item]}: {score:F4}");
}

Console.WriteLine("package consumer: ok");
return 0;
