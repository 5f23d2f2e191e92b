using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <content>Recommending items: single user, new user (fold-in), batches, scores and ranking.</content>
public sealed partial class AlsModel : IRecommender
{
    /// <summary>
    /// The top items for <paramref name="user"/> by score <c>x_u · y_i</c>, best first (ties to the lower item index).
    /// </summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items (their row of the training matrix), filtered out when
    /// <see cref="RecommendOptions.FilterAlreadyLiked"/> is set; any order.</param>
    /// <param name="count">How many items to return (at least 1); fewer come back when fewer items are eligible.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items with their scores, never a filtered item, never NaN.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/>, <paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(items·k) to score plus O(items + count·log count) to select. Thread-safe; scratch is per thread.</remarks>
    public ScoredItem[] Recommend(int user, ReadOnlySpan<int> likedItems, int count = 10, RecommendOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var buffer = new ScoredItem[Math.Min(count, ItemCount)];
        var written = Recommend(user, likedItems, buffer, options);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Writes the top items for <paramref name="user"/> into <paramref name="destination"/>, allocating nothing once warmed up.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items, filtered when <see cref="RecommendOptions.FilterAlreadyLiked"/> is set.</param>
    /// <param name="destination">Receives the items, best first; its length is how many are wanted.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The number of items written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    public int Recommend(int user, ReadOnlySpan<int> likedItems, Span<ScoredItem> destination, RecommendOptions? options = null)
    {
        CheckIndex(user, UserCount, nameof(user));
        options ??= RecommendOptions.Default;
        options.Validate();
        var query = ServingScratch.Query(Stride);
        _userFactors.PaddedRow(user).CopyTo(query);
        return RankInto(query, options.FilterAlreadyLiked ? likedItems : default, options, destination, nameof(likedItems));
    }

    /// <summary>
    /// <see cref="Recommend(int, ReadOnlySpan{int}, Span{ScoredItem}, RecommendOptions?)"/> by scoring every item (never
    /// pruned): the reference the pruned ranking must equal, and the baseline it is measured against.
    /// </summary>
    internal int RecommendFullScan(int user, ReadOnlySpan<int> likedItems, Span<ScoredItem> destination)
    {
        CheckIndex(user, UserCount, nameof(user));
        var query = ServingScratch.Query(Stride);
        _userFactors.PaddedRow(user).CopyTo(query);
        return RankInto(query, likedItems, RecommendOptions.Default, destination, nameof(likedItems), prune: false);
    }

    /// <summary>The top items for <paramref name="user"/>, filtering their row of <paramref name="userItems"/> (the training matrix).</summary>
    /// <param name="user">The user index; also the row of <paramref name="userItems"/>.</param>
    /// <param name="userItems">The user x item matrix the model was trained on (only row <paramref name="user"/> is read).</param>
    /// <param name="count">How many items to return (at least 1).</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> has more columns than the model has items, or the options are inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not a row of both, or <paramref name="count"/> &lt; 1.</exception>
    public ScoredItem[] Recommend(int user, CsrMatrix userItems, int count = 10, RecommendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        CheckMatrixColumns(userItems);
        CheckIndex(user, userItems.RowCount, nameof(user));
        return Recommend(user, userItems.GetColumnIndices(user), count, options);
    }

    /// <summary>
    /// Recommends for a user who is not in the model, described only by (item, value) pairs: their factors are
    /// solved exactly against the fixed item factors (fold-in, as <c>implicit</c>'s <c>recalculate_user</c>), then
    /// items are ranked. The model does not change.
    /// </summary>
    /// <param name="items">The items the new user has, distinct, in range.</param>
    /// <param name="values">The value of each (e.g. a rating of 5 for a favourite).</param>
    /// <param name="count">How many items to return (at least 1).</param>
    /// <param name="options">Filtering (the given items count as already liked) and candidates.</param>
    /// <returns>The recommended items, best first.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item is out of range or <paramref name="count"/> &lt; 1.</exception>
    /// <remarks>O(n·k² + k³) for the solve, then as <see cref="Recommend(int, ReadOnlySpan{int}, int, RecommendOptions?)"/>.</remarks>
    public ScoredItem[] RecommendForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, int count = 10, RecommendOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= RecommendOptions.Default;
        options.Validate();
        var query = new float[Stride];
        RecalculateUser(items, values, query);
        var buffer = new ScoredItem[Math.Min(count, ItemCount)];
        var written = RankInto(query, options.FilterAlreadyLiked ? items : default, options, buffer, nameof(items));
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>
    /// Recommends for every user of <paramref name="userItems"/> (row <c>u</c> is user <c>u</c>) in parallel, with the
    /// same results as calling <see cref="Recommend(int, CsrMatrix, int, RecommendOptions?)"/> for each.
    /// </summary>
    /// <param name="userItems">The training matrix (or any matrix whose rows are users of this model).</param>
    /// <param name="count">How many items per user (at least 1).</param>
    /// <param name="options">Filtering and candidates for every user.</param>
    /// <param name="progress">Receives the number of users done so far, per batch, or null.</param>
    /// <param name="cancellationToken">Stops between batches of users.</param>
    /// <returns>One array of recommendations per row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> does not fit the model, or the options are inconsistent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Memory is the result (rows x count) plus a score buffer of 16 users per worker: the users x items score
    /// matrix is never formed. Without candidates, users are scored 16 at a time, so each pass over the item factors
    /// serves 16 users. Uses up to <see cref="AlsOptions.MaxDegreeOfParallelism"/> threads in contiguous batches of users.</remarks>
    public ScoredItem[][] RecommendAll(
        CsrMatrix userItems, int count = 10, RecommendOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        RecommendAllCore(userItems, count, options, progress, pairRows: true, cancellationToken);

    /// <summary>
    /// <see cref="RecommendAll"/> with the 512-bit tile that reads the item factors in place (two queries per register,
    /// each row inserted into both halves) instead of their paired copy: the previous kernel, kept as the baseline the
    /// paired one is measured against. Same results.
    /// </summary>
    internal ScoredItem[][] RecommendAllUnpaired(CsrMatrix userItems, int count) =>
        RecommendAllCore(userItems, count, null, null, pairRows: false, default);

    private ScoredItem[][] RecommendAllCore(
        CsrMatrix userItems, int count, RecommendOptions? options, IProgress<int>? progress, bool pairRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        CheckMatrixColumns(userItems);
        if (userItems.RowCount > UserCount)
        {
            ThrowHelper.ThrowArgument(nameof(userItems), $"userItems has {userItems.RowCount} rows but the model has {UserCount} users.");
        }

        options ??= RecommendOptions.Default;
        options.Validate();
        var results = new ScoredItem[userItems.RowCount][];
        PairedRows? paired = null;
        if (pairRows && options.Candidates is null && ScoringKernels.PairsRows(Width, Stride))
        {
            paired = PairedItemCopy();
        }

        ForEachBatch(
            userItems.RowCount,
            progress,
            (start, end) =>
            {
                if (options.Candidates is null)
                {
                    // Blocks of users share each pass over the item factors; the scores are the single call's bits.
                    for (var u = start; u < end; u += ScoringKernels.BlockQueries)
                    {
                        RecommendBlock(u, Math.Min(ScoringKernels.BlockQueries, end - u), userItems, count, options, paired, results);
                    }
                }
                else
                {
                    for (var u = start; u < end; u++)
                    {
                        results[u] = Recommend(u, userItems.GetColumnIndices(u), count, options);
                    }
                }
            },
            cancellationToken);
        return results;
    }

    /// <summary>Recommends for users <paramref name="first"/> .. + <paramref name="users"/> - 1 (at most <see cref="ScoringKernels.BlockQueries"/>, no candidates) into <paramref name="results"/>.</summary>
    /// <remarks>With <paramref name="paired"/> (the item factors' paired copy), the block is scored by the paired 512-bit
    /// tile, which writes whole groups of eight items, so each user's scores take a stride of whole groups.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecommendBlock(int first, int users, CsrMatrix userItems, int count, RecommendOptions options, PairedRows? paired, ScoredItem[][] results)
    {
        var queries = _userFactors.Storage.Slice(first * Stride, users * Stride);
        Span<float> scores;
        int scoreStride;
        if (paired is not null)
        {
            scoreStride = paired.Groups * PairedRows.GroupRows;
            scores = ServingScratch.BlockScores(users * scoreStride);
            ScoringKernels.ScoreBlockPaired(Width, queries, users, Stride, paired, _itemFactors.Storage, scores, scoreStride);
        }
        else
        {
            scoreStride = ItemCount;
            scores = ServingScratch.BlockScores(users * scoreStride);
            ScoringKernels.ScoreBlock(Width, queries, users, _itemFactors.Storage, Stride, ItemCount, scores, scoreStride, Factors);
        }

        for (var j = 0; j < users; j++)
        {
            var u = first + j;
            var liked = options.FilterAlreadyLiked ? userItems.GetColumnIndices(u) : default;
            var buffer = new ScoredItem[Math.Min(count, ItemCount)];
            var written = SelectInto(scores.Slice(j * scoreStride, ItemCount), liked, options.FilterItems, buffer, nameof(userItems), seeded: paired is not null);
            results[u] = written == buffer.Length ? buffer : buffer[..written];
        }
    }

    private PairedRows? _pairedItems;
    private object? _pairedItemsLock;

    /// <summary>The item factors paired for the 512-bit batch tile (<see cref="PairedRows"/>), built on first use, once (thread-safe).</summary>
    internal PairedRows PairedItemCopy() =>
        Volatile.Read(ref _pairedItems)
        ?? LazyInitializer.EnsureInitialized(ref _pairedItems, ref _pairedItemsLock, () => PairedRows.Build(_itemFactors));

    /// <summary>The score <c>x_u · y_i</c> of one (user, item) pair.</summary>
    /// <param name="user">The user index.</param>
    /// <param name="item">The item index.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Score(int user, int item)
    {
        CheckIndex(user, UserCount, nameof(user));
        CheckIndex(item, ItemCount, nameof(item));
        return System.Numerics.Tensors.TensorPrimitives.Dot(GetUserFactors(user), GetItemFactors(item));
    }

    /// <summary>The scores of (user, item) pairs: <c>destination[j] = x_users[j] · y_items[j]</c>.</summary>
    /// <param name="users">The user of each pair.</param>
    /// <param name="items">The item of each pair.</param>
    /// <param name="destination">Receives one score per pair.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (the message names its position).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Score(ReadOnlySpan<int> users, ReadOnlySpan<int> items, Span<float> destination)
    {
        if (items.Length != users.Length || destination.Length < users.Length)
        {
            ThrowHelper.ThrowArgument(nameof(items), $"users ({users.Length}), items ({items.Length}) and destination ({destination.Length}) must have the same length.");
        }

        for (var j = 0; j < users.Length; j++)
        {
            CheckIndexAt(users[j], UserCount, nameof(users), j);
            CheckIndexAt(items[j], ItemCount, nameof(items), j);
            destination[j] = System.Numerics.Tensors.TensorPrimitives.Dot(GetUserFactors(users[j]), GetItemFactors(items[j]));
        }
    }

    /// <summary>Orders the given items for <paramref name="user"/>, best first (nothing filtered).</summary>
    /// <param name="user">The user index.</param>
    /// <param name="items">Distinct items to rank.</param>
    /// <returns>All of <paramref name="items"/> with scores, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">An item repeats.</exception>
    public ScoredItem[] Rank(int user, ReadOnlySpan<int> items)
    {
        CheckIndex(user, UserCount, nameof(user));
        if (items.IsEmpty)
        {
            return [];
        }

        return Recommend(user, ReadOnlySpan<int>.Empty, items.Length, new RecommendOptions { FilterAlreadyLiked = false, Candidates = items.ToArray() });
    }

    /// <inheritdoc/>
    int IRecommender.Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        if (scores.Length < items.Length)
        {
            ThrowHelper.ThrowArgument(nameof(scores), $"scores has {scores.Length} entries but items has {items.Length}.");
        }

        CheckIndex(user, UserCount, nameof(user));
        var query = ServingScratch.Query(Stride);
        _userFactors.PaddedRow(user).CopyTo(query);
        var buffer = ServingScratch.Results(items.Length);
        var written = RankInto(query, excludeItems, RecommendOptions.Default, buffer, nameof(excludeItems));
        for (var j = 0; j < written; j++)
        {
            items[j] = buffer[j].Item;
            scores[j] = buffer[j].Score;
        }

        return written;
    }

    /// <summary>Ranks the item rows against <paramref name="query"/> (stride floats) into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RankInto(ReadOnlySpan<float> query, ReadOnlySpan<int> liked, RecommendOptions options, Span<ScoredItem> destination, string likedName, bool prune = true)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        var scores = ServingScratch.Scores(ItemCount);
        var candidates = options.Candidates;
        if (candidates is null)
        {
            if (prune && PrunesSingleQueries)
            {
                var pruned = RankPruned(Width, query, liked, options.FilterItems, destination, likedName);
                if (pruned >= 0)
                {
                    return pruned;
                }

                scores = ServingScratch.Scores(ItemCount);
            }

            ScoringKernels.Score(Width, query, _itemFactors.Storage, Stride, scores);
        }
        else
        {
            // Score only the candidates; everything else is marked as not selectable.
            scores.Fill(float.NaN);
            CheckCandidates(candidates, ItemCount);
            for (var j = 0; j < candidates.Count; j++)
            {
                var c = candidates[j];
                ScoringKernels.Score(Width, query, _itemFactors.PaddedRow(c), Stride, scores.Slice(c, 1));
            }
        }

        return SelectInto(scores, liked, options.FilterItems, destination, likedName);
    }

    /// <summary>
    /// Whether single queries go through <see cref="RankPruned"/> first: on 256-bit and wider accelerated kernels, and
    /// with enough items for the quantized copy to pay (below that, the full scan is a few microseconds).
    /// </summary>
    private bool PrunesSingleQueries => ItemCount >= PruneMinItems && Width >= SimdWidth.Vector256 && KernelTable.IsAccelerated(Width);

    /// <summary>Items from which single queries are pruned with the quantized copy of the item factors.</summary>
    internal const int PruneMinItems = 512;

    private QuantizedItems? _quantizedItems;
    private object? _quantizedItemsLock;

    /// <summary>The quantized serving copy of the item factors, built on first use, once (thread-safe).</summary>
    internal QuantizedItems QuantizedItemCopy() =>
        Volatile.Read(ref _quantizedItems)
        ?? LazyInitializer.EnsureInitialized(ref _quantizedItems, ref _quantizedItemsLock, () => QuantizedItems.Build(_itemFactors));

    /// <summary>
    /// The full scan's answer without scoring every item in float: the quantized copy bounds every score from both sides
    /// (<see cref="QuantizedItems"/>), and only the items whose upper bound reaches the k-th best lower bound are scored
    /// with the full scan's kernel and selected with its order, which gives the same items, scores and order. Returns -1,
    /// having written nothing, when that would not pay (too many candidates or items wanted) or the bound does not apply.
    /// The k-th lower bound and the candidates come out of the integer scan itself (<see cref="QuantizedItems.Prune"/>),
    /// with excluded items as a bit mask.
    /// </summary>
    /// <param name="scanWidth">The width of the integer scan (any width gives the same bounds).</param>
    /// <param name="query">The user's factors, <see cref="Stride"/> floats.</param>
    /// <param name="excluded">Items never returned (already liked).</param>
    /// <param name="filter">More items never returned, or null.</param>
    /// <param name="destination">Receives the best items, best first.</param>
    /// <param name="excludedName">The argument named when an excluded item is out of range.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int RankPruned(
        SimdWidth scanWidth, ReadOnlySpan<float> query, ReadOnlySpan<int> excluded, IReadOnlyList<int>? filter, Span<ScoredItem> destination, string excludedName)
    {
        var k = destination.Length;
        if (!TryPrepareQuantized(query, k, out var copy, out var pairCodes, out var scale, out var a, out var b))
        {
            return -1;
        }

        var limit = Math.Max(4 * k, ItemCount / 32);
        var (mask, heap, ids, uppers) = QuantizedItems.PruneScratch(copy.MaskWords, k, (2 * limit) + 1);
        copy.ResetMask(mask);
        foreach (var item in excluded)
        {
            CheckIndex(item, ItemCount, excludedName);
            mask[item >> 6] |= 1UL << (item & 63);
        }

        if (filter is not null)
        {
            for (var j = 0; j < filter.Count; j++)
            {
                var item = filter[j];
                CheckIndexAt(item, ItemCount, "options.FilterItems", j);
                mask[item >> 6] |= 1UL << (item & 63);
            }
        }

        var found = copy.Prune(scanWidth, pairCodes, scale, a, b, mask, k, heap, ids.AsSpan(0, (2 * limit) + 1), uppers, limit);
        if (found < 0)
        {
            return -1;
        }

        return RescoreCandidates(query, ids.AsSpan(0, found), destination);
    }

    /// <summary>
    /// The previous form of <see cref="RankPruned"/>, kept as the baseline it is measured against: every bound stored,
    /// then the k-th best lower bound selected and the candidates collected in two more passes. Same answer.
    /// </summary>
    /// <param name="scanWidth">The width of the integer scan (any width gives the same bounds).</param>
    /// <param name="query">The user's factors, <see cref="Stride"/> floats.</param>
    /// <param name="excluded">Items never returned (already liked).</param>
    /// <param name="filter">More items never returned, or null.</param>
    /// <param name="destination">Receives the best items, best first.</param>
    /// <param name="excludedName">The argument named when an excluded item is out of range.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int RankPrunedTwoPass(
        SimdWidth scanWidth, ReadOnlySpan<float> query, ReadOnlySpan<int> excluded, IReadOnlyList<int>? filter, Span<ScoredItem> destination, string excludedName)
    {
        var k = destination.Length;
        if (!TryPrepareQuantized(query, k, out var copy, out var pairCodes, out var scale, out var a, out var b))
        {
            return -1;
        }

        var columns = copy.Panels * QuantizedItems.PanelItems;
        var lower = ServingScratch.Scores(columns);
        var upper = ServingScratch.UpperBounds(columns);
        copy.Bound(scanWidth, pairCodes, scale, a, b, lower, upper);
        foreach (var item in excluded)
        {
            CheckIndex(item, ItemCount, excludedName);
            lower[item] = float.NaN;
            upper[item] = float.NaN;
        }

        if (filter is not null)
        {
            for (var j = 0; j < filter.Count; j++)
            {
                CheckIndexAt(filter[j], ItemCount, "options.FilterItems", j);
                lower[filter[j]] = float.NaN;
                upper[filter[j]] = float.NaN;
            }
        }

        // τ: the k-th best lower bound of a selectable item; no more than k selectable items leaves it to the full scan.
        var (heapItems, heapScores, outItems, outScores) = ServingScratch.Heap(k);
        if (TopK.Select(lower[..ItemCount], outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores) < k)
        {
            return -1;
        }

        var limit = Math.Max(4 * k, ItemCount / 32);
        var ids = ServingScratch.CandidateItems(limit);
        var found = TopK.AtLeast(upper[..ItemCount], outScores[k - 1], ids);
        if (found < 0)
        {
            return -1;
        }

        return RescoreCandidates(query, ids[..found], destination);
    }

    /// <summary>
    /// The start of both pruned rankings: whether pruning applies to <paramref name="k"/> items wanted, and the
    /// quantized copy with the query's codes, scale and error terms; false when the full scan should answer instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPrepareQuantized(
        ReadOnlySpan<float> query, int k, out QuantizedItems copy, out Span<int> pairCodes, out float scale, out float a, out float b)
    {
        if (k == 0 || k > Math.Max(16, ItemCount / 64))
        {
            copy = null!;
            pairCodes = default;
            (scale, a, b) = (0f, 0f, 0f);
            return false;
        }

        copy = QuantizedItemCopy();
        pairCodes = ServingScratch.PairCodes(copy.Pairs);
        return copy.PrepareQuery(query, pairCodes, out scale, out a, out b);
    }

    /// <summary>
    /// Scores the candidate items as the full scan scores them and selects the best into <paramref name="destination"/>
    /// with its order: the rows are gathered first (independent loads, so they arrive from memory together), then each
    /// is scored with its own accumulators, so the same bits wherever it sits; the candidates are in item order, so
    /// <see cref="TopK"/>'s tie rule (lower position first) is the full scan's (lower item first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RescoreCandidates(ReadOnlySpan<float> query, ReadOnlySpan<int> candidates, Span<ScoredItem> destination)
    {
        var k = destination.Length;
        var found = candidates.Length;
        var exact = ServingScratch.CandidateScores(found);
        var rows = ServingScratch.CandidateRows(found * Stride);
        for (var j = 0; j < found; j++)
        {
            _itemFactors.PaddedRow(candidates[j]).CopyTo(rows.Slice(j * Stride, Stride));
        }

        ScoringKernels.Score(Width, query, rows, Stride, exact);
        var (heapItems, heapScores, outItems, outScores) = ServingScratch.Heap(k);
        var written = TopK.Select(exact, outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores);
        for (var j = 0; j < written; j++)
        {
            destination[j] = new ScoredItem(candidates[outItems[j]], outScores[j]);
        }

        return written;
    }

    /// <summary>Marks the excluded and filtered entries of <paramref name="scores"/> and selects the best into <paramref name="destination"/>.</summary>
    /// <remarks>With <paramref name="seeded"/>, the selection runs through <see cref="SeededTopK"/> (same result).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SelectInto(
        Span<float> scores, ReadOnlySpan<int> excluded, IReadOnlyList<int>? filter, Span<ScoredItem> destination, string excludedName, bool seeded = false)
    {
        var k = destination.Length;
        foreach (var item in excluded)
        {
            CheckIndex(item, scores.Length, excludedName);
            scores[item] = float.NaN;
        }

        if (filter is not null)
        {
            for (var j = 0; j < filter.Count; j++)
            {
                CheckIndexAt(filter[j], scores.Length, "options.FilterItems", j);
                scores[filter[j]] = float.NaN;
            }
        }

        var (heapItems, heapScores, outItems, outScores) = ServingScratch.Heap(k);
        var written = seeded
            ? SeededTopK.Select(
                scores, outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores,
                ServingScratch.CandidateItems(SeededTopK.MaxCandidates), ServingScratch.CandidateScores(SeededTopK.MaxCandidates))
            : TopK.Select(scores, outItems.AsSpan(0, k), outScores.AsSpan(0, k), heapItems, heapScores);
        for (var j = 0; j < written; j++)
        {
            destination[j] = new ScoredItem(outItems[j], outScores[j]);
        }

        return written;
    }

    /// <summary>Checks that candidates are in range and distinct (the marks scratch is left all false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckCandidates(IReadOnlyList<int> candidates, int count)
    {
        var marks = ServingScratch.Marks(count);
        for (var j = 0; j < candidates.Count; j++)
        {
            var c = candidates[j];
            if ((uint)c >= (uint)count)
            {
                ClearMarks(marks, candidates, j);
                CheckIndex(c, count, "options.Candidates[" + j + "]");
            }

            if (marks[c])
            {
                ClearMarks(marks, candidates, j);
                ThrowHelper.ThrowArgument("options", $"options.Candidates lists {c} more than once.");
            }

            marks[c] = true;
        }

        ClearMarks(marks, candidates, candidates.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClearMarks(bool[] marks, IReadOnlyList<int> candidates, int upTo)
    {
        for (var j = 0; j < upTo; j++)
        {
            marks[candidates[j]] = false;
        }
    }

    private void CheckMatrixColumns(CsrMatrix userItems)
    {
        if (userItems.ColumnCount > ItemCount)
        {
            ThrowHelper.ThrowArgument(nameof(userItems), $"userItems has {userItems.ColumnCount} columns but the model has {ItemCount} items.");
        }
    }

    private static void CheckIndex(int index, int count, string name)
    {
        if ((uint)index >= (uint)count)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, index, $"{name} = {index} is outside [0, {count}).");
        }
    }

    /// <summary><see cref="CheckIndex"/> for element <paramref name="position"/> of a list, naming it only on failure (no allocation).</summary>
    private static void CheckIndexAt(int index, int count, string listName, int position)
    {
        if ((uint)index >= (uint)count)
        {
            CheckIndex(index, count, $"{listName}[{position}]");
        }
    }

    /// <summary>Runs <paramref name="body"/> over contiguous batches of <c>[0, count)</c> on the model's worker count.</summary>
    private void ForEachBatch(int count, IProgress<int>? progress, Action<int, int> body, CancellationToken cancellationToken)
    {
        const int batch = 64;
        var batches = (count + batch - 1) / batch;
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.EffectiveParallelism, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, batches, parallel, b =>
            {
                var start = b * batch;
                var end = Math.Min(count, start + batch);
                body(start, end);
                var total = Interlocked.Add(ref done, end - start);
                progress?.Report(total);
            });
        }
        catch (AggregateException e)
        {
            ThrowHelper.ThrowFirstInner(e);
        }
    }
}
