using System.Diagnostics;
using System.Globalization;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Neighbors;
using Xunit.Abstractions;

namespace MovieRecs.Tests.Neighbors;

/// <summary>The item-item models on the ml-100k u1 split against <c>implicit</c> 0.7.3's published figures.</summary>
public class ItemKnnU1Tests(ITestOutputHelper output)
{
    private static RatingsTable ReadTabSeparated(string path)
    {
        var users = new List<int>();
        var items = new List<int>();
        var ratings = new List<float>();
        var times = new List<long>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t');
            users.Add(int.Parse(fields[0], CultureInfo.InvariantCulture));
            items.Add(int.Parse(fields[1], CultureInfo.InvariantCulture));
            ratings.Add(float.Parse(fields[2], CultureInfo.InvariantCulture));
            times.Add(long.Parse(fields[3], CultureInfo.InvariantCulture));
        }

        return new RatingsTable(users.ToArray(), items.ToArray(), ratings.ToArray(), times.ToArray());
    }

    internal static TrainTestSplit LoadU1()
    {
        var folder = TestData.Release("ml-100k")!;
        return RatingsSplit.FromTables(
            ReadTabSeparated(Path.Combine(folder, "u1.base")),
            ReadTabSeparated(Path.Combine(folder, "u1.test")),
            InteractionOptions.Default);
    }

    /// <summary><c>implicit</c> 0.7.3, K = 20, ranking_metrics_at_k with K = 10: precision, MAP, NDCG, AUC.</summary>
    [RealDataTheory("ml-100k")]
    [InlineData(ItemSimilarity.Cosine, 0.4275, 0.2980, 0.4360, 0.5856)]
    [InlineData(ItemSimilarity.TfIdf, 0.4446, 0.3098, 0.4515, 0.5895)]
    [InlineData(ItemSimilarity.Bm25, 0.4516, 0.3183, 0.4613, 0.5914)]
    public void Evaluate_U1_MatchesImplicitWithin001(ItemSimilarity similarity, double precision, double map, double ndcg, double auc)
    {
        var split = LoadU1();
        var watch = Stopwatch.StartNew();
        var model = ItemKnnModel.Fit(split.Train, new ItemKnnOptions { Similarity = similarity, K = 20 });
        var fit = watch.Elapsed;
        var m = RankingEvaluator.Evaluate(model, split, k: 10);
        output.WriteLine($"{similarity}: fit {fit.TotalSeconds:F3} s; {m}");

        Assert.InRange(m.ImplicitPrecision, precision - 0.01, precision + 0.01);
        Assert.InRange(m.MeanAveragePrecision, map - 0.01, map + 0.01);
        Assert.InRange(m.Ndcg, ndcg - 0.01, ndcg + 0.01);
        Assert.InRange(m.Auc, auc - 0.01, auc + 0.01);
    }
}
