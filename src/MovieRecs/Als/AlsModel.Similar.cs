using System.Numerics.Tensors;
using MovieRecs.Internal;
using MovieRecs.Recommendations;

namespace MovieRecs.Als;

/// <content>Similar items and similar users by cosine similarity of their factors.</content>
public sealed partial class AlsModel
{
    /// <summary>Factor norms used by cosine similarity; zero norms are replaced by 1e-10 as <c>implicit</c> does.</summary>
    private float[]? _itemNorms;
    private float[]? _userNorms;

    /// <summary>
    /// The items most similar to <paramref name="item"/> by cosine similarity of item factors, the item itself first
    /// (similarity 1; 0 for an item whose factors are all zero, e.g. one nobody interacted with).
    /// </summary>
    /// <param name="item">The item index.</param>
    /// <param name="count">How many items to return, the query item included (at least 1).</param>
    /// <param name="options"><see cref="RecommendOptions.FilterItems"/> or <see cref="RecommendOptions.Candidates"/>
    /// restrict the others; <see cref="RecommendOptions.FilterAlreadyLiked"/> does not apply.</param>
    /// <returns>The similar items, most similar first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(items·k). Thread-safe. Similar to <c>implicit</c>'s <c>similar_items</c>: zero norms count as 1e-10,
    /// so items without factors score 0 instead of NaN.</remarks>
    public ScoredItem[] SimilarItems(int item, int count = 10, RecommendOptions? options = null)
    {
        CheckIndex(item, ItemCount, nameof(item));
        return Similar(item, count, options, ItemFactorStorage, ItemCount, Norms(ref _itemNorms, _itemFactors, ItemCount));
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
        return Similar(user, count, options, UserFactorStorage, UserCount, Norms(ref _userNorms, _userFactors, UserCount));
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
        var norms = Norms(ref _itemNorms, _itemFactors, ItemCount);
        var results = new ScoredItem[ItemCount][];
        ForEachBatch(
            ItemCount,
            progress,
            (start, end) =>
            {
                for (var i = start; i < end; i++)
                {
                    results[i] = Similar(i, count, null, ItemFactorStorage, ItemCount, norms);
                }
            },
            cancellationToken);
        return results;
    }

    private ScoredItem[] Similar(int index, int count, RecommendOptions? options, ReadOnlySpan<float> rows, int rowCount, float[] norms)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= RecommendOptions.Default;
        options.Validate();
        var result = new ScoredItem[Math.Min(count, rowCount)];
        var query = ServingScratch.Query(Stride);
        rows.Slice(index * Stride, Stride).CopyTo(query);
        var selfNormIsZero = norms[index] <= 1e-10f;
        result[0] = new ScoredItem(index, selfNormIsZero ? 0f : 1f);
        ReadOnlySpan<int> self = [index];
        var written = RankRows(query, rows, rowCount, norms, norms[index], self, options, result.AsSpan(1), nameof(index));
        return written + 1 == result.Length ? result : result[..(written + 1)];
    }

    private float[] Norms(ref float[]? cache, float[] factors, int rows)
    {
        // Computed once per model; a race computes the same values twice, never a torn or partial array.
        var norms = Volatile.Read(ref cache);
        if (norms is not null)
        {
            return norms;
        }

        norms = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var norm = TensorPrimitives.Norm(factors.AsSpan(r * Stride, Factors));
            norms[r] = norm == 0f ? 1e-10f : norm;
        }

        Volatile.Write(ref cache, norms);
        return norms;
    }
}
