using FsCheck.Xunit;
using MovieRecs.Evaluation;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Evaluation;

public class RankingEvaluatorPropertyTests
{
    private static readonly EvaluationOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly EvaluationOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    /// <summary>The case's split of its matrix, and its K.</summary>
    private static (TrainTestSplit Split, int K) Case(RankingCase c) => (TrainTestSplit.Random(c.Matrix, c.TestFraction, c.SplitSeed), c.K);

    private static bool AllInUnitInterval(RankingMetrics m) =>
        new[] { m.ImplicitPrecision, m.Precision, m.Recall, m.MeanAveragePrecision, m.Ndcg, m.Auc }.All(v => v is >= 0 and <= 1);

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Evaluate_RandomModel_MetricsInUnitInterval_AndMatchNaiveReference(RankingCase c)
    {
        var (split, k) = Case(c);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var model = new ShuffledRecommender(split.Train.RowCount, split.Train.ColumnCount, c.ModelSeed);
        var m = RankingEvaluator.Evaluate(model, split, k);
        var reference = NaiveRankingMetrics.Compute(model, split.Train, split.Test, k);
        return AllInUnitInterval(m)
            && m.K == k && m.UserCount == split.TestUserCount && m.Hits == reference.Hits
            && Close(m.ImplicitPrecision, reference.ImplicitPrecision) && Close(m.Precision, reference.Precision)
            && Close(m.Recall, reference.Recall) && Close(m.MeanAveragePrecision, reference.MeanAveragePrecision)
            && Close(m.Ndcg, reference.Ndcg) && Close(m.Auc, reference.Auc);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Evaluate_PerfectRanking_ScoresOneWhereDefinitionsAllow(RankingCase c)
    {
        var (split, k) = Case(c);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var m = RankingEvaluator.Evaluate(new OracleRecommender(split.Test), split, k);
        var sizes = split.Test.GetRowCounts().Where(n => n > 0).ToArray();

        // Every list starts with min(K, |test|) hits: implicit precision, MAP and NDCG are 1 for every user.
        // Recall is 1 exactly when no user has more than K test items; true precision when none has fewer.
        // AUC is 1 for users with at most K test items, (K + P) / (2P) for those with P > K, and 1 by definition
        // for a user whose test items are every item (no negatives).
        var itemCount = split.Test.ColumnCount;
        var expectedAuc = sizes.Average(p => p <= k || p == itemCount ? 1.0 : (k + p) / (2.0 * p));
        return Close(m.ImplicitPrecision, 1) && Close(m.MeanAveragePrecision, 1) && Close(m.Ndcg, 1)
            && (sizes.Max() <= k) == Close(m.Recall, 1)
            && (sizes.Min() >= k) == Close(m.Precision, 1)
            && Close(m.Auc, expectedAuc);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Evaluate_OneAndTwoThreads_GiveIdenticalResults(RankingCase c)
    {
        var (split, k) = Case(c);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var model = new PopularityRecommender(split.Train);
        return RankingEvaluator.Evaluate(model, split, k, OneThread) == RankingEvaluator.Evaluate(model, split, k, TwoThreads);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Evaluate_PerfectRanking_BeatsOrTiesAnyModel(RankingCase c)
    {
        var (split, k) = Case(c);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var perfect = RankingEvaluator.Evaluate(new OracleRecommender(split.Test), split, k);
        var other = RankingEvaluator.Evaluate(new ShuffledRecommender(split.Train.RowCount, split.Train.ColumnCount, c.ModelSeed), split, k);
        return other.Hits <= perfect.Hits && other.Ndcg <= perfect.Ndcg + 1e-12 && other.MeanAveragePrecision <= perfect.MeanAveragePrecision + 1e-12;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12;
}
