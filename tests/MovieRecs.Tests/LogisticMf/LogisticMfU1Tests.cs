using System.Diagnostics;
using MovieRecs.Evaluation;
using MovieRecs.LogisticMf;
using MovieRecs.Tests.Neighbors;
using Xunit.Abstractions;

namespace MovieRecs.Tests.LogisticMf;

/// <summary>Logistic MF on the ml-100k u1 split against <c>implicit</c> 0.7.3's published figures.</summary>
public class LogisticMfU1Tests(ITestOutputHelper output)
{
    /// <summary>
    /// <c>implicit</c> 0.7.3's <c>LogisticMatrixFactorization</c> with its defaults (30 factors, 30 iterations, learning
    /// rate 1, regularization 0.6, 30 negatives per positive) on u1.base ratings &gt;= 3 (value = rating), evaluated on
    /// u1.test ratings &gt;= 3 with ranking_metrics_at_k, K = 10. The model's figures move from seed to seed, so the
    /// comparison is on the mean of three seeds.
    /// </summary>
    /// <remarks>
    /// With only the rated movies indexed (1,548 columns, not the 1,682 of implicit's matrix indexed by raw movie id)
    /// the model reaches 0.01 of implicit's figures for AUC only and stays 0.01 to 0.022 below on the others (mean
    /// of seeds 1-3 p@10 0.306, MAP 0.173, NDCG 0.303, AUC 0.562; seeds 1-11 range over p@10 0.303-0.319): the
    /// negatives are sampled over the columns, so the index changes the fit. The bounds here are therefore 0.025
    /// (0.01 for AUC) around implicit's figures, and the model must beat the popularity baseline (p@10 0.288) by
    /// 0.01; with every movie indexed it is within 0.01 (the next test).
    /// </remarks>
    [RealDataFact("ml-100k")]
    public void Fit_U1Split_StaysNearImplicitsFigures()
    {
        var split = ItemKnnU1Tests.LoadU1();
        var runs = new List<RankingMetrics>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var watch = Stopwatch.StartNew();
            var model = LogisticMfModel.Fit(split.Train, new LogisticMfOptions { Seed = seed });
            var fit = watch.Elapsed;
            var m = RankingEvaluator.Evaluate(model, split, k: 10);
            runs.Add(m);
            output.WriteLine($"seed {seed}: fit {fit.TotalSeconds:F3} s; p@10 {m.ImplicitPrecision:F4} map {m.MeanAveragePrecision:F4} ndcg {m.Ndcg:F4} auc {m.Auc:F4}");
        }

        var precision = runs.Average(r => r.ImplicitPrecision);
        var map = runs.Average(r => r.MeanAveragePrecision);
        var ndcg = runs.Average(r => r.Ndcg);
        var auc = runs.Average(r => r.Auc);
        output.WriteLine($"mean: p@10 {precision:F4} map {map:F4} ndcg {ndcg:F4} auc {auc:F4}");

        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k: 10);
        output.WriteLine($"popularity: p@10 {popularity.ImplicitPrecision:F4} map {popularity.MeanAveragePrecision:F4} ndcg {popularity.Ndcg:F4} auc {popularity.Auc:F4}");

        Assert.InRange(precision, 0.3277 - 0.025, 0.3277 + 0.025);
        Assert.InRange(map, 0.1845 - 0.025, 0.1845 + 0.025);
        Assert.InRange(ndcg, 0.3193 - 0.025, 0.3193 + 0.025);
        Assert.InRange(auc, 0.5704 - 0.01, 0.5704 + 0.01);
        Assert.True(precision > popularity.ImplicitPrecision + 0.01, "logistic MF must clearly beat the popularity baseline");
    }

    /// <summary>
    /// With every ml-100k movie indexed (1,682 columns, as <c>implicit</c>'s figures were made from a matrix indexed
    /// by raw movie id; the default u1 indexing keeps the 1,548 movies with a kept training rating), the mean of
    /// seeds 1-3 is within 0.01 of <c>implicit</c>'s figures on every metric.
    /// </summary>
    [RealDataFact("ml-100k")]
    public void Fit_U1EveryMovie_MatchesImplicitWithinOneHundredth()
    {
        var split = ItemKnnU1Tests.LoadU1(everyMovie: true);
        Assert.Equal(1682, split.Train.ColumnCount);
        var runs = new List<RankingMetrics>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            runs.Add(RankingEvaluator.Evaluate(LogisticMfModel.Fit(split.Train, new LogisticMfOptions { Seed = seed }), split, k: 10));
            output.WriteLine($"seed {seed}: p@10 {runs[^1].ImplicitPrecision:F4} map {runs[^1].MeanAveragePrecision:F4} ndcg {runs[^1].Ndcg:F4} auc {runs[^1].Auc:F4}");
        }

        Assert.InRange(runs.Average(r => r.ImplicitPrecision), 0.3277 - 0.01, 0.3277 + 0.01);
        Assert.InRange(runs.Average(r => r.MeanAveragePrecision), 0.1845 - 0.01, 0.1845 + 0.01);
        Assert.InRange(runs.Average(r => r.Ndcg), 0.3193 - 0.01, 0.3193 + 0.01);
        Assert.InRange(runs.Average(r => r.Auc), 0.5704 - 0.01, 0.5704 + 0.01);
    }
}
