using System.Runtime.CompilerServices;

namespace MovieRecs.Internal;

/// <summary>
/// One bounded min-heap of the best <c>k</c> (score, index) pairs per row, for all-pairs similarity where each
/// score is offered to two rows (it is symmetric). Ordering: higher score first, ties to the lower index; the kept
/// set does not depend on the order of the offers, so per-thread heaps merge to the same result.
/// </summary>
internal sealed class PairHeaps
{
    private readonly int _k;
    private readonly float[] _scores;
    private readonly int[] _items;
    private readonly int[] _counts;

    public PairHeaps(int rows, int k)
    {
        _k = k;
        _scores = new float[(long)rows * k];
        _items = new int[(long)rows * k];
        _counts = new int[rows];
        Thresholds = new float[rows];
        Thresholds.AsSpan().Fill(float.NegativeInfinity);
    }

    /// <summary>Per row: the worst kept score once the heap is full (an offer below it cannot enter), else -infinity.</summary>
    public float[] Thresholds { get; }

    /// <summary>Offers (score, item) to row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(int row, int item, float score)
    {
        if (score >= Thresholds[row])
        {
            OfferSlow(row, item, score);
        }
    }

    /// <summary>Offers every pair kept by <paramref name="other"/> (merging per-thread heaps).</summary>
    public void Merge(PairHeaps other)
    {
        for (var row = 0; row < _counts.Length; row++)
        {
            var baseIndex = row * _k;
            for (var j = 0; j < other._counts[row]; j++)
            {
                Offer(row, other._items[baseIndex + j], other._scores[baseIndex + j]);
            }
        }
    }

    /// <summary>Writes row <paramref name="row"/>'s pairs, best first, into <paramref name="destination"/>; returns how many.</summary>
    public int Drain(int row, Span<Recommendations.ScoredItem> destination)
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

    private void OfferSlow(int row, int item, float score)
    {
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
            Thresholds[row] = scores[0];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(float scoreA, int itemA, float scoreB, int itemB) => scoreA < scoreB || (scoreA == scoreB && itemA > itemB);

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
