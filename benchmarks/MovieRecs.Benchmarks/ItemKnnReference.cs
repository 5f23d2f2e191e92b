using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Neighbors;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The item-item nearest-neighbour fit and batch recommend as they were before the Gustavson kernels (the baseline of
/// <see cref="ItemKnnBenchmarks"/>): one item row at a time with a double accumulator, a bool mark per product and a
/// scan of every item for the touched ones, a binary heap per row; recommend scores each user into a double
/// accumulator and selects over every item.
/// </summary>
internal static class ItemKnnReference
{
    /// <summary>The fit: weighting as the model does, then the all-pairs product keeping the K largest per item.</summary>
    public static CsrMatrix FitSimilarity(CsrMatrix userItems, ItemKnnOptions options)
    {
        var itemUsers = userItems.Transpose();
        double[] weights;
        switch (options.Similarity)
        {
            case ItemSimilarity.Cosine:
                weights = new double[itemUsers.NonZeroCount];
                for (var item = 0; item < itemUsers.RowCount; item++)
                {
                    var values = itemUsers.GetValues(item);
                    var start = (int)itemUsers.RowPointers[item];
                    for (var i = 0; i < values.Length; i++)
                    {
                        weights[start + i] = values[i];
                    }
                }

                SparseWeighting.NormalizeRows(itemUsers, weights);
                break;
            case ItemSimilarity.TfIdf:
                weights = SparseWeighting.TfIdfValues(itemUsers);
                SparseWeighting.NormalizeRows(itemUsers, weights);
                break;
            default:
                weights = SparseWeighting.Bm25Values(itemUsers, options.K1, options.B);
                break;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            if (!double.IsFinite(weights[i]))
            {
                throw new ArgumentException("weight not finite");
            }
        }

        return AllPairsTopK(itemUsers, weights, options.K, options.MaxDegreeOfParallelism);
    }

    /// <summary>Top <paramref name="count"/> for every user with the liked items filtered, in parallel.</summary>
    public static int[][] RecommendAll(CsrMatrix similarity, CsrMatrix userItems, int count)
    {
        var result = new int[userItems.RowCount][];
        Parallel.For(0, userItems.RowCount, user =>
        {
            var k = Math.Min(count, similarity.RowCount);
            var written = Rank(similarity, userItems.GetColumnIndices(user), userItems.GetValues(user), k);
            result[user] = ServingScratch.Heap(k).OutItems.AsSpan(0, written).ToArray();
        });
        return result;
    }

    [ThreadStatic]
    private static double[]? t_sums;

    [ThreadStatic]
    private static int[]? t_touched;

    [ThreadStatic]
    private static bool[]? t_seen;

    private static int Rank(CsrMatrix similarity, ReadOnlySpan<int> liked, ReadOnlySpan<float> likedValues, int k)
    {
        var itemCount = similarity.RowCount;
        var sums = t_sums ??= new double[itemCount];
        var touched = t_touched ??= new int[itemCount];
        var seen = t_seen ??= new bool[itemCount];
        var touchedCount = 0;
        for (var j = 0; j < liked.Length; j++)
        {
            var weight = (double)likedValues[j];
            var columns = similarity.GetColumnIndices(liked[j]);
            var values = similarity.GetValues(liked[j]);
            for (var n = 0; n < columns.Length; n++)
            {
                var other = columns[n];
                sums[other] += values[n] * weight;
                if (!seen[other])
                {
                    seen[other] = true;
                    touched[touchedCount++] = other;
                }
            }
        }

        var scores = ServingScratch.Scores(itemCount);
        scores.Fill(float.NaN);
        for (var t = 0; t < touchedCount; t++)
        {
            scores[touched[t]] = (float)sums[touched[t]];
            sums[touched[t]] = 0;
            seen[touched[t]] = false;
        }

        foreach (var item in liked)
        {
            scores[item] = float.NaN;
        }

        var (heapItems, heapScores, outItems, outScores) = ServingScratch.Heap(k);
        return TopK.Select(scores, outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores);
    }

    /// <summary>
    /// For every item <c>i</c> (a row of <paramref name="itemUsers"/>, weighted by <paramref name="itemWeights"/> in
    /// storage order), the dot products <c>s(i, j) = Σ_u w(i, u) w(j, u)</c> with every item <c>j</c> sharing a user
    /// (itself included), keeping the <paramref name="k"/> largest (ties to the lower item index). Returns the item x
    /// item similarity matrix, each row in column order.
    /// </summary>
    public static CsrMatrix AllPairsTopK(CsrMatrix itemUsers, double[] itemWeights, int k, int maxDegreeOfParallelism)
    {
        var itemCount = itemUsers.RowCount;
        var (userPointers, userItems, userWeights) = Transpose(itemUsers, itemWeights);
        var keep = Math.Min(k, itemCount);
        var rowColumns = new int[itemCount][];
        var rowValues = new float[itemCount][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        var itemPointers = itemUsers.RowPointers.ToArray();
        var itemUserIndices = ColumnIndices(itemUsers);
        Parallel.For(
            0,
            itemCount,
            options,
            () => new Scratch(itemCount, keep),
            (item, _, scratch) =>
            {
                var sums = scratch.Sums;
                var seen = scratch.Seen;
                var list = scratch.Touched;
                var start = (int)itemPointers[item];
                var users = itemUserIndices.AsSpan(start, (int)itemPointers[item + 1] - start);
                var weights = itemWeights.AsSpan(start, users.Length);
                for (var a = 0; a < users.Length; a++)
                {
                    var user = users[a];
                    var w1 = weights[a];
                    var from = (int)userPointers[user];
                    var others = userItems.AsSpan(from, (int)userPointers[user + 1] - from);
                    var otherWeights = userWeights.AsSpan(from, others.Length);
                    for (var b = 0; b < others.Length; b++)
                    {
                        // Unconditional marks (no branch per product); the touched items are collected by one scan.
                        var other = others[b];
                        sums[other] += otherWeights[b] * w1;
                        seen[other] = true;
                    }
                }

                var touched = 0;
                for (var other = 0; other < seen.Length; other++)
                {
                    if (seen[other])
                    {
                        seen[other] = false;
                        list[touched++] = other;
                    }
                }

                var count = SelectTop(sums, list.AsSpan(0, touched), scratch.HeapItems, scratch.HeapScores);
                for (var t = 0; t < touched; t++)
                {
                    sums[list[t]] = 0;
                }

                var columns = scratch.HeapItems.AsSpan(0, count).ToArray();
                var scores = scratch.HeapScores.AsSpan(0, count).ToArray();
                Array.Sort(columns, scores);
                var values = new float[count];
                for (var t = 0; t < count; t++)
                {
                    values[t] = (float)scores[t];
                }

                rowColumns[item] = columns;
                rowValues[item] = values;
                return scratch;
            },
            static _ => { });

        var pointers = new long[itemCount + 1];
        for (var i = 0; i < itemCount; i++)
        {
            pointers[i + 1] = pointers[i] + rowColumns[i].Length;
        }

        var allColumns = new int[pointers[itemCount]];
        var allValues = new float[pointers[itemCount]];
        for (var i = 0; i < itemCount; i++)
        {
            rowColumns[i].CopyTo(allColumns, pointers[i]);
            rowValues[i].CopyTo(allValues, pointers[i]);
        }

        return CsrMatrix.FromArrays(itemCount, itemCount, pointers, allColumns, allValues);
    }

    /// <summary>The transpose of a weighted pattern: pointers, indices (ascending within each row) and weights.</summary>
    private static (long[] Pointers, int[] Indices, double[] Weights) Transpose(CsrMatrix matrix, double[] weights)
    {
        var columnCount = matrix.ColumnCount;
        var pointers = new long[columnCount + 1];
        for (var r = 0; r < matrix.RowCount; r++)
        {
            foreach (var c in matrix.GetColumnIndices(r))
            {
                pointers[c + 1]++;
            }
        }

        for (var c = 0; c < columnCount; c++)
        {
            pointers[c + 1] += pointers[c];
        }

        var next = pointers[..columnCount];
        var indices = new int[matrix.NonZeroCount];
        var transposed = new double[matrix.NonZeroCount];
        var source = matrix.RowPointers;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            var columns = matrix.GetColumnIndices(r);
            for (var i = 0; i < columns.Length; i++)
            {
                var at = next[columns[i]]++;
                indices[at] = r;
                transposed[at] = weights[source[r] + i];
            }
        }

        return (pointers, indices, transposed);
    }

    private static int[] ColumnIndices(CsrMatrix matrix)
    {
        var indices = new int[matrix.NonZeroCount];
        var pointers = matrix.RowPointers;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            matrix.GetColumnIndices(r).CopyTo(indices.AsSpan((int)pointers[r]));
        }

        return indices;
    }

    /// <summary>Keeps the best <c>heapItems.Length</c> of the touched entries in the heap (unordered) and returns how many.</summary>
    private static int SelectTop(double[] sums, ReadOnlySpan<int> touched, int[] heapItems, double[] heapScores)
    {
        var k = heapItems.Length;
        var count = 0;
        foreach (var item in touched)
        {
            var score = sums[item];
            if (count < k)
            {
                heapItems[count] = item;
                heapScores[count] = score;
                SiftUp(heapItems, heapScores, count);
                count++;
            }
            else if (Worse(heapScores[0], heapItems[0], score, item))
            {
                heapItems[0] = item;
                heapScores[0] = score;
                SiftDown(heapItems, heapScores, count);
            }
        }

        return count;
    }

    /// <summary>Whether (a) ranks below (b): lower score, or the same score and a higher index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(double scoreA, int itemA, double scoreB, int itemB) =>
        scoreA < scoreB || (scoreA == scoreB && itemA > itemB);

    private static void SiftUp(int[] items, double[] scores, int at)
    {
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (!Worse(scores[at], items[at], scores[parent], items[parent]))
            {
                break;
            }

            (items[at], items[parent]) = (items[parent], items[at]);
            (scores[at], scores[parent]) = (scores[parent], scores[at]);
            at = parent;
        }
    }

    private static void SiftDown(int[] items, double[] scores, int count)
    {
        var at = 0;
        while (true)
        {
            var left = (2 * at) + 1;
            if (left >= count)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < count && Worse(scores[right], items[right], scores[left], items[left]))
            {
                worst = right;
            }

            if (!Worse(scores[worst], items[worst], scores[at], items[at]))
            {
                return;
            }

            (items[at], items[worst]) = (items[worst], items[at]);
            (scores[at], scores[worst]) = (scores[worst], scores[at]);
            at = worst;
        }
    }

    private sealed class Scratch(int itemCount, int k)
    {
        public double[] Sums { get; } = new double[itemCount];

        public bool[] Seen { get; } = new bool[itemCount];

        public int[] Touched { get; } = new int[itemCount];

        public int[] HeapItems { get; } = new int[k];

        public double[] HeapScores { get; } = new double[k];
    }
}
