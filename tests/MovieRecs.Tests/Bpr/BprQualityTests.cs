using MovieRecs.Bpr;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using Xunit.Abstractions;

namespace MovieRecs.Tests.Bpr;

/// <summary>
/// Quality against <c>implicit</c> 0.7.3 on the real ml-100k split files: train on u1.base (ratings &gt;= 3, value =
/// rating, which BPR ignores), evaluate top-10 on u1.test (ratings &gt;= 3) with implicit's metric definitions.
/// </summary>
public class BprQualityTests(ITestOutputHelper output)
{
    /// <summary><c>implicit</c> 0.7.3, factors 100, learning rate 0.01, regularization 0.01, 100 iterations.</summary>
    [RealDataFact("ml-100k")]
    public void Fit_U1Split_MatchesImplicitWithinOneHundredth()
    {
        var folder = TestData.Release("ml-100k")!;
        var (train, test) = MovieLensReader.ReadMl100kSplit(folder, "u1");
        var split = RatingsSplit.FromTables(train, test);
        var runs = new List<RankingMetrics>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var model = BprModel.Fit(split.Train, new BprOptions { Seed = seed });
            runs.Add(RankingEvaluator.Evaluate(model, split, k: 10));
            output.WriteLine($"seed {seed}: p@10 {runs[^1].ImplicitPrecision:F4} map {runs[^1].MeanAveragePrecision:F4} ndcg {runs[^1].Ndcg:F4} auc {runs[^1].Auc:F4}");
        }

        var precision = runs.Average(r => r.ImplicitPrecision);
        var map = runs.Average(r => r.MeanAveragePrecision);
        var ndcg = runs.Average(r => r.Ndcg);
        var auc = runs.Average(r => r.Auc);
        output.WriteLine($"BPR mean p@10 {precision:F4} map {map:F4} ndcg {ndcg:F4} auc {auc:F4}");

        Assert.InRange(precision, 0.3029 - 0.01, 0.3029 + 0.01);
        Assert.InRange(map, 0.1767 - 0.01, 0.1767 + 0.01);
        Assert.InRange(ndcg, 0.3115 - 0.01, 0.3115 + 0.01);
        Assert.InRange(auc, 0.5644 - 0.01, 0.5644 + 0.01);
    }
}
