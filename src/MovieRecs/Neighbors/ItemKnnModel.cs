using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Neighbors;

/// <summary>
/// An item-item nearest-neighbour recommender, as <c>implicit</c>'s <c>ItemItemRecommender</c> (cosine, TF-IDF and
/// BM25): every item keeps its <see cref="ItemKnnOptions.K"/> most similar items (itself included), and a user's
/// score for item <c>i</c> is <c>Σ_j r_uj · s(j, i)</c> over the user's items <c>j</c> with their values
/// <c>r_uj</c>, where <c>s(j, i)</c> is kept in row <c>j</c> of <see cref="Similarity"/>. Items no liked item
/// reaches have no score and are never recommended.
/// </summary>
/// <remarks>
/// The model keeps the training matrix (<see cref="UserItems"/>) so that <see cref="IRecommender.Recommend"/>
/// knows each user's items; that method is implemented explicitly (through <see cref="IRecommender"/>, as the
/// evaluator calls it), beside <see cref="Recommend(int, int, RecommendOptions?)"/>. The fit is deterministic: the same matrix and options give the same model for any
/// number of threads. Immutable and safe to call from many threads at once.
/// </remarks>
public sealed class ItemKnnModel : IRecommender
{
    [ThreadStatic]
    private static double[]? t_sums;

    [ThreadStatic]
    private static int[]? t_touched;

    [ThreadStatic]
    private static bool[]? t_seen;

    internal ItemKnnModel(CsrMatrix similarity, CsrMatrix userItems, ItemKnnOptions options)
    {
        Similarity = similarity;
        UserItems = userItems;
        Options = options;
    }

    /// <inheritdoc/>
    public int UserCount => UserItems.RowCount;

    /// <inheritdoc/>
    public int ItemCount => Similarity.RowCount;

    /// <summary>The options the model was fitted with.</summary>
    public ItemKnnOptions Options { get; }

    /// <summary>The item x item similarities: row <c>j</c> holds item <c>j</c>'s kept neighbours <c>i</c> and
    /// <c>s(j, i)</c>, in column order.</summary>
    public CsrMatrix Similarity { get; }

    /// <summary>The user x item training matrix, whose rows are the users' items and values.</summary>
    public CsrMatrix UserItems { get; }

    /// <summary>
    /// Fits the model to a user x item matrix: weighs it (<see cref="ItemKnnOptions.Similarity"/>), then keeps for
    /// every item the <see cref="ItemKnnOptions.K"/> largest dot products with the items sharing a user (ties to the
    /// lower item index).
    /// </summary>
    /// <param name="userItems">The user x item matrix (values such as ratings or counts; non-negative for TF-IDF).</param>
    /// <param name="options">The settings; <see cref="ItemKnnOptions.Default"/> (BM25, K = 20) when null.</param>
    /// <param name="progress">Receives the number of items whose neighbours are scored so far (up to the item count),
    /// or null.</param>
    /// <param name="cancellationToken">Stops between blocks of items.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="ItemKnnOptions.Validate"/>),
    /// or <see cref="ItemKnnOptions.K"/> times the item count (K capped at the item count) is more entries than an array
    /// holds.</exception>
    /// <exception cref="ArgumentException">A weight is not finite (a negative value under TF-IDF), or a user's scores
    /// could exceed float's range (values near <see cref="float.MaxValue"/>); the message names the user.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>O(Σ_u n_u²) multiply-adds in double precision (n_u the items of user u), parallel over items; keeps
    /// the similarity matrix (items · K entries) and a reference to <paramref name="userItems"/>.</remarks>
    public static ItemKnnModel Fit(
        CsrMatrix userItems, ItemKnnOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        options ??= ItemKnnOptions.Default;
        options.Validate();
        var kept = Math.Min(options.K, userItems.ColumnCount);
        if ((long)kept * userItems.ColumnCount > Array.MaxLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(options), options.K,
                $"ItemKnnOptions.K = {options.K} keeps {kept:N0} neighbours for each of {userItems.ColumnCount:N0} items, {(long)kept * userItems.ColumnCount:N0} entries, beyond the {Array.MaxLength:N0} a similarity matrix can hold; choose a smaller K (implicit's default is 20).");
        }

        if (options.Similarity == ItemSimilarity.TfIdf)
        {
            // The square root of a negative value is NaN, which normalizing spreads over its whole item: name the
            // value itself, not the first weight it spoiled.
            for (var user = 0; user < userItems.RowCount; user++)
            {
                var values = userItems.GetValues(user);
                var negative = values.IndexOfAnyExceptInRange(0f, float.MaxValue);
                if (negative >= 0)
                {
                    ThrowHelper.ThrowArgument(
                        nameof(userItems),
                        $"TF-IDF weighs the square roots of the values, which must not be negative: userItems[{user}, {userItems.GetColumnIndices(user)[negative]}] is {values[negative]}.");
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
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

        for (var item = 0; item < itemUsers.RowCount; item++)
        {
            var start = (int)itemUsers.RowPointers[item];
            var users = itemUsers.GetColumnIndices(item);
            for (var i = 0; i < users.Length; i++)
            {
                if (!double.IsFinite(weights[start + i]))
                {
                    ThrowHelper.ThrowArgument(
                        nameof(userItems),
                        $"The {options.Similarity} weight of userItems[{users[i]}, {item}] (value {itemUsers.GetValues(item)[i]}) is {weights[start + i]}; the values must give finite weights (non-negative for TF-IDF).");
                }
            }
        }

        CsrMatrix similarity;
        try
        {
            similarity = NeighborKernels.AllPairsTopK(itemUsers, weights, options.K, options.MaxDegreeOfParallelism, progress, cancellationToken);
        }
        catch (AggregateException e)
        {
            ThrowHelper.ThrowFirstInner(e);
            throw;
        }

        CheckScoreRange(userItems, similarity, options.Similarity);
        return new ItemKnnModel(similarity, userItems, options);
    }

    /// <summary>
    /// Throws when a user's scores could leave float's range: a score is <c>Σ_j r_uj · s(j, i)</c>, at most
    /// <c>Σ_j |r_uj| · max_i |s(j, i)|</c>, and a sum beyond <see cref="float.MaxValue"/> would be served as an
    /// infinity. O(nnz + items · K).
    /// </summary>
    private static void CheckScoreRange(CsrMatrix userItems, CsrMatrix similarity, ItemSimilarity kind)
    {
        var largest = new double[similarity.RowCount];
        for (var item = 0; item < largest.Length; item++)
        {
            foreach (var value in similarity.GetValues(item))
            {
                largest[item] = Math.Max(largest[item], Math.Abs(value));
            }
        }

        for (var user = 0; user < userItems.RowCount; user++)
        {
            var items = userItems.GetColumnIndices(user);
            var values = userItems.GetValues(user);
            var bound = 0.0;
            for (var j = 0; j < items.Length; j++)
            {
                bound += Math.Abs((double)values[j]) * largest[items[j]];
            }

            if (bound > float.MaxValue)
            {
                ThrowHelper.ThrowArgument(
                    nameof(userItems),
                    $"The scores of user {user} could reach {bound:G3}, beyond float's range: the user's values (up to {TensorPrimitives.MaxMagnitude(values)}) are too large for the {kind} similarities; scale the values down.");
            }
        }
    }

    /// <summary>
    /// Writes the best items for <paramref name="user"/> (scored from their row of <see cref="UserItems"/>), best
    /// first (ties to the lower item index), skipping <paramref name="excludeItems"/> and items no liked item reaches.
    /// </summary>
    /// <param name="user">The user, in <c>[0, UserCount)</c>.</param>
    /// <param name="excludeItems">Items never to return, in any order.</param>
    /// <param name="items">Receives the item indices; its length is how many are wanted.</param>
    /// <param name="scores">Receives each item's score; at least as long as <paramref name="items"/>.</param>
    /// <returns>The number of items written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an excluded item is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is shorter than <paramref name="items"/>.</exception>
    /// <remarks>O(liked · K + items); allocates nothing once warmed up. Thread-safe.</remarks>
    int IRecommender.Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        CheckIndex(user, UserCount, nameof(user));
        if (scores.Length < items.Length)
        {
            ThrowHelper.ThrowArgument(nameof(scores), $"scores has {scores.Length} entries but items has {items.Length}; it must be at least as long.");
        }

        var written = Rank(UserItems.GetColumnIndices(user), UserItems.GetValues(user), excludeItems, null, null, items.Length, nameof(excludeItems), nameof(UserItems));
        var (_, _, outItems, outScores) = ServingScratch.Heap(items.Length);
        outItems.AsSpan(0, written).CopyTo(items);
        outScores.AsSpan(0, written).CopyTo(scores);
        return written;
    }

    /// <summary>The top items for <paramref name="user"/>, scored from their row of <see cref="UserItems"/>.</summary>
    /// <param name="user">The user, in <c>[0, UserCount)</c>.</param>
    /// <param name="count">How many items to return (at least 1); fewer come back when fewer items have a score.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> (the user's own items
    /// filtered) when null. A candidate no liked item reaches scores 0.</param>
    /// <returns>The recommended items, best first (ties to the lower item index).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/>, <paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(liked · K + items). Thread-safe.</remarks>
    public ScoredItem[] Recommend(int user, int count = 10, RecommendOptions? options = null)
    {
        CheckIndex(user, UserCount, nameof(user));
        return RecommendForLikes(UserItems.GetColumnIndices(user), UserItems.GetValues(user), count, options);
    }

    /// <summary>The top items for a user who is not in the training matrix, from their items and values.</summary>
    /// <param name="items">The user's items, distinct, in any order.</param>
    /// <param name="values">The user's value of each item (as in the training matrix; 1 for a plain like).</param>
    /// <param name="count">How many items to return (at least 1).</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items, best first (ties to the lower item index).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, a value is not finite, a score
    /// exceeds float's range (values far too large), the options give both filter items and candidates, or candidates
    /// repeat.</exception>
    /// <remarks>O(items · K + item count). Thread-safe.</remarks>
    public ScoredItem[] RecommendForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, int count = 10, RecommendOptions? options = null)
    {
        CheckDistinct(items);
        return RecommendForLikes(items, values, count, options);
    }

    /// <summary><see cref="RecommendForNewUser"/> for items known to be distinct (a row of a matrix).</summary>
    private ScoredItem[] RecommendForLikes(ReadOnlySpan<int> items, ReadOnlySpan<float> values, int count, RecommendOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        CheckLikes(items, values);
        options ??= RecommendOptions.Default;
        options.Validate();
        var k = Math.Min(count, ItemCount);
        var written = Rank(items, values, options.FilterAlreadyLiked ? items : default, options.FilterItems, options.Candidates, k, nameof(items), nameof(values));
        var (_, _, outItems, outScores) = ServingScratch.Heap(k);
        var result = new ScoredItem[written];
        for (var j = 0; j < written; j++)
        {
            result[j] = new ScoredItem(outItems[j], outScores[j]);
        }

        return result;
    }

    /// <summary>The top items for every user of the training matrix, in parallel.</summary>
    /// <param name="count">How many items per user (at least 1).</param>
    /// <param name="options">Filtering and candidates, the same for every user; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <param name="progress">Receives the number of users done so far, or null.</param>
    /// <param name="cancellationToken">Cancels between users.</param>
    /// <returns>One array per user, indexed by user: what <see cref="Recommend(int, int, RecommendOptions?)"/> returns.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ScoredItem[][] RecommendAll(int count = 10, RecommendOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= RecommendOptions.Default;
        options.Validate();
        var result = new ScoredItem[UserCount][];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        try
        {
            var done = 0;
            Parallel.For(0, UserCount, parallel, user =>
            {
                result[user] = Recommend(user, count, options);
                if (progress is not null)
                {
                    progress.Report(Interlocked.Increment(ref done));
                }
            });
        }
        catch (AggregateException e)
        {
            ThrowHelper.ThrowFirstInner(e);
        }

        return result;
    }

    /// <summary>The items most similar to <paramref name="item"/>: its kept neighbours (itself included, as in
    /// <c>implicit</c>), largest similarity first (ties to the lower item index).</summary>
    /// <param name="item">The item, in <c>[0, ItemCount)</c>.</param>
    /// <param name="count">How many to return (at least 1); at most the item's kept neighbours come back.</param>
    /// <param name="options">Filter items or candidates (<see cref="RecommendOptions.FilterAlreadyLiked"/> is not
    /// used); <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The neighbours with their similarities.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/>, <paramref name="count"/> or an item index of the options is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    public ScoredItem[] SimilarItems(int item, int count = 10, RecommendOptions? options = null)
    {
        CheckIndex(item, ItemCount, nameof(item));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= RecommendOptions.Default;
        options.Validate();
        var columns = Similarity.GetColumnIndices(item);
        var values = Similarity.GetValues(item);
        var kept = new List<ScoredItem>(columns.Length);
        HashSet<int>? filter = options.FilterItems is null ? null : CheckedSet(options.FilterItems, "options.FilterItems", distinct: false);
        HashSet<int>? candidates = options.Candidates is null ? null : CheckedSet(options.Candidates, "options.Candidates", distinct: true);
        for (var i = 0; i < columns.Length; i++)
        {
            if ((filter is null || !filter.Contains(columns[i])) && (candidates is null || candidates.Contains(columns[i])))
            {
                kept.Add(new ScoredItem(columns[i], values[i]));
            }
        }

        kept.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
        return kept.Count <= count ? [.. kept] : [.. kept.GetRange(0, count)];
    }

    /// <summary>
    /// Why <paramref name="user"/> gets <paramref name="item"/>: the contribution <c>r_uj · s(j, item)</c> of each of
    /// the user's items <c>j</c> that keeps <paramref name="item"/> as a neighbour.
    /// </summary>
    /// <param name="user">The user, in <c>[0, UserCount)</c>.</param>
    /// <param name="item">The explained item, in <c>[0, ItemCount)</c>.</param>
    /// <param name="count">How many contributions to return (at least 1), largest by magnitude first (ties to the
    /// lower item index).</param>
    /// <returns>The explanation: its score is the sum of every contribution (what recommend scores the item, or 0
    /// when no liked item reaches it); <see cref="Explanation.UserWeights"/> is empty (the model has no factors).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/>, <paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    public Explanation Explain(int user, int item, int count = 10)
    {
        CheckIndex(user, UserCount, nameof(user));
        CheckIndex(item, ItemCount, nameof(item));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var liked = UserItems.GetColumnIndices(user);
        var values = UserItems.GetValues(user);
        var contributions = new List<ScoredItem>();
        var total = 0.0;
        for (var j = 0; j < liked.Length; j++)
        {
            var neighbours = Similarity.GetColumnIndices(liked[j]);
            var at = neighbours.BinarySearch(item);
            if (at >= 0)
            {
                var share = (double)Similarity.GetValues(liked[j])[at] * values[j];
                total += share;
                contributions.Add(new ScoredItem(liked[j], (float)share));
            }
        }

        contributions.Sort(static (a, b) =>
        {
            var byMagnitude = Math.Abs(b.Score).CompareTo(Math.Abs(a.Score));
            return byMagnitude != 0 ? byMagnitude : a.Item.CompareTo(b.Item);
        });
        var top = contributions.Count <= count ? contributions.ToArray() : contributions.GetRange(0, count).ToArray();
        return new Explanation(item, (float)total, top, ReadOnlyMemory<float>.Empty);
    }

    /// <summary>Scores the likes into the serving scratch, marks what may not be returned, and selects the best
    /// <paramref name="k"/> into <see cref="ServingScratch.Heap"/>'s output arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Rank(ReadOnlySpan<int> liked, ReadOnlySpan<float> likedValues, ReadOnlySpan<int> excluded, IReadOnlyList<int>? filter, IReadOnlyList<int>? candidates, int k, string excludedName, string valuesName)
    {
        var itemCount = ItemCount;
        var sums = Grow(ref t_sums, itemCount);
        var touched = Grow(ref t_touched, itemCount);
        var seen = Grow(ref t_seen, itemCount);
        var touchedCount = 0;
        foreach (var row in liked)
        {
            CheckIndex(row, itemCount, excludedName);
        }

        for (var j = 0; j < liked.Length; j++)
        {
            var weight = (double)likedValues[j];
            var row = liked[j];
            var columns = Similarity.GetColumnIndices(row);
            var values = Similarity.GetValues(row);
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
        try
        {
            if (candidates is null)
            {
                for (var t = 0; t < touchedCount; t++)
                {
                    scores[touched[t]] = ToScore(sums[touched[t]], touched[t], valuesName);
                }
            }
            else
            {
                for (var c = 0; c < candidates.Count; c++)
                {
                    var candidate = candidates[c];
                    CheckIndex(candidate, itemCount, "options.Candidates[" + c + "]");
                    if (!float.IsNaN(scores[candidate]))
                    {
                        ThrowHelper.ThrowArgument("options", $"options.Candidates lists {candidate} more than once.");
                    }

                    scores[candidate] = ToScore(sums[candidate], candidate, valuesName);
                }
            }
        }
        finally
        {
            for (var t = 0; t < touchedCount; t++)
            {
                sums[touched[t]] = 0;
                seen[touched[t]] = false;
            }
        }

        foreach (var item in excluded)
        {
            CheckIndex(item, itemCount, excludedName);
            scores[item] = float.NaN;
        }

        if (filter is not null)
        {
            for (var j = 0; j < filter.Count; j++)
            {
                CheckIndex(filter[j], itemCount, "options.FilterItems[" + j + "]");
                scores[filter[j]] = float.NaN;
            }
        }

        var (heapItems, heapScores, outItems, outScores) = ServingScratch.Heap(k);
        return TopK.Select(scores, outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores);
    }

    /// <summary>A summed score as a float; a sum beyond float's range (values far too large) throws rather than
    /// becoming an infinity. <see cref="Fit"/> rules this out for the training users.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToScore(double sum, int item, string valuesName)
    {
        if (Math.Abs(sum) > float.MaxValue)
        {
            ThrowHelper.ThrowArgument(valuesName, $"The score of item {item} is {sum:G3}, beyond float's range: {valuesName} are too large; scale them down.");
        }

        return (float)sum;
    }

    /// <summary>The items of an options list as a set, each checked to be in range (and, with <paramref name="distinct"/>, listed once).</summary>
    private HashSet<int> CheckedSet(IReadOnlyList<int> items, string name, bool distinct)
    {
        var set = new HashSet<int>(items.Count);
        for (var j = 0; j < items.Count; j++)
        {
            CheckIndex(items[j], ItemCount, name + "[" + j + "]");
            if (!set.Add(items[j]) && distinct)
            {
                ThrowHelper.ThrowArgument("options", $"{name} lists {items[j]} more than once.");
            }
        }

        return set;
    }

    /// <summary>Throws when an item is listed twice: a matrix row cannot hold that, and summing the two silently would
    /// weigh the item twice.</summary>
    private static void CheckDistinct(ReadOnlySpan<int> items)
    {
        for (var j = 1; j < items.Length; j++)
        {
            if (items[j] <= items[j - 1])
            {
                var sorted = items.ToArray();
                Array.Sort(sorted);
                for (var i = 1; i < sorted.Length; i++)
                {
                    if (sorted[i] == sorted[i - 1])
                    {
                        ThrowHelper.ThrowArgument(nameof(items), $"items lists item {sorted[i]} more than once; merge the values first.");
                    }
                }

                return;
            }
        }
    }

    private static void CheckLikes(ReadOnlySpan<int> items, ReadOnlySpan<float> values)
    {
        if (items.Length != values.Length)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"values has {values.Length} entries but items has {items.Length}; they must match.");
        }

        for (var j = 0; j < values.Length; j++)
        {
            if (!float.IsFinite(values[j]))
            {
                ThrowHelper.ThrowArgument(nameof(values), $"values[{j}] is {values[j]}; values must be finite.");
            }
        }
    }

    private static T[] Grow<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer;
    }

    private static void CheckIndex(int index, int count, string name)
    {
        if ((uint)index >= (uint)count)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, index, $"{name} = {index} is outside [0, {count}).");
        }
    }
}
