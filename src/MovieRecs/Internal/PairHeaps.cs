using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// The best <c>k</c> (score, index) pairs per row, for all-pairs similarity where each score is offered to two rows
/// (it is symmetric). Ordering: higher score first, ties to the lower index; the kept set does not depend on the
/// order of the offers, so per-thread instances merge to the same result.
/// </summary>
/// <remarks>
/// For <c>k</c> up to <see cref="SortedCapacity"/> each row is a sorted run of <see cref="SortedCapacity"/> slots
/// (unused slots hold -infinity and <see cref="int.MaxValue"/>): an insertion finds its place with two vector compares
/// and a population count, without the data-dependent branches of a heap's sift. Larger <c>k</c> uses a bounded
/// min-heap per row.
/// </remarks>
internal sealed class PairHeaps : IDisposable
{
    /// <summary>The largest <c>k</c> kept in the sorted form.</summary>
    public const int SortedCapacity = 16;

    private readonly int _k;
    private readonly int _rows;
    private readonly int _slots;
    private readonly bool _sorted;
    private readonly float[] _scores;
    private readonly int[] _items;
    private readonly int[] _counts;

    /// <summary>Creates empty rows keeping <paramref name="k"/> pairs each.</summary>
    /// <param name="rows">The row count.</param>
    /// <param name="k">Pairs kept per row.</param>
    /// <param name="sharedThresholds">
    /// The <see cref="Thresholds"/> array shared by all the instances of one batch (one per worker; at least
    /// <paramref name="rows"/> long). Each instance raises a row's threshold to its own k-th best, a lower bound of the
    /// final k-th best, so a worker filters with what every worker has learned and still never drops a pair that the
    /// result needs; the batch may raise it to any other such lower bound.
    /// </param>
    public PairHeaps(int rows, int k, float[] sharedThresholds)
    {
        _k = k;
        _rows = rows;
        _sorted = k <= SortedCapacity;
        _slots = _sorted ? SortedCapacity : k;
        // Rented: a batch allocates these per worker per call, and fresh pages are expensive to fault in.
        _scores = ArrayPool<float>.Shared.Rent(checked(rows * _slots));
        _items = ArrayPool<int>.Shared.Rent(checked(rows * _slots));
        _counts = _sorted ? [] : new int[rows];
        if (_sorted)
        {
            _scores.AsSpan(0, rows * _slots).Fill(float.NegativeInfinity);
            _items.AsSpan(0, rows * _slots).Fill(int.MaxValue);
        }

        Thresholds = sharedThresholds;
    }

    /// <summary>The number of pairs kept per row.</summary>
    public int K
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _k;
    }

    /// <summary>
    /// Per row: a score below it cannot be among the row's best <c>k</c> (the k-th best kept so far by some instance,
    /// or another lower bound of the row's k-th best, or the batch's starting value).
    /// </summary>
    public float[] Thresholds { get; }

    /// <summary>Returns the rented storage; the instance must not be used afterwards.</summary>
    public void Dispose()
    {
        ArrayPool<float>.Shared.Return(_scores);
        ArrayPool<int>.Shared.Return(_items);
    }

    /// <summary>Offers (score, item) to row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(int row, int item, float score)
    {
        if (score >= Thresholds[row])
        {
            OfferSlow(row, item, score);
        }
    }

    /// <summary>
    /// Writes row <paramref name="row"/>'s best pairs over all of <paramref name="heaps"/> (instances of one batch that
    /// hold disjoint sets of pairs, one per worker), best first, into <paramref name="destination"/>; returns how many.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DrainAll(ReadOnlySpan<PairHeaps> heaps, int row, Span<Recommendations.ScoredItem> destination)
    {
        var first = heaps[0];
        if (!first._sorted)
        {
            for (var w = 1; w < heaps.Length; w++)
            {
                var other = heaps[w];
                var baseIndex = row * other._slots;
                var kept = other._counts[row];
                for (var j = 0; j < kept; j++)
                {
                    first.Offer(row, other._items[baseIndex + j], other._scores[baseIndex + j]);
                }
            }

            return first.DrainHeap(row, destination);
        }

        if (heaps.Length == 2)
        {
            return MergeTwo(first, heaps[1], row, destination);
        }

        // Each instance's row is a sorted run: merge the runs' heads.
        Span<int> heads = stackalloc int[heaps.Length];
        heads.Clear();
        var start = row * SortedCapacity;
        var written = 0;
        while (written < first._k)
        {
            var best = -1;
            var bestScore = float.NegativeInfinity;
            var bestItem = int.MaxValue;
            for (var w = 0; w < heaps.Length; w++)
            {
                var at = heads[w];
                if (at == first._k)
                {
                    continue;
                }

                var item = heaps[w]._items[start + at];
                var score = heaps[w]._scores[start + at];
                if (item != int.MaxValue && (best < 0 || Worse(bestScore, bestItem, score, item)))
                {
                    best = w;
                    bestScore = score;
                    bestItem = item;
                }
            }

            if (best < 0)
            {
                break;
            }

            destination[written++] = new Recommendations.ScoredItem(bestItem, bestScore);
            heads[best]++;
        }

        return written;
    }

    /// <summary>
    /// <see cref="DrainAll"/> for two workers' sorted runs (the usual two-core case): the same choice at every step as
    /// the general merge (the first run's head unless it is worse than the second's), without its loop over runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MergeTwo(PairHeaps a, PairHeaps b, int row, Span<Recommendations.ScoredItem> destination)
    {
        var k = Math.Min(a._k, destination.Length);
        var start = row * SortedCapacity;
        ref var scoresA = ref a._scores[start];
        ref var itemsA = ref a._items[start];
        ref var scoresB = ref b._scores[start];
        ref var itemsB = ref b._items[start];
        int x = 0, y = 0, written = 0;

        // A run's unused slots hold int.MaxValue; a run's index reaches k only when the run is used up.
        while (written < k)
        {
            var itemA = x < a._k ? Unsafe.Add(ref itemsA, x) : int.MaxValue;
            var itemB = y < a._k ? Unsafe.Add(ref itemsB, y) : int.MaxValue;
            var scoreA = itemA != int.MaxValue ? Unsafe.Add(ref scoresA, x) : float.NegativeInfinity;
            var scoreB = itemB != int.MaxValue ? Unsafe.Add(ref scoresB, y) : float.NegativeInfinity;
            if (itemA != int.MaxValue && (itemB == int.MaxValue || !Worse(scoreA, itemA, scoreB, itemB)))
            {
                destination[written++] = new Recommendations.ScoredItem(itemA, scoreA);
                x++;
            }
            else if (itemB != int.MaxValue)
            {
                destination[written++] = new Recommendations.ScoredItem(itemB, scoreB);
                y++;
            }
            else
            {
                break;
            }
        }

        return written;
    }

    /// <summary>Writes row <paramref name="row"/>'s heap (the form for k past <see cref="SortedCapacity"/>), best first, into <paramref name="destination"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DrainHeap(int row, Span<Recommendations.ScoredItem> destination)
    {
        var count = _counts[row];
        var baseIndex = row * _k;
        var scores = _scores.AsSpan(baseIndex, count);
        var items = _items.AsSpan(baseIndex, count);
        for (var last = count - 1; last >= 0; last--)
        {
            destination[last] = new Recommendations.ScoredItem(items[0], scores[0]);
            items[0] = items[last];
            scores[0] = scores[last];
            SiftDown(scores, items, last);
        }

        _counts[row] = 0;
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OfferSlow(int row, int item, float score)
    {
        if (_sorted)
        {
            InsertSorted(row, item, score);
            return;
        }

        var baseIndex = row * _k;
        var scores = _scores.AsSpan(baseIndex, _k);
        var items = _items.AsSpan(baseIndex, _k);
        var count = _counts[row];
        if (count < _k)
        {
            scores[count] = score;
            items[count] = item;
            var at = count;
            while (at > 0)
            {
                var parent = (at - 1) >> 1;
                if (!Worse(scores[at], items[at], scores[parent], items[parent]))
                {
                    break;
                }

                (scores[at], scores[parent]) = (scores[parent], scores[at]);
                (items[at], items[parent]) = (items[parent], items[at]);
                at = parent;
            }

            _counts[row] = ++count;
        }
        else
        {
            if (!Worse(scores[0], items[0], score, item))
            {
                return; // a tie with the root that loses on the index
            }

            scores[0] = score;
            items[0] = item;
            SiftDown(scores, items, count);
        }

        if (count == _k)
        {
            Raise(row, scores[0]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InsertSorted(int row, int item, float score)
    {
        var start = row * _slots;
        ref var s = ref _scores[start];
        ref var it = ref _items[start];
        if (Vector256.IsHardwareAccelerated)
        {
            InsertSortedVector(ref s, ref it, row, item, score);
            return;
        }

        var better = 0;
        for (var j = 0; j < _k; j++)
        {
            if (Worse(score, item, Unsafe.Add(ref s, j), Unsafe.Add(ref it, j)))
            {
                better++;
            }
        }

        // Slots past k hold -infinity and never count as better, so better <= k; at k the pair loses a tie on the index.
        if (better >= _k)
        {
            return;
        }

        for (var j = _k - 1; j > better; j--)
        {
            Unsafe.Add(ref s, j) = Unsafe.Add(ref s, j - 1);
            Unsafe.Add(ref it, j) = Unsafe.Add(ref it, j - 1);
        }

        Unsafe.Add(ref s, better) = score;
        Unsafe.Add(ref it, better) = item;
        Raise(row, Unsafe.Add(ref s, _k - 1));
    }

    /// <summary>
    /// The insertion with 256-bit vectors and no data-dependent branch but the early return: the place is the count
    /// of better pairs, and the slots at and after it move one lane up by a lane shift across the two vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InsertSortedVector(ref float s, ref int it, int row, int item, float score)
    {
        var vs = Vector256.Create(score);
        var vi = Vector256.Create(item);
        var s0 = Vector256.LoadUnsafe(ref s);
        var s1 = Vector256.LoadUnsafe(ref s, 8);
        var i0 = Vector256.LoadUnsafe(ref it);
        var i1 = Vector256.LoadUnsafe(ref it, 8);
        var b0 = Vector256.GreaterThan(s0, vs).AsInt32() | (Vector256.Equals(s0, vs).AsInt32() & Vector256.LessThan(i0, vi));
        var b1 = Vector256.GreaterThan(s1, vs).AsInt32() | (Vector256.Equals(s1, vs).AsInt32() & Vector256.LessThan(i1, vi));
        var better = BitOperations.PopCount(b0.ExtractMostSignificantBits() | (b1.ExtractMostSignificantBits() << 8));

        // Slots past k hold -infinity and never count as better, so better <= k; at k the pair loses a tie on the index.
        if (better >= _k)
        {
            return;
        }

        var lane0 = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var lane1 = Vector256.Create(8, 9, 10, 11, 12, 13, 14, 15);
        var up = Vector256.Create(0, 0, 1, 2, 3, 4, 5, 6);
        var carry = Vector256.Create(7);
        var first = Vector256.Equals(lane0, Vector256<int>.Zero);
        var at = Vector256.Create(better);
        var k = Vector256.Create(_k);

        // Lane j of the shifted run holds slot j - 1 (lane 8 takes lane 7 of the first vector).
        var shifted0 = Vector256.Shuffle(s0, up);
        var shifted1 = Vector256.ConditionalSelect(first.AsSingle(), Vector256.Shuffle(s0, carry), Vector256.Shuffle(s1, up));
        var shiftedItems0 = Vector256.Shuffle(i0, up);
        var shiftedItems1 = Vector256.ConditionalSelect(first, Vector256.Shuffle(i0, carry), Vector256.Shuffle(i1, up));

        var keep0 = Vector256.LessThan(lane0, at);
        var keep1 = Vector256.LessThan(lane1, at);
        var place0 = Vector256.Equals(lane0, at);
        var place1 = Vector256.Equals(lane1, at);
        var unused0 = Vector256.GreaterThanOrEqual(lane0, k);
        var unused1 = Vector256.GreaterThanOrEqual(lane1, k);
        var empty = Vector256.Create(float.NegativeInfinity);
        var none = Vector256.Create(int.MaxValue);

        s0 = Vector256.ConditionalSelect(unused0.AsSingle(), empty, Vector256.ConditionalSelect(keep0.AsSingle(), s0, Vector256.ConditionalSelect(place0.AsSingle(), vs, shifted0)));
        s1 = Vector256.ConditionalSelect(unused1.AsSingle(), empty, Vector256.ConditionalSelect(keep1.AsSingle(), s1, Vector256.ConditionalSelect(place1.AsSingle(), vs, shifted1)));
        i0 = Vector256.ConditionalSelect(unused0, none, Vector256.ConditionalSelect(keep0, i0, Vector256.ConditionalSelect(place0, vi, shiftedItems0)));
        i1 = Vector256.ConditionalSelect(unused1, none, Vector256.ConditionalSelect(keep1, i1, Vector256.ConditionalSelect(place1, vi, shiftedItems1)));
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, 8);
        i0.StoreUnsafe(ref it);
        i1.StoreUnsafe(ref it, 8);
        Raise(row, Unsafe.Add(ref s, _k - 1));
    }

    /// <summary>
    /// Raises the row's threshold to <paramref name="worst"/> (-infinity until the row is full). The read and write
    /// race with other instances; a lost raise leaves a lower bound, which filters less but is still correct.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Raise(int row, float worst)
    {
        if (worst > Thresholds[row])
        {
            Thresholds[row] = worst;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(float scoreA, int itemA, float scoreB, int itemB) => scoreA < scoreB || (scoreA == scoreB && itemA > itemB);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftDown(Span<float> scores, Span<int> items, int count)
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
            if (left + 1 < count && Worse(scores[left + 1], items[left + 1], scores[left], items[left]))
            {
                worst = left + 1;
            }

            if (!Worse(scores[worst], items[worst], scores[at], items[at]))
            {
                return;
            }

            (scores[at], scores[worst]) = (scores[worst], scores[at]);
            (items[at], items[worst]) = (items[worst], items[at]);
            at = worst;
        }
    }
}
