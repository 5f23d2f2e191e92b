using FsCheck.Xunit;
using MovieRecs.Evaluation;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
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
    public bool Evaluate_ShortListsAndTestItemsAlsoInTrain_MatchNaiveReference(RankingCase c)
    {
        var (split, k) = Case(c);
        if (split.TestUserCount == 0)
        {
            return true;
        }

        // Every other test entry is a training entry too: the model is told to skip it, as implicit filters the items
        // a user liked in train, so it stays relevant but can never be hit. User u gets at most u mod (K + 1) items,
        // so some lists are short and some empty.
        var train = WithEveryOtherTestEntry(split.Train, split.Test);
        var model = new TruncatedRecommender(new ShuffledRecommender(train.RowCount, train.ColumnCount, c.ModelSeed), k + 1);
        var m = RankingEvaluator.Evaluate(model, train, split.Test, k, TwoThreads);
        var reference = NaiveRankingMetrics.Compute(model, train, split.Test, k);
        return AllInUnitInterval(m)
            && m.UserCount == split.TestUserCount && m.Hits == reference.Hits
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

    private static CsrMatrix WithEveryOtherTestEntry(CsrMatrix train, CsrMatrix test)
    {
        var extra = Triplets.FromCsr(test);
        var keep = Enumerable.Range(0, extra.Count).Where(i => i % 2 == 0).ToArray();
        var own = Triplets.FromCsr(train);
        return CsrMatrix.FromTriplets(
            train.RowCount,
            train.ColumnCount,
            [.. own.Rows, .. keep.Select(i => extra.Rows[i])],
            [.. own.Columns, .. keep.Select(i => extra.Columns[i])],
            [.. own.Values, .. keep.Select(i => extra.Values[i])]);
    }

    /// <summary>The inner model's list cut to <c>user mod <paramref name="modulus"/></c> items.</summary>
    private sealed class TruncatedRecommender(IRecommender inner, int modulus) : IRecommender
    {
        public int UserCount => inner.UserCount;

        public int ItemCount => inner.ItemCount;

        public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
        {
            var length = Math.Min(items.Length, user % modulus);
            return inner.Recommend(user, excludeItems, items[..length], scores[..length]);
        }
    }
}
