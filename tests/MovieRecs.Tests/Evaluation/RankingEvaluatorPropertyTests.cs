using FsCheck.Xunit;
using MovieRecs.Evaluation;

namespace MovieRecs.Tests.Evaluation;

public class RankingEvaluatorPropertyTests
{
    private static readonly EvaluationOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly EvaluationOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    /// <summary>A seeded split of a random matrix with some test users, and a K drawn from the seed.</summary>
    private static (TrainTestSplit Split, int K) Case(int seed)
    {
        var random = new Random(seed);
        var matrix = EvaluationTestData.RandomInteractions(seed, random.Next(1, 160), random.Next(2, 30), 0.05 + (random.NextDouble() * 0.5));
        var split = TrainTestSplit.Random(matrix, 0.1 + (random.NextDouble() * 0.8), seed & int.MaxValue);
        return (split, random.Next(1, 12));
    }

    private static bool AllInUnitInterval(RankingMetrics m) =>
        new[] { m.ImplicitPrecision, m.Precision, m.Recall, m.MeanAveragePrecision, m.Ndcg, m.Auc }.All(v => v is >= 0 and <= 1);

    [Property(MaxTest = 100)]
    public bool Evaluate_RandomModel_MetricsInUnitInterval_AndMatchNaiveReference(int seed)
    {
        var (split, k) = Case(seed);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var model = new ShuffledRecommender(split.Train.RowCount, split.Train.ColumnCount, seed);
        var m = RankingEvaluator.Evaluate(model, split, k);
        var reference = NaiveRankingMetrics.Compute(model, split.Train, split.Test, k);
        return AllInUnitInterval(m)
            && m.K == k && m.UserCount == split.TestUserCount && m.Hits == reference.Hits
            && Close(m.ImplicitPrecision, reference.ImplicitPrecision) && Close(m.Precision, reference.Precision)
            && Close(m.Recall, reference.Recall) && Close(m.MeanAveragePrecision, reference.MeanAveragePrecision)
            && Close(m.Ndcg, reference.Ndcg) && Close(m.Auc, reference.Auc);
    }

    [Property(MaxTest = 100)]
    public bool Evaluate_PerfectRanking_ScoresOneWhereDefinitionsAllow(int seed)
    {
        var (split, k) = Case(seed);
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

    [Property(MaxTest = 100)]
    public bool Evaluate_OneAndTwoThreads_GiveIdenticalResults(int seed)
    {
        var (split, k) = Case(seed);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var model = new PopularityRecommender(split.Train);
        return RankingEvaluator.Evaluate(model, split, k, OneThread) == RankingEvaluator.Evaluate(model, split, k, TwoThreads);
    }

    [Property(MaxTest = 100)]
    public bool Evaluate_PerfectRanking_BeatsOrTiesAnyModel(int seed)
    {
        var (split, k) = Case(seed);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        var perfect = RankingEvaluator.Evaluate(new OracleRecommender(split.Test), split, k);
        var other = RankingEvaluator.Evaluate(new ShuffledRecommender(split.Train.RowCount, split.Train.ColumnCount, seed), split, k);
        return other.Hits <= perfect.Hits && other.Ndcg <= perfect.Ndcg + 1e-12 && other.MeanAveragePrecision <= perfect.MeanAveragePrecision + 1e-12;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12;
}
