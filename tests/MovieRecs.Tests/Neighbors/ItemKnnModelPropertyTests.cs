using FsCheck.Xunit;
using MovieRecs.Neighbors;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Neighbors;

/// <summary>
/// Algebraic facts of the item-item models, each against a naive dense reference of <c>implicit</c>'s definitions
/// (weights, item dot products, top K, user sums). Cases shrink to the smallest matrix that still fails.
/// </summary>
public class ItemKnnModelPropertyTests
{
    private const double Tolerance = 1e-5;

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Fit_AllNeighbours_IsSymmetricAndEqualsNaiveDotProducts(KnnCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = ItemKnnModel.Fit(userItems, c.Options with { K = userItems.ColumnCount });
        var naive = NaiveSimilarities(userItems, c.Options);
        var s = model.Similarity;
        for (var i = 0; i < s.RowCount; i++)
        {
            for (var j = 0; j < s.ColumnCount; j++)
            {
                var kept = s.GetColumnIndices(i).BinarySearch(j) >= 0;
                if (kept != naive[i, j].HasValue
                    || (kept && Math.Abs(s[i, j] - naive[i, j]!.Value) > Tolerance * (1 + Math.Abs(naive[i, j]!.Value)))
                    || s[i, j] != s[j, i]
                    || (c.Similarity != ItemSimilarity.Bm25 && Math.Abs(s[i, j]) > 1 + Tolerance))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Fit_KeepsExactlyTheKLargest(KnnCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = ItemKnnModel.Fit(userItems, c.Options);
        var naive = NaiveSimilarities(userItems, c.Options);
        var s = model.Similarity;
        for (var i = 0; i < s.RowCount; i++)
        {
            var reachable = Enumerable.Range(0, s.ColumnCount).Where(j => naive[i, j].HasValue).ToArray();
            var kept = s.GetColumnIndices(i).ToArray();
            if (kept.Length != Math.Min(c.K, reachable.Length) || kept.Any(j => !naive[i, j].HasValue))
            {
                return false;
            }

            // No dropped neighbour is larger than a kept one (beyond rounding).
            var smallestKept = kept.Length == 0 ? double.PositiveInfinity : kept.Min(j => naive[i, j]!.Value);
            if (reachable.Except(kept).Any(j => naive[i, j]!.Value > smallestKept + (Tolerance * (1 + Math.Abs(smallestKept)))))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 50, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Fit_OneOrTwoThreads_GiveTheSameModel(KnnCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var one = ItemKnnModel.Fit(userItems, c.Options with { MaxDegreeOfParallelism = 1 });
        var two = ItemKnnModel.Fit(userItems, c.Options with { MaxDegreeOfParallelism = 2 });
        return one.Similarity.ContentEquals(two.Similarity);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Recommend_ScoresAreSumsOfNeighbourContributions(KnnCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = ItemKnnModel.Fit(userItems, c.Options);
        var s = model.Similarity;
        for (var u = 0; u < userItems.RowCount; u++)
        {
            var liked = userItems.GetColumnIndices(u).ToArray();
            var values = userItems.GetValues(u).ToArray();
            var expected = new double?[s.ColumnCount];
            for (var j = 0; j < liked.Length; j++)
            {
                var neighbours = s.GetColumnIndices(liked[j]);
                var sims = s.GetValues(liked[j]);
                for (var n = 0; n < neighbours.Length; n++)
                {
                    expected[neighbours[n]] = (expected[neighbours[n]] ?? 0) + ((double)values[j] * sims[n]);
                }
            }

            var eligible = Enumerable.Range(0, s.ColumnCount).Where(i => expected[i].HasValue && !liked.Contains(i)).ToArray();
            var result = model.Recommend(u, count: s.ColumnCount);
            if (result.Length != eligible.Length
                || result.Any(r => liked.Contains(r.Item) || !expected[r.Item].HasValue
                    || Math.Abs(r.Score - expected[r.Item]!.Value) > Tolerance * (1 + Math.Abs(expected[r.Item]!.Value))))
            {
                return false;
            }

            for (var r = 1; r < result.Length; r++)
            {
                if (result[r].Score > result[r - 1].Score || (result[r].Score == result[r - 1].Score && result[r].Item < result[r - 1].Item))
                {
                    return false;
                }
            }

            // The interface path (as the evaluator calls it) returns the same list.
            var items = new int[result.Length];
            var scores = new float[result.Length];
            var written = ((IRecommender)model).Recommend(u, liked, items, scores);
            if (written != result.Length || !items.SequenceEqual(result.Select(r => r.Item)))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool Explain_ContributionsSumToTheRecommendScore(KnnCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = ItemKnnModel.Fit(userItems, c.Options);
        for (var u = 0; u < userItems.RowCount; u++)
        {
            foreach (var rec in model.Recommend(u, count: model.ItemCount, new RecommendOptions { FilterAlreadyLiked = false }))
            {
                var explanation = model.Explain(u, rec.Item, count: userItems.ColumnCount);
                var sum = explanation.Contributions.Sum(x => (double)x.Score);
                if (Math.Abs(explanation.Score - rec.Score) > Tolerance * (1 + Math.Abs(rec.Score))
                    || Math.Abs(sum - rec.Score) > Tolerance * (1 + Math.Abs(rec.Score))
                    || explanation.Contributions.Any(x => userItems.GetColumnIndices(u).BinarySearch(x.Item) < 0))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 50, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool SimilarItems_AreTheKeptRowLargestFirst(KnnCase c)
    {
        var model = ItemKnnModel.Fit(c.Matrix.ToCsr(), c.Options);
        for (var i = 0; i < model.ItemCount; i++)
        {
            var similar = model.SimilarItems(i, count: model.ItemCount);
            var row = model.Similarity.GetColumnIndices(i).ToArray();
            if (similar.Length != row.Length || !similar.Select(x => x.Item).Order().SequenceEqual(row)
                || similar.Zip(similar.Skip(1)).Any(p => p.First.Score < p.Second.Score))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Item x item dot products of the weighted item columns, null where two items share no user.</summary>
    private static double?[,] NaiveSimilarities(CsrMatrix userItems, ItemKnnOptions options)
    {
        var dense = userItems.ToDense();
        int users = userItems.RowCount, items = userItems.ColumnCount;
        var present = new bool[users, items];
        for (var u = 0; u < users; u++)
        {
            foreach (var i in userItems.GetColumnIndices(u))
            {
                present[u, i] = true;
            }
        }

        // Items are documents, users are terms.
        var w = new double[items, users];
        var itemsPerUser = Enumerable.Range(0, users).Select(u => Enumerable.Range(0, items).Count(i => present[u, i])).ToArray();
        var lengths = Enumerable.Range(0, items).Select(i => Enumerable.Range(0, users).Sum(u => (double)dense[u, i])).ToArray();
        var average = lengths.Average();
        for (var i = 0; i < items; i++)
        {
            for (var u = 0; u < users; u++)
            {
                if (!present[u, i])
                {
                    continue;
                }

                double x = dense[u, i];
                var idf = Math.Log(items) - Math.Log(1 + itemsPerUser[u]);
                w[i, u] = options.Similarity switch
                {
                    ItemSimilarity.Cosine => x,
                    ItemSimilarity.TfIdf => Math.Sqrt(x) * idf,
                    _ => x * (options.K1 + 1) / ((options.K1 * (1 - options.B + (options.B * lengths[i] / average))) + x) * idf,
                };
            }

            if (options.Similarity != ItemSimilarity.Bm25)
            {
                var norm = Math.Sqrt(Enumerable.Range(0, users).Sum(u => w[i, u] * w[i, u]));
                for (var u = 0; u < users && norm > 0; u++)
                {
                    w[i, u] /= norm;
                }
            }
        }

        var result = new double?[items, items];
        for (var i = 0; i < items; i++)
        {
            for (var j = 0; j < items; j++)
            {
                for (var u = 0; u < users; u++)
                {
                    if (present[u, i] && present[u, j])
                    {
                        result[i, j] = (result[i, j] ?? 0) + (w[i, u] * w[j, u]);
                    }
                }
            }
        }

        return result;
    }
}
