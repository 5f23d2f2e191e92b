using System.Diagnostics;
using System.Runtime.CompilerServices;
using MovieRecs.Sparse;

namespace MovieRecs.Bpr;

/// <summary>
/// The stratification of a fit into <see cref="Blocks"/> <c>B</c> (at least the thread count): the users cut into
/// <c>B</c> contiguous blocks of about equal stored entries, the items dealt into <c>B</c> strata of about equal stored
/// entries, and the stored entries grouped by (user block, item stratum) so a thread can draw a uniformly random entry
/// of one group, and a negative of one stratum with probability proportional to its number of users.
/// </summary>
/// <remarks>
/// <para>Within a group the entries keep the matrix's order, so with one block the positives are the matrix's entries
/// in row order, the array <c>implicit</c> samples from.</para>
/// <para>A negative of stratum <c>k</c> is the item at a uniformly random position <c>r</c> of the stratum's stored
/// entries listed by item (every item of the stratum in increasing order, once per user): the same distribution as
/// <c>implicit</c>'s draw from all stored entries when <c>B = 1</c>, found from a few kilobytes (the items' running
/// entry counts and a guide table into them) instead of 4 bytes per stored entry.</para>
/// <para>Memory: 8 bytes per stored entry, 12 per item, plus, when built for negative checks, a bit set of the items
/// of every user with at least <c>items / 64</c> entries, kept per stratum (at most 8 bytes per stored entry of those
/// users, plus 8 bytes per stratum).</para>
/// </remarks>
internal sealed class BprSamplingPlan
{
    private BprSamplingPlan(
        int blocks,
        int[] positives,
        int[] positiveStarts,
        int[] stratumItems,
        int[] itemStarts,
        int[] entryEnds,
        int[] guide,
        int[] negativeStarts,
        int[] wordStarts,
        int[] userBitStarts,
        ulong[] userBits)
    {
        Blocks = blocks;
        Positives = positives;
        PositiveStarts = positiveStarts;
        StratumItems = stratumItems;
        ItemStarts = itemStarts;
        EntryEnds = entryEnds;
        Guide = guide;
        NegativeStarts = negativeStarts;
        WordStarts = wordStarts;
        UserBitStarts = userBitStarts;
        UserBits = userBits;
    }

    /// <summary>The number of user blocks and of item strata.</summary>
    public int Blocks { get; }

    /// <summary>
    /// Every stored entry as a pair (user at <c>2p</c>, item at <c>2p + 1</c>, so one draw reads one cache line),
    /// grouped by (user block <c>b</c>, item stratum <c>k</c>).
    /// </summary>
    public int[] Positives { get; }

    /// <summary>Where group <c>b · Blocks + k</c> starts in <see cref="Positives"/>, in pairs; <c>Blocks² + 1</c> offsets.</summary>
    public int[] PositiveStarts { get; }

    /// <summary>
    /// The items with at least one stored entry, by stratum, each stratum in increasing item order; an item's position
    /// in its stratum (<c>j − ItemStarts[k]</c>) is its bit in the users' bit sets of that stratum.
    /// </summary>
    public int[] StratumItems { get; }

    /// <summary>Where stratum <c>k</c> starts in <see cref="StratumItems"/>; <c>Blocks + 1</c> offsets.</summary>
    public int[] ItemStarts { get; }

    /// <summary>
    /// Per position <c>j</c> of <see cref="StratumItems"/>, the number of stored entries of the items at positions
    /// <c>0..j</c> (running over all strata): position <c>j</c> owns the entry offsets
    /// <c>[EntryEnds[j] − count, EntryEnds[j])</c>.
    /// </summary>
    public int[] EntryEnds { get; }

    /// <summary>
    /// Per position <c>ItemStarts[k] + g</c>, the first position of stratum <c>k</c> whose entries reach the offset
    /// <c>NegativeStarts[k] + ⌈g · N / n⌉</c> (<c>N</c> entries and <c>n</c> items in the stratum): the search for
    /// offset <c>r</c> starts at slot <c>g = ⌊(r − NegativeStarts[k]) · n / N⌋</c> and moves forward a step or two.
    /// </summary>
    public int[] Guide { get; }

    /// <summary>Where stratum <c>k</c>'s entry offsets start; <c>Blocks + 1</c> offsets (stratum <c>k</c> has
    /// <c>NegativeStarts[k + 1] − NegativeStarts[k]</c> stored entries).</summary>
    public int[] NegativeStarts { get; }

    /// <summary>Where stratum <c>k</c>'s words start in a user's bit set; <c>Blocks + 1</c> offsets (the last is the
    /// words per user).</summary>
    public int[] WordStarts { get; }

    /// <summary>
    /// Per user, where its bit set starts in <see cref="UserBits"/> (the item at position <c>q</c> of stratum <c>k</c>
    /// is bit <c>q mod 64</c> of word <c>start + WordStarts[k] + q / 64</c>), or −1 when the user has none (fewer than
    /// <c>items / 64</c> entries, or a plan built without negative checks) and its stored columns are searched
    /// instead. Empty without negative checks.
    /// </summary>
    public int[] UserBitStarts { get; }

    /// <summary>The bit sets of <see cref="UserBitStarts"/>.</summary>
    public ulong[] UserBits { get; }

    /// <summary>
    /// The position in <see cref="StratumItems"/> of the negative at entry offset <paramref name="offset"/> of a
    /// stratum whose items start at <paramref name="itemStart"/> and entries at <paramref name="entryStart"/>
    /// (<c>offset = entryStart + r</c>, <c>r</c> in <c>[0, entryCount)</c>): the position whose entry offsets hold it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FindNegative(int[] entryEnds, int[] guide, int itemStart, int itemCount, int entryStart, int entryCount, int offset)
    {
        var g = (int)((ulong)(uint)(offset - entryStart) * (uint)itemCount / (uint)entryCount);
        var j = guide[itemStart + g];
        while (entryEnds[j] <= offset)
        {
            j++;
        }

        return j;
    }

    /// <summary>
    /// Builds the plan of <paramref name="userItems"/> with <paramref name="blocks"/> blocks, with the users' bit sets
    /// when <paramref name="negativeChecks"/>, in O(nnz + items·log items).
    /// </summary>
    public static BprSamplingPlan Build(CsrMatrix userItems, int blocks, bool negativeChecks = true)
    {
        Debug.Assert(blocks >= 1);
        var nonZeros = (int)userItems.NonZeroCount;
        var pointers = userItems.PointerArray;
        var columns = userItems.IndexArray;

        // Users: contiguous blocks cut where the running count of entries passes b · nnz / B.
        var userBlock = new int[userItems.RowCount];
        for (var u = 0; u < userBlock.Length; u++)
        {
            userBlock[u] = nonZeros == 0 ? 0 : (int)Math.Min(blocks - 1, pointers[u] * blocks / nonZeros);
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
            var position = r % blocks;
            stratum[order[r]] = (r / blocks) % 2 == 0 ? position : blocks - 1 - position;
        }

        var groups = blocks * blocks;
        var positiveStarts = new int[groups + 1];
        for (var u = 0; u < userBlock.Length; u++)
        {
            for (var e = (int)pointers[u]; e < (int)pointers[u + 1]; e++)
            {
                positiveStarts[(userBlock[u] * blocks) + stratum[columns[e]] + 1]++;
            }
        }

        for (var g = 0; g < groups; g++)
        {
            positiveStarts[g + 1] += positiveStarts[g];
        }

        var positives = new int[2 * nonZeros];
        var nextPositive = positiveStarts[..groups];
        for (var u = 0; u < userBlock.Length; u++)
        {
            for (var e = (int)pointers[u]; e < (int)pointers[u + 1]; e++)
            {
                var item = columns[e];
                var at = nextPositive[(userBlock[u] * blocks) + stratum[item]]++;
                positives[2 * at] = u;
                positives[(2 * at) + 1] = item;
            }
        }

        // Negatives: the items with entries, by stratum and then by index, with their running entry counts.
        var itemStarts = new int[blocks + 1];
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                itemStarts[stratum[i] + 1]++;
            }
        }

        for (var k = 0; k < blocks; k++)
        {
            itemStarts[k + 1] += itemStarts[k];
        }

        var stratumItems = new int[itemStarts[blocks]];
        var local = new int[counts.Length];
        var nextItem = itemStarts[..blocks];
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                var j = nextItem[stratum[i]]++;
                stratumItems[j] = i;
                local[i] = j - itemStarts[stratum[i]];
            }
        }

        var entryEnds = new int[stratumItems.Length];
        var negativeStarts = new int[blocks + 1];
        var running = 0;
        for (var k = 0; k < blocks; k++)
        {
            for (var j = itemStarts[k]; j < itemStarts[k + 1]; j++)
            {
                running += counts[stratumItems[j]];
                entryEnds[j] = running;
            }

            negativeStarts[k + 1] = running;
        }

        var guide = new int[stratumItems.Length];
        for (var k = 0; k < blocks; k++)
        {
            long n = itemStarts[k + 1] - itemStarts[k];
            long total = negativeStarts[k + 1] - negativeStarts[k];
            var j = itemStarts[k];
            for (var g = 0; g < n; g++)
            {
                var offset = negativeStarts[k] + (((g * total) + n - 1) / n);
                while (entryEnds[j] <= offset)
                {
                    j++;
                }

                guide[itemStarts[k] + g] = j;
            }
        }

        var wordStarts = new int[blocks + 1];
        for (var k = 0; k < blocks; k++)
        {
            wordStarts[k + 1] = wordStarts[k] + ((itemStarts[k + 1] - itemStarts[k] + 63) / 64);
        }

        var (userBitStarts, userBits) = negativeChecks ? BuildBits(userItems, stratum, local, wordStarts) : ([], []);
        return new BprSamplingPlan(
            blocks, positives, positiveStarts, stratumItems, itemStarts, entryEnds, guide, negativeStarts, wordStarts, userBitStarts, userBits);
    }

    /// <summary>
    /// The bit sets of the users with at least <c>items / 64</c> entries (each no larger than twice their columns plus
    /// a word per stratum), the items of stratum <c>k</c> at their positions in it, from word <c>WordStarts[k]</c>.
    /// </summary>
    private static (int[] Starts, ulong[] Bits) BuildBits(CsrMatrix userItems, int[] stratum, int[] local, int[] wordStarts)
    {
        var pointers = userItems.PointerArray;
        var columns = userItems.IndexArray;
        var words = wordStarts[^1];
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
                    var item = columns[e];
                    bits[starts[u] + wordStarts[stratum[item]] + (local[item] >> 6)] |= 1UL << local[item];
                }
            }
        }

        return (starts, bits);
    }
}
