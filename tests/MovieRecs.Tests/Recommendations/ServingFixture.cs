using MovieRecs.Als;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Recommendations;

/// <summary>Small fitted models for serving tests: from seeded random matrices for the facts, from drawn cases for the properties.</summary>
internal static class ServingFixture
{
    public static (AlsModel Model, CsrMatrix UserItems) Fit(int seed, int users = 40, int items = 30, int factors = 8, double density = 0.15)
    {
        var userItems = TestMatrices.Random(seed, users, items, density, minRating: 3);
        var model = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 4, Seed = seed, Regularization = 0.05 }).Fit(userItems);
        return (model, userItems);
    }

    /// <summary>A model of <paramref name="factors"/> factors fitted to the case's matrix with its seed, as <see cref="Fit(int, int, int, int, double)"/> fits.</summary>
    public static (AlsModel Model, CsrMatrix UserItems) Fit(TrainingCase c, int factors)
    {
        var userItems = c.Matrix;
        var model = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 4, Seed = c.Seed, Regularization = 0.05 }).Fit(userItems);
        return (model, userItems);
    }

    /// <summary>The naive ranking: every eligible item scored by a plain dot product, sorted by score then index.</summary>
    public static (int Item, float Score)[] NaiveRanking(AlsModel model, int user, ISet<int> excluded, int count)
    {
        var x = model.GetUserFactors(user).ToArray();
        return Enumerable.Range(0, model.ItemCount)
            .Where(i => !excluded.Contains(i))
            .Select(i => (Item: i, Score: Dot(x, model.GetItemFactors(i).ToArray())))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Item)
            .Take(count)
            .ToArray();
    }

    public static float Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }
}
