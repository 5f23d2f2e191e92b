using System.Diagnostics;
using MovieRecs.Sparse;

namespace MovieRecs.Bpr;

/// <summary>
/// The stratification of a fit with <see cref="Threads"/> threads <c>T</c>: the users cut into <c>T</c> contiguous
/// blocks of about equal stored entries, the items dealt into <c>T</c> strata of about equal stored entries, and the
/// stored entries grouped by (user block, item stratum) so a thread can draw a uniformly random entry of one group.
/// </summary>
/// <remarks>
/// Within a group the entries keep the matrix's order, so with one thread the positives are the matrix's entries in
/// row order and the negatives its column indices in the same order, the arrays <c>implicit</c> samples from.
/// Memory: 12 bytes per stored entry, plus, when built for negative checks, a bit set of the items of every user with
/// at least <c>items / 64</c> entries (at most 8 bytes per stored entry of those users).
/// </remarks>
internal sealed class BprSamplingPlan
{
    private BprSamplingPlan(
        int threads, int[] positives, int[] positiveStarts, int[] negativeItems, int[] negativeStarts, int[] userBitStarts, ulong[] userBits)
    {
        Threads = threads;
        Positives = positives;
        PositiveStarts = positiveStarts;
        NegativeItems = negativeItems;
        NegativeStarts = negativeStarts;
        UserBitStarts = userBitStarts;
        UserBits = userBits;
    }

    /// <summary>The number of user blocks, item strata and threads.</summary>
    public int Threads { get; }

    /// <summary>
    /// Every stored entry as a pair (user at <c>2p</c>, item at <c>2p + 1</c>, so one draw reads one cache line),
    /// grouped by (user block <c>t</c>, item stratum <c>k</c>).
    /// </summary>
    public int[] Positives { get; }

    /// <summary>Where group <c>t · Threads + k</c> starts in <see cref="Positives"/>, in pairs; <c>Threads² + 1</c> offsets.</summary>
    public int[] PositiveStarts { get; }

    /// <summary>The item of every stored entry, grouped by item stratum: a draw from stratum <c>k</c>'s range picks an
    /// item with probability proportional to its number of users (as <c>implicit</c> draws negatives).</summary>
    public int[] NegativeItems { get; }

    /// <summary>Where stratum <c>k</c> starts in <see cref="NegativeItems"/>; <c>Threads + 1</c> offsets.</summary>
    public int[] NegativeStarts { get; }

    /// <summary>
    /// Per user, where its bit set of items starts in <see cref="UserBits"/> (item <c>i</c> is bit <c>i mod 64</c> of
    /// word <c>start + i / 64</c>), or −1 when the user has none (fewer than <c>items / 64</c> entries, or a plan built
    /// without negative checks) and its stored columns are searched instead. Empty without negative checks.
    /// </summary>
    public int[] UserBitStarts { get; }

    /// <summary>The bit sets of <see cref="UserBitStarts"/>.</summary>
    public ulong[] UserBits { get; }

    /// <summary>
    /// Builds the plan of <paramref name="userItems"/> for <paramref name="threads"/> threads, with the users' bit sets
    /// when <paramref name="negativeChecks"/>, in O(nnz + items·log items).
    /// </summary>
    public static BprSamplingPlan Build(CsrMatrix userItems, int threads, bool negativeChecks = true)
    {
        Debug.Assert(threads >= 1);
        var nonZeros = (int)userItems.NonZeroCount;
        var pointers = userItems.PointerArray;
        var columns = userItems.IndexArray;

        // Users: contiguous blocks cut where the running count of entries passes t · nnz / T.
        var userBlock = new int[userItems.RowCount];
        for (var u = 0; u < userBlock.Length; u++)
        {
            userBlock[u] = nonZeros == 0 ? 0 : (int)Math.Min(threads - 1, pointers[u] * threads / nonZeros);
        }

        // Items: by decreasing count (ties to the lower index), dealt to the strata back and forth.
        var counts = new int[userItems.ColumnCount];
        for (var e = 0; e < nonZeros; e++)
        {
            counts[columns[e]]++;
        }

        var order = new int[counts.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
        var stratum = new int[counts.Length];
        for (var r = 0; r < order.Length; r++)
        {
            var position = r % threads;
            stratum[order[r]] = (r / threads) % 2 == 0 ? position : threads - 1 - position;
        }

        var groups = threads * threads;
        var positiveStarts = new int[groups + 1];
        var negativeStarts = new int[threads + 1];
        for (var u = 0; u < userBlock.Length; u++)
        {
            for (var e = (int)pointers[u]; e < (int)pointers[u + 1]; e++)
            {
                positiveStarts[(userBlock[u] * threads) + stratum[columns[e]] + 1]++;
                negativeStarts[stratum[columns[e]] + 1]++;
            }
        }

        for (var g = 0; g < groups; g++)
        {
            positiveStarts[g + 1] += positiveStarts[g];
        }

        for (var k = 0; k < threads; k++)
        {
            negativeStarts[k + 1] += negativeStarts[k];
        }

        var positives = new int[2 * nonZeros];
        var negativeItems = new int[nonZeros];
        var nextPositive = positiveStarts[..groups];
        var nextNegative = negativeStarts[..threads];
        for (var u = 0; u < userBlock.Length; u++)
        {
            for (var e = (int)pointers[u]; e < (int)pointers[u + 1]; e++)
            {
                var item = columns[e];
                var at = nextPositive[(userBlock[u] * threads) + stratum[item]]++;
                positives[2 * at] = u;
                positives[(2 * at) + 1] = item;
                negativeItems[nextNegative[stratum[item]]++] = item;
            }
        }

        var (userBitStarts, userBits) = negativeChecks ? BuildBits(userItems) : ([], []);
        return new BprSamplingPlan(threads, positives, positiveStarts, negativeItems, negativeStarts, userBitStarts, userBits);
    }

    /// <summary>The bit sets of the users with at least <c>items / 64</c> entries (each no larger than twice their columns).</summary>
    private static (int[] Starts, ulong[] Bits) BuildBits(CsrMatrix userItems)
    {
        var pointers = userItems.PointerArray;
        var columns = userItems.IndexArray;
        var words = (userItems.ColumnCount + 63) / 64;
        var starts = new int[userItems.RowCount];
        long total = 0;
        for (var u = 0; u < starts.Length; u++)
        {
            var count = pointers[u + 1] - pointers[u];
            if (count > 0 && count * 64 >= userItems.ColumnCount && total + words <= int.MaxValue)
            {
                starts[u] = (int)total;
                total += words;
            }
            else
            {
                starts[u] = -1;
            }
        }

        var bits = new ulong[total];
        for (var u = 0; u < starts.Length; u++)
        {
            if (starts[u] >= 0)
            {
                for (var e = pointers[u]; e < pointers[u + 1]; e++)
                {
                    bits[starts[u] + (columns[e] >> 6)] |= 1UL << columns[e];
                }
            }
        }

        return (starts, bits);
    }
}
