using MovieRecs.Evaluation;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Evaluation;

public class RankingEvaluatorTests
{
    private const double Tolerance = 1e-12;

    private static CsrMatrix Rows(int columnCount, params int[][] rows)
    {
        var dense = new float[rows.Length, columnCount];
        for (var r = 0; r < rows.Length; r++)
        {
            foreach (var c in rows[r])
            {
                dense[r, c] = 1f;
            }
        }

        return CsrMatrix.FromDense(dense);
    }

    /// <summary>
    /// 4 users, 10 items, K = 3. g(i) = 1 / log2(i + 1) is the gain of place i (g(1) = 1, g(2) = 1/log2 3, g(3) = 1/2).
    /// <code>
    /// user 0: train {0}, test {1, 4}, list [1, 2, 4]: hit, miss, hit.
    ///   hits 2, min(K, 2) = 2. precision 2/3, recall 2/2 = 1, AP = (1/1 + 2/3) / 2 = 5/6.
    ///   DCG = g(1) + g(3) = 1.5, IDCG = g(1) + g(2), NDCG = 1.5 / (1 + 1/log2 3).
    ///   AUC: P = 2, N = 8, one miss with 1 hit above it: (1 + (2 + 2)/2 * (8 - 1)) / 16 = 15/16.
    /// user 1: train {}, test {7}, list [0, 3, 5]: three misses.
    ///   hits 0, min = 1. precision 0, recall 0, AP 0, NDCG 0. AUC: P = 1, N = 9: (0 + (0 + 1)/2 * (9 - 3)) / 9 = 1/3.
    /// user 2: train {2, 3}, no test items: skipped.
    /// user 3: train {1}, test {0, 2, 5, 6, 9}, list [5, 9, 8]: hit, hit, miss.
    ///   hits 2, min(K, 5) = 3. precision 2/3, recall 2/5, AP = (1/1 + 2/2) / 3 = 2/3.
    ///   NDCG = (g(1) + g(2)) / (g(1) + g(2) + g(3)). AUC: P = 5, N = 5, one miss with 2 hits above:
    ///   (2 + (2 + 5)/2 * (5 - 1)) / 25 = 16/25.
    /// Over the 3 evaluated users: hits 4; implicit precision 4 / (2 + 1 + 3) = 2/3; precision (2/3 + 0 + 2/3)/3 = 4/9;
    /// recall (1 + 0 + 2/5)/3 = 7/15; MAP (5/6 + 0 + 2/3)/3 = 1/2; AUC (15/16 + 1/3 + 16/25)/3.
    /// </code>
    /// </summary>
    [Fact]
    public void Evaluate_KBeyondTheItemCount_RanksEveryItemWithoutAllocatingK()
    {
        var train = Rows(10, [0], [], [2, 3], [1]);
        var test = Rows(10, [1, 4], [7], [], [0, 2, 5, 6, 9]);
        var model = new PopularityRecommender(train);

        var atItems = RankingEvaluator.Evaluate(model, train, test, k: 10);
        var huge = RankingEvaluator.Evaluate(model, train, test, k: int.MaxValue);

        Assert.Equal(int.MaxValue, huge.K);
        Assert.Equal(atItems with { K = huge.K, Precision = huge.Precision }, huge);
        Assert.Equal(atItems.Precision * 10 / int.MaxValue, huge.Precision, Tolerance);
    }

    [Fact]
    public void Evaluate_HandComputedCase_MatchesEachDefinition()
    {
        var train = Rows(10, [0], [], [2, 3], [1]);
        var test = Rows(10, [1, 4], [7], [], [0, 2, 5, 6, 9]);
        var model = new ScriptedRecommender(4, 10, new Dictionary<int, int[]>
        {
            [0] = [1, 2, 4],
            [1] = [0, 3, 5],
            [2] = [0, 1, 4],
            [3] = [5, 9, 8],
        });

        var m = RankingEvaluator.Evaluate(model, train, test, k: 3);

        var g2 = 1 / Math.Log2(3);
        Assert.Equal(3, m.K);
        Assert.Equal(3, m.UserCount);
        Assert.Equal(4, m.Hits);
        Assert.Equal(2.0 / 3, m.ImplicitPrecision, Tolerance);
        Assert.Equal(4.0 / 9, m.Precision, Tolerance);
        Assert.Equal(7.0 / 15, m.Recall, Tolerance);
        Assert.Equal(0.5, m.MeanAveragePrecision, Tolerance);
        Assert.Equal(((1.5 / (1 + g2)) + 0 + ((1 + g2) / (1.5 + g2))) / 3, m.Ndcg, Tolerance);
        Assert.Equal(((15.0 / 16) + (1.0 / 3) + (16.0 / 25)) / 3, m.Auc, Tolerance);
    }

    /// <summary>
    /// 1 user, 4 items, K = 3, train {0, 1}, test {2}: only two candidates, the model returns [2, 3].
    /// <code>
    /// hits 1 at place 1, one miss (item 3), one empty place (neither hit nor miss).
    /// implicit precision 1/min(3, 1) = 1; precision 1/3; recall 1; AP = (1/1)/1 = 1; NDCG = g(1)/g(1) = 1.
    /// AUC: P = 1, N = 3, the miss has 1 hit above it: (1 + (1 + 1)/2 * (3 - 1)) / 3 = 1.
    /// </code>
    /// </summary>
    [Fact]
    public void Evaluate_ShortList_EmptyPlacesAreNotMisses()
    {
        var train = Rows(4, [0, 1]);
        var test = Rows(4, [2]);
        var model = new ScriptedRecommender(1, 4, new Dictionary<int, int[]> { [0] = [0, 1, 2, 3] });
        var m = RankingEvaluator.Evaluate(model, train, test, k: 3);
        Assert.Equal(1, m.Hits);
        Assert.Equal(1.0, m.ImplicitPrecision, Tolerance);
        Assert.Equal(1.0 / 3, m.Precision, Tolerance);
        Assert.Equal(1.0, m.Recall, Tolerance);
        Assert.Equal(1.0, m.MeanAveragePrecision, Tolerance);
        Assert.Equal(1.0, m.Ndcg, Tolerance);
        Assert.Equal(1.0, m.Auc, Tolerance);
    }

    /// <summary>
    /// 1 user, 3 items, K = 2, test {0, 1, 2} (every item: no negatives), list [2, 0].
    /// <code>
    /// hits 2, min(K, 3) = 2: implicit precision 1, precision 1, recall 2/3, AP (1 + 1)/2 = 1, NDCG 1.
    /// AUC: N = 0, implicit would divide by zero; defined as 1.
    /// </code>
    /// </summary>
    [Fact]
    public void Evaluate_UserWithoutNegatives_HasAucOne()
    {
        var test = Rows(3, [0, 1, 2]);
        var model = new ScriptedRecommender(1, 3, new Dictionary<int, int[]> { [0] = [2, 0] });
        var m = RankingEvaluator.Evaluate(model, Rows(3, [[]]), test, k: 2);
        Assert.Equal(2.0 / 3, m.Recall, Tolerance);
        Assert.Equal(1.0, m.Precision, Tolerance);
        Assert.Equal(1.0, m.Auc);
    }

    /// <summary>
    /// Hits late in the list: 1 user, 6 items, K = 4, test {3, 5}, list [0, 1, 3, 5].
    /// <code>
    /// AP = (1/3 + 2/4) / 2 = 5/12. NDCG = (g(3) + g(4)) / (g(1) + g(2)) with g(3) = 1/2, g(4) = 1/log2 5.
    /// AUC: P = 2, N = 4, misses at places 1 and 2 with 0 hits above: (0 + (2 + 2)/2 * (4 - 2)) / 8 = 1/2.
    /// </code>
    /// </summary>
    [Fact]
    public void Evaluate_LateHits_DiscountAsImplicitDoes()
    {
        var test = Rows(6, [3, 5]);
        var model = new ScriptedRecommender(1, 6, new Dictionary<int, int[]> { [0] = [0, 1, 3, 5] });
        var m = RankingEvaluator.Evaluate(model, Rows(6, [[]]), test, k: 4);
        Assert.Equal(5.0 / 12, m.MeanAveragePrecision, Tolerance);
        Assert.Equal((0.5 + (1 / Math.Log2(5))) / (1 + (1 / Math.Log2(3))), m.Ndcg, Tolerance);
        Assert.Equal(0.5, m.Auc, Tolerance);
        Assert.Equal(0.5, m.Precision, Tolerance);
    }

    [Fact]
    public void Evaluate_Split_EqualsMatrixOverload_AndReportsProgress()
    {
        var matrix = EvaluationTestData.RandomInteractions(11, 150, 40, 0.2);
        var split = TrainTestSplit.Random(matrix, 0.25, 3);
        var model = new PopularityRecommender(split.Train);
        var reports = new List<int>();
        var progress = new SynchronousProgress(reports);
        var a = RankingEvaluator.Evaluate(model, split, 5, new EvaluationOptions { MaxDegreeOfParallelism = 1 }, progress);
        var b = RankingEvaluator.Evaluate(model, split.Train, split.Test, 5);
        Assert.Equal(a, b);
        Assert.Equal(split.TestUserCount, a.UserCount);
        Assert.Equal(3, reports.Count); // 150 users in blocks of 64
        Assert.Equal(split.TestUserCount, reports[^1]);
        Assert.True(reports.SequenceEqual(reports.Order()));
    }

    [Fact]
    public void Evaluate_Cancelled_Throws()
    {
        var matrix = EvaluationTestData.RandomInteractions(1, 20, 10, 0.3);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => RankingEvaluator.Evaluate(new PopularityRecommender(matrix), matrix, matrix, cancellationToken: cts.Token));
    }

    [Fact]
    public void Evaluate_InvalidArguments_Throw()
    {
        var m = Rows(3, [0], [1]);
        var model = new PopularityRecommender(m);
        Assert.Throws<ArgumentNullException>("model", () => RankingEvaluator.Evaluate(null!, m, m));
        Assert.Throws<ArgumentNullException>("train", () => RankingEvaluator.Evaluate(model, null!, m));
        Assert.Throws<ArgumentNullException>("test", () => RankingEvaluator.Evaluate(model, m, null!));
        Assert.Throws<ArgumentNullException>("split", () => RankingEvaluator.Evaluate(model, (TrainTestSplit)null!));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => RankingEvaluator.Evaluate(model, m, m, k: 0));
        Assert.Throws<ArgumentOutOfRangeException>("MaxDegreeOfParallelism", () => RankingEvaluator.Evaluate(model, m, m, options: new EvaluationOptions { MaxDegreeOfParallelism = 0 }));
        Assert.Throws<ArgumentException>("test", () => RankingEvaluator.Evaluate(model, m, Rows(4, [0], [1])));
        Assert.Throws<ArgumentException>("model", () => RankingEvaluator.Evaluate(new PopularityRecommender(Rows(3, [0])), m, m));
        Assert.Throws<ArgumentException>("model", () => RankingEvaluator.Evaluate(new PopularityRecommender(Rows(4, [0], [1])), m, m));
        Assert.Throws<ArgumentException>("test", () => RankingEvaluator.Evaluate(model, m, Rows(3, [], [])));
    }

    [Theory]
    [InlineData(new[] { 0, 5 }, "items are in [0, 3)")]
    [InlineData(new[] { 2, 2 }, "twice")]
    [InlineData(new[] { 1, 2 }, "exclude")]
    public void Evaluate_ModelBreaksContract_ThrowsNamingUserAndItem(int[] list, string expected)
    {
        // User 0's training item is 1; the scripted model below does not filter it (it is not the one excluding).
        var model = new UnfilteredRecommender(3, list);
        var e = Assert.Throws<InvalidOperationException>(() => RankingEvaluator.Evaluate(model, Rows(3, [1]), Rows(3, [0]), k: 2));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("user 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ModelException_PropagatesUnwrapped()
    {
        var m = Rows(3, [0]);
        Assert.Throws<NotSupportedException>(() => RankingEvaluator.Evaluate(new ThrowingRecommender(), m, m));
    }

    private sealed class SynchronousProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }

    private sealed class UnfilteredRecommender(int itemCount, int[] list) : IRecommender
    {
        public int UserCount => 1;

        public int ItemCount => itemCount;

        public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
        {
            list.CopyTo(items);
            return list.Length;
        }
    }

    private sealed class ThrowingRecommender : IRecommender
    {
        public int UserCount => 1;

        public int ItemCount => 3;

        public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores) =>
            throw new NotSupportedException("broken model");
    }
}
