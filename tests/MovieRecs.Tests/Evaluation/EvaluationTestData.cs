using MovieRecs.Evaluation;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Evaluation;

/// <summary>Seeded matrices for the evaluation facts (the properties draw shrinkable cases from <c>EvaluationArbitraries</c>), and fake models.</summary>
internal static class EvaluationTestData
{
    /// <summary>A random user x item matrix with positive half-step values; about <paramref name="density"/> of the cells set.</summary>
    public static CsrMatrix RandomInteractions(int seed, int rowCount, int columnCount, double density)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < rowCount; r++)
        {
            for (var c = 0; c < columnCount; c++)
            {
                if (random.NextDouble() < density)
                {
                    rows.Add(r);
                    columns.Add(c);
                    values.Add(random.Next(1, 11) * 0.5f);
                }
            }
        }

        return CsrMatrix.FromTriplets(rowCount, columnCount, rows.ToArray(), columns.ToArray(), values.ToArray());
    }

    /// <summary>The sum of two matrices of the same shape, cell by cell.</summary>
    public static float[,] DenseSum(CsrMatrix a, CsrMatrix b)
    {
        var sum = a.ToDense();
        var other = b.ToDense();
        for (var r = 0; r < sum.GetLength(0); r++)
        {
            for (var c = 0; c < sum.GetLength(1); c++)
            {
                sum[r, c] += other[r, c];
            }
        }

        return sum;
    }

    /// <summary>Whether no (row, column) is stored in both matrices.</summary>
    public static bool Disjoint(CsrMatrix a, CsrMatrix b)
    {
        for (var r = 0; r < a.RowCount; r++)
        {
            var other = b.GetColumnIndices(r);
            foreach (var c in a.GetColumnIndices(r))
            {
                if (other.BinarySearch(c) >= 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool DenseEqual(float[,] a, float[,] b) =>
        a.GetLength(0) == b.GetLength(0) && a.GetLength(1) == b.GetLength(1) && a.Cast<float>().SequenceEqual(b.Cast<float>());
}

/// <summary>Returns a fixed list per user (skipping excluded items), as a test script says.</summary>
internal sealed class ScriptedRecommender(int userCount, int itemCount, IReadOnlyDictionary<int, int[]> lists) : IRecommender
{
    public int UserCount { get; } = userCount;

    public int ItemCount { get; } = itemCount;

    public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        var written = 0;
        foreach (var item in lists.TryGetValue(user, out var list) ? list : [])
        {
            if (written == items.Length)
            {
                break;
            }

            if (!excludeItems.Contains(item))
            {
                items[written] = item;
                scores[written] = -written;
                written++;
            }
        }

        return written;
    }
}

/// <summary>A perfect model: the user's test items first (in index order), then the other items in index order.</summary>
internal sealed class OracleRecommender(CsrMatrix test) : IRecommender
{
    public int UserCount => test.RowCount;

    public int ItemCount => test.ColumnCount;

    public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        var relevant = test.GetColumnIndices(user);
        var written = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var item = 0; item < ItemCount && written < items.Length; item++)
            {
                var isRelevant = relevant.BinarySearch(item) >= 0;
                if (isRelevant == (pass == 0) && !excludeItems.Contains(item))
                {
                    items[written] = item;
                    scores[written] = -written;
                    written++;
                }
            }
        }

        return written;
    }
}

/// <summary>A random model: a seeded shuffle of the items per user.</summary>
internal sealed class ShuffledRecommender(int userCount, int itemCount, int seed) : IRecommender
{
    public int UserCount { get; } = userCount;

    public int ItemCount { get; } = itemCount;

    public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        var order = Enumerable.Range(0, ItemCount).ToArray();
        new Random(HashCode.Combine(seed, user)).Shuffle(order);
        var written = 0;
        foreach (var item in order)
        {
            if (written == items.Length)
            {
                break;
            }

            if (!excludeItems.Contains(item))
            {
                items[written] = item;
                scores[written] = -written;
                written++;
            }
        }

        return written;
    }
}

/// <summary>
/// implicit's <c>ranking_metrics_at_k</c> loop written out plainly (one user at a time, a hash set of test items,
/// one running sum per metric), as an independent reference for the evaluator.
/// </summary>
internal static class NaiveRankingMetrics
{
    public static RankingMetrics Compute(IRecommender model, CsrMatrix train, CsrMatrix test, int k)
    {
        double relevant = 0, prDiv = 0, total = 0, precision = 0, recall = 0, meanAp = 0, ndcg = 0, meanAuc = 0;
        var ids = new int[k];
        var scores = new float[k];
        for (var u = 0; u < test.RowCount; u++)
        {
            var likes = test.GetColumnIndices(u).ToArray().ToHashSet();
            if (likes.Count == 0)
            {
                continue;
            }

            Array.Fill(ids, -1);
            model.Recommend(u, train.GetColumnIndices(u), ids, scores);
            prDiv += Math.Min(k, likes.Count);
            double ap = 0, hit = 0, miss = 0, auc = 0;
            var idcg = Enumerable.Range(0, Math.Min(k, likes.Count)).Sum(i => 1.0 / Math.Log2(i + 2));
            double numPos = likes.Count, numNeg = test.ColumnCount - likes.Count;
            for (var i = 0; i < k; i++)
            {
                if (likes.Contains(ids[i]))
                {
                    relevant++;
                    hit++;
                    ap += hit / (i + 1);
                    ndcg += 1.0 / Math.Log2(i + 2) / idcg;
                }
                else if (ids[i] >= 0)
                {
                    miss++;
                    auc += hit;
                }
            }

            auc += (hit + numPos) / 2.0 * (numNeg - miss);
            meanAp += ap / Math.Min(k, likes.Count);
            meanAuc += numNeg > 0 ? auc / (numPos * numNeg) : 1.0;
            precision += hit / k;
            recall += hit / numPos;
            total++;
        }

        return new RankingMetrics(k, (int)total, (long)relevant, relevant / prDiv, precision / total, recall / total, meanAp / total, ndcg / total, meanAuc / total);
    }
}
