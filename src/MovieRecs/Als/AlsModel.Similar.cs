using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Recommendations;

namespace MovieRecs.Als;

/// <content>Similar items and similar users by cosine similarity of their factors.</content>
public sealed partial class AlsModel
{
    /// <summary>Factor norms used by cosine similarity; zero norms are replaced by 1e-10 as <c>implicit</c> does.</summary>
    private float[]? _itemNorms;
    private float[]? _userNorms;
    private StrongBox<FloatBuffer>? _itemPanels;
    private StrongBox<FloatBuffer>? _userPanels;

    /// <summary>
    /// The items most similar to <paramref name="item"/> by cosine similarity of item factors, the item itself first
    /// (similarity 1; 0 for an item whose factors are all zero, e.g. one nobody interacted with).
    /// </summary>
    /// <param name="item">The item index.</param>
    /// <param name="count">How many items to return, the query item included (at least 1).</param>
    /// <param name="options"><see cref="RecommendOptions.FilterItems"/> or <see cref="RecommendOptions.Candidates"/>
    /// restrict the items returned, the query item too: as with <c>implicit</c>'s <c>filter_items</c> and <c>items</c>,
    /// it is left out when the filter lists it or the candidates do not; <see cref="RecommendOptions.FilterAlreadyLiked"/>
    /// does not apply.</param>
    /// <returns>The similar items, most similar first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(items·k). Thread-safe. Similar to <c>implicit</c>'s <c>similar_items</c>: zero norms count as 1e-10,
    /// so items without factors score 0 instead of NaN.</remarks>
    public ScoredItem[] SimilarItems(int item, int count = 10, RecommendOptions? options = null)
    {
        CheckIndex(item, ItemCount, nameof(item));
        return Similar(item, count, options, _itemFactors, ItemNorms(), ItemPanels());
    }

    /// <summary>The users most similar to <paramref name="user"/> by cosine similarity of user factors, the user first.</summary>
    /// <param name="user">The user index.</param>
    /// <param name="count">How many users to return, the query user included (at least 1).</param>
    /// <param name="options">Filter or candidate users, as for <see cref="SimilarItems"/>.</param>
    /// <returns>The similar users (as <see cref="ScoredItem.Item"/>), most similar first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or <paramref name="count"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public ScoredItem[] SimilarUsers(int user, int count = 10, RecommendOptions? options = null)
    {
        CheckIndex(user, UserCount, nameof(user));
        var norms = Norms(ref _userNorms, _userFactors, Width);
        return Similar(user, count, options, _userFactors, norms, Panels(ref _userPanels, _userFactors, norms));
    }

    /// <summary>
    /// <see cref="SimilarItems"/> for every item, in parallel (contiguous batches, the model's worker count), identical
    /// to the single-item calls.
    /// </summary>
    /// <param name="count">How many items per query item (at least 1).</param>
    /// <param name="progress">Receives the number of items done so far, or null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One array per item.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ScoredItem[][] SimilarItemsAll(int count = 10, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return SimilarAll(ItemCount, ItemNorms(), ItemPanels(), count, progress, cancellationToken);
    }

    /// <summary>
    /// <see cref="SimilarUsers"/> for every user, in parallel, identical to the single-user calls.
    /// </summary>
    /// <param name="count">How many users per query user (at least 1).</param>
    /// <param name="progress">Receives the number of users done so far, or null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One array per user.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ScoredItem[][] SimilarUsersAll(int count = 10, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var norms = Norms(ref _userNorms, _userFactors, Width);
        return SimilarAll(UserCount, norms, Panels(ref _userPanels, _userFactors, norms), count, progress, cancellationToken);
    }

    /// <summary>
    /// All-pairs cosine top-k using symmetry: each unordered pair is scored once (<see cref="AllPairsTopK"/>), and the
    /// result equals the single-row calls bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ScoredItem[][] SimilarAll(int rows, float[] norms, FloatBuffer panels, int count, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var others = Math.Min(count, rows) - 1;
        var results = new ScoredItem[rows][];
        if (others > 0)
        {
            var heaps = AllPairsTopK.Run(Width, panels, Factors, rows, others, Options.EffectiveParallelism, progress, cancellationToken);
            try
            {
                for (var q = 0; q < rows; q++)
                {
                    var result = new ScoredItem[others + 1];
                    result[0] = new ScoredItem(q, norms[q] <= 1e-10f ? 0f : 1f);
                    var written = PairHeaps.DrainAll(heaps, q, result.AsSpan(1));
                    results[q] = written == others ? result : result[..(written + 1)];
                }
            }
            finally
            {
                foreach (var h in heaps)
                {
                    h.Dispose();
                }
            }
        }
        else
        {
            for (var q = 0; q < rows; q++)
            {
                results[q] = [new ScoredItem(q, norms[q] <= 1e-10f ? 0f : 1f)];
            }
        }

        return results;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ScoredItem[] Similar(int index, int count, RecommendOptions? options, FactorMatrix factors, float[] norms, FloatBuffer panels)
    {
        var rowCount = factors.Rows;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= RecommendOptions.Default;
        options.Validate();
        if (options.Candidates is { } candidates)
        {
            CheckCandidates(candidates, rowCount);
        }

        // The same blocked kernel as the batch form (the query in the first of its four slots), so a single call
        // and the batch give bit-identical similarities.
        var queries = ServingScratch.Query(4 * Factors);
        NormalizedRow(factors, index, norms, queries[..Factors]);
        var scores = ServingScratch.Scores(4 * rowCount);
        SimilarityKernels.Score4(Width, queries, panels.Span, Factors, rowCount, scores, rowCount);
        var row = scores[..rowCount];
        if (options.Candidates is { } keep)
        {
            var marks = ServingScratch.Marks(rowCount);
            foreach (var c in keep)
            {
                marks[c] = true;
            }

            for (var i = 0; i < rowCount; i++)
            {
                if (!marks[i])
                {
                    row[i] = float.NaN;
                }
            }

            foreach (var c in keep)
            {
                marks[c] = false;
            }
        }

        var leftOut = options.Candidates is { } listed ? !Contains(listed, index) : options.FilterItems is { } filtered && Contains(filtered, index);
        return SelectSimilar(index, count, options.FilterItems, norms, row, leftOut);
    }

    /// <summary>
    /// The query first (similarity 1, or 0 for an all-zero row), unless the options leave it out, then the best
    /// others of <paramref name="scores"/>.
    /// </summary>
    private static ScoredItem[] SelectSimilar(int index, int count, IReadOnlyList<int>? filter, float[] norms, Span<float> scores, bool leftOut)
    {
        var result = new ScoredItem[Math.Min(count, scores.Length)];
        var first = leftOut ? 0 : 1;
        if (!leftOut)
        {
            result[0] = new ScoredItem(index, norms[index] <= 1e-10f ? 0f : 1f);
        }

        ReadOnlySpan<int> self = [index];
        var written = first + SelectInto(scores, self, filter, result.AsSpan(first), nameof(index));
        return written == result.Length ? result : result[..written];
    }

    private static bool Contains(IReadOnlyList<int> list, int value)
    {
        for (var j = 0; j < list.Count; j++)
        {
            if (list[j] == value)
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizedRow(FactorMatrix factors, int row, float[] norms, Span<float> destination)
    {
        var inverse = 1f / norms[row];
        var source = factors.Row(row);
        for (var f = 0; f < source.Length; f++)
        {
            destination[f] = source[f] * inverse;
        }
    }

    private float[] ItemNorms() => Norms(ref _itemNorms, _itemFactors, Width);

    private FloatBuffer ItemPanels() => Panels(ref _itemPanels, _itemFactors, ItemNorms());

    private static FloatBuffer Panels(ref StrongBox<FloatBuffer>? cache, FactorMatrix factors, float[] norms)
    {
        // Built once per model, like the norms; a race builds the same values twice.
        var panels = Volatile.Read(ref cache);
        if (panels is null)
        {
            panels = new StrongBox<FloatBuffer>(SimilarityKernels.PackNormalized(factors, norms));
            Volatile.Write(ref cache, panels);
        }

        return panels.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] Norms(ref float[]? cache, FactorMatrix factors, SimdWidth width)
    {
        // Computed once per model; a race computes the same values twice, never a torn or partial array.
        var norms = Volatile.Read(ref cache);
        if (norms is not null)
        {
            return norms;
        }

        norms = new float[factors.Rows];
        SimilarityKernels.RowNorms(width, factors, norms);

        Volatile.Write(ref cache, norms);
        return norms;
    }
}
