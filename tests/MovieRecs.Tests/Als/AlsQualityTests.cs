using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using Xunit.Abstractions;

namespace MovieRecs.Tests.Als;

/// <summary>
/// Quality against <c>implicit</c> 0.7.3 on the real ml-100k split files: train on u1.base (ratings &gt;= 3, value =
/// rating), evaluate top-10 on u1.test (ratings &gt;= 3) with implicit's metric definitions.
/// </summary>
public class AlsQualityTests(ITestOutputHelper output)
{
    [RealDataTheory("ml-100k")]
    [InlineData(100, 0.01, 1.0, 0.3586, 0.2299, 0.3732, 0.5782)]
    [InlineData(64, 0.05, 10.0, 0.3559, 0.2045, 0.3456, 0.5787)]
    public void Fit_U1Split_MatchesImplicitWithinOneHundredth(int factors, double regularization, double alpha, double precision, double map, double ndcg, double auc)
    {
        var folder = TestData.Release("ml-100k")!;
        var (train, test) = MovieLensReader.ReadMl100kSplit(folder, "u1");
        var split = RatingsSplit.FromTables(train, test);
        // implicit's own figures move by about 0.005 from seed to seed (p@10 0.3554-0.3605 over six seeds), so the
        // comparison is on the mean of three seeds.
        var runs = new List<RankingMetrics>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var options = new AlsOptions { Factors = factors, Regularization = regularization, Alpha = alpha, Iterations = 15, Seed = seed };
            var model = new AlsTrainer(options).Fit(split.Train);
            runs.Add(RankingEvaluator.Evaluate(new DotProductRecommender(model), split, k: 10));
            output.WriteLine($"seed {seed}: p@10 {runs[^1].ImplicitPrecision:F4} map {runs[^1].MeanAveragePrecision:F4} ndcg {runs[^1].Ndcg:F4} auc {runs[^1].Auc:F4}");
        }

        var metrics = new
        {
            ImplicitPrecision = runs.Average(r => r.ImplicitPrecision),
            MeanAveragePrecision = runs.Average(r => r.MeanAveragePrecision),
            Ndcg = runs.Average(r => r.Ndcg),
            Auc = runs.Average(r => r.Auc),
        };
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k: 10);
        output.WriteLine($"ALS mean   p@10 {metrics.ImplicitPrecision:F4} map {metrics.MeanAveragePrecision:F4} ndcg {metrics.Ndcg:F4} auc {metrics.Auc:F4}");
        output.WriteLine($"popularity p@10 {popularity.ImplicitPrecision:F4} map {popularity.MeanAveragePrecision:F4} ndcg {popularity.Ndcg:F4} auc {popularity.Auc:F4}");

        Assert.InRange(metrics.ImplicitPrecision, precision - 0.01, precision + 0.01);
        Assert.InRange(metrics.MeanAveragePrecision, map - 0.01, map + 0.01);
        Assert.InRange(metrics.Ndcg, ndcg - 0.01, ndcg + 0.01);
        Assert.InRange(metrics.Auc, auc - 0.01, auc + 0.01);
        Assert.True(metrics.ImplicitPrecision > popularity.ImplicitPrecision + 0.04, "ALS must clearly beat the popularity baseline");
    }

    [RealDataFact("ml-100k")]
    public void Fit_U1SplitOnBm25WeightedItems_MatchesImplicitWithinOneHundredth()
    {
        // implicit 0.7.3: ALS (factors 100, reg 0.01, alpha 1, 15 it.) on bm25_weight(K1 = 100, B = 0.8) of the
        // item x user training matrix: p@10 0.3315, MAP 0.2022, NDCG 0.3404, AUC 0.5693.
        var folder = TestData.Release("ml-100k")!;
        var (train, test) = MovieLensReader.ReadMl100kSplit(folder, "u1");
        var split = RatingsSplit.FromTables(train, test);
        var weighted = SparseWeighting.Bm25Weight(split.Train.Transpose(), k1: 100, b: 0.8).Transpose();
        Assert.Equal(split.Train.NonZeroCount, weighted.NonZeroCount);

        var runs = new List<RankingMetrics>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var model = new AlsTrainer(new AlsOptions { Factors = 100, Regularization = 0.01, Alpha = 1, Iterations = 15, Seed = seed }).Fit(weighted);
            runs.Add(RankingEvaluator.Evaluate(model, split, k: 10));
            output.WriteLine($"seed {seed}: p@10 {runs[^1].ImplicitPrecision:F4} map {runs[^1].MeanAveragePrecision:F4} ndcg {runs[^1].Ndcg:F4} auc {runs[^1].Auc:F4}");
        }

        Assert.InRange(runs.Average(r => r.ImplicitPrecision), 0.3315 - 0.01, 0.3315 + 0.01);
        Assert.InRange(runs.Average(r => r.MeanAveragePrecision), 0.2022 - 0.01, 0.2022 + 0.01);
        Assert.InRange(runs.Average(r => r.Ndcg), 0.3404 - 0.01, 0.3404 + 0.01);
        Assert.InRange(runs.Average(r => r.Auc), 0.5693 - 0.01, 0.5693 + 0.01);
    }

    /// <summary>A deliberately plain reference recommender: every item scored by a dot product, then sorted.</summary>
    private sealed class DotProductRecommender(AlsModel model) : IRecommender
    {
        public int UserCount => model.UserCount;

        public int ItemCount => model.ItemCount;

        public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
        {
            var excluded = excludeItems.ToArray().ToHashSet();
            var userFactors = model.GetUserFactors(user).ToArray();
            var ranked = Enumerable.Range(0, ItemCount)
                .Where(i => !excluded.Contains(i))
                .Select(i => (Item: i, Score: Dot(userFactors, model.GetItemFactors(i))))
                .OrderByDescending(p => p.Score).ThenBy(p => p.Item)
                .Take(items.Length)
                .ToArray();
            for (var i = 0; i < ranked.Length; i++)
            {
                items[i] = ranked[i].Item;
                scores[i] = ranked[i].Score;
            }

            return ranked.Length;
        }

        private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            var sum = 0f;
            for (var i = 0; i < a.Length; i++)
            {
                sum += a[i] * b[i];
            }

            return sum;
        }
    }
}
