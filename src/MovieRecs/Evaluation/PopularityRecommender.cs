using System.Buffers;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

/// <summary>
/// The baseline every model must beat: recommends to everybody the items that the most users interacted with in
/// the training matrix (ties broken by lower item index), skipping each user's excluded items.
/// </summary>
/// <remarks>
/// Popularity counts users, not values: an item rated 5 by one user is less popular than an item rated 3 by two.
/// Immutable and safe to call from many threads at once.
/// </remarks>
public sealed class PopularityRecommender : IRecommender
{
    /// <summary>Item counts up to this many bits use a stack bitmap for the excluded items.</summary>
    private const int StackBitmapItems = 1 << 16;

    private readonly int[] _userCounts;
    private readonly int[] _ranking;

    /// <summary>Counts the users of every item of <paramref name="userItems"/> and ranks the items.</summary>
    /// <param name="userItems">The user x item training matrix.</param>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <remarks>O(nnz + items log items); keeps two int arrays of the item count.</remarks>
    public PopularityRecommender(CsrMatrix userItems)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        UserCount = userItems.RowCount;
        _userCounts = userItems.GetColumnCounts();

        // Most users first, then lower index: sort (int.MaxValue - count, item) ascending as one 64-bit key.
        var keys = new long[_userCounts.Length];
        _ranking = new int[_userCounts.Length];
        for (var item = 0; item < keys.Length; item++)
        {
            keys[item] = ((long)(int.MaxValue - _userCounts[item]) << 32) | (uint)item;
            _ranking[item] = item;
        }

        Array.Sort(keys, _ranking);
    }

    /// <inheritdoc/>
    public int UserCount { get; }

    /// <inheritdoc/>
    public int ItemCount => _userCounts.Length;

    /// <summary>The number of training users of each item (its popularity), indexed by item.</summary>
    public ReadOnlySpan<int> UserCounts => _userCounts;

    /// <summary>Every item, most popular first (ties by lower index): the list each user is served from.</summary>
    public ReadOnlySpan<int> RankedItems => _ranking;

    /// <summary>
    /// Writes the most popular items not in <paramref name="excludeItems"/>, most popular first (ties by lower
    /// index), with their user counts as scores. <paramref name="user"/> only has to be valid: everybody gets the
    /// same ranking.
    /// </summary>
    /// <param name="user">The user, in <c>[0, UserCount)</c>.</param>
    /// <param name="excludeItems">Items never to return, in any order (duplicates allowed).</param>
    /// <param name="items">Receives the item indices; its length is how many are wanted.</param>
    /// <param name="scores">Receives each item's user count; at least as long as <paramref name="items"/>.</param>
    /// <returns>The number of items written: the smaller of <paramref name="items"/>' length and the number of
    /// items not excluded.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an excluded item is out of range
    /// (the message names its position).</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is shorter than <paramref name="items"/>.</exception>
    /// <remarks>O(items / 64 + |excludeItems| + returned + skipped); no allocation up to 65,536 items (a pooled
    /// array above). Thread-safe.</remarks>
    public int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores)
    {
        if ((uint)user >= (uint)UserCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(user), user, $"user must be in [0, {UserCount}).");
        }

        if (scores.Length < items.Length)
        {
            ThrowHelper.ThrowArgument(nameof(scores), $"scores has {scores.Length} entries but items has {items.Length}; it must be at least as long.");
        }

        var words = (ItemCount + 63) >> 6;
        ulong[]? rented = null;
        var excluded = ItemCount <= StackBitmapItems
            ? stackalloc ulong[words]
            : (rented = ArrayPool<ulong>.Shared.Rent(words)).AsSpan(0, words);
        try
        {
            excluded.Clear();
            for (var i = 0; i < excludeItems.Length; i++)
            {
                var item = excludeItems[i];
                if ((uint)item >= (uint)ItemCount)
                {
                    ThrowHelper.ThrowArgumentOutOfRange(nameof(excludeItems), item, $"excludeItems[{i}] is {item}; items must be in [0, {ItemCount}).");
                }

                excluded[item >> 6] |= 1UL << (item & 63);
            }

            var written = 0;
            var ranking = _ranking;
            for (var r = 0; r < ranking.Length && written < items.Length; r++)
            {
                var item = ranking[r];
                if ((excluded[item >> 6] & (1UL << (item & 63))) == 0)
                {
                    items[written] = item;
                    scores[written] = _userCounts[item];
                    written++;
                }
            }

            return written;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }
}
