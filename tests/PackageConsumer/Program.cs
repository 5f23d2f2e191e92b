// A consumer of the MovieRecs NuGet package: generates a small MovieLens-shaped data set, trains implicit ALS
// and prints one user's recommendations. CI runs it to prove the package works by package reference.
using MovieRecs.Als;
using MovieRecs.MovieLens;

var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k);
var interactions = InteractionMatrix.Build(data.Ratings);
var model = new AlsTrainer(new AlsOptions { Factors = 16, Iterations = 5, Seed = 1 }).Fit(interactions.UserItems);

var liked = interactions.UserItems.GetColumnIndices(0);
Span<int> items = stackalloc int[5];
Span<float> scores = stackalloc float[5];
var count = model.Recommend(0, liked, items, scores);
if (count != 5)
{
    Console.Error.WriteLine($"expected 5 recommendations, got {count}");
    return 1;
}

for (var i = 0; i < count; i++)
{
    if (liked.Contains(items[i]) || !float.IsFinite(scores[i]))
    {
        Console.Error.WriteLine($"bad recommendation {items[i]} ({scores[i]})");
        return 1;
    }

    Console.WriteLine($"movie {interactions.Items[items[i]]}: {scores[i]:F4}");
}

Console.WriteLine("package consumer: ok");
return 0;
