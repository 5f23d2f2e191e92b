using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Bounded top-k selection over a dense score array: a min-heap of the k best (score descending, ties to the lower
/// index), fed by a scan that skips whole vectors of scores that cannot enter once the heap is full. Entries marked
/// NaN (filtered items) are never selected.
/// </summary>
internal static class TopK
{
    /// <summary>
    /// Writes the best <c>min(items.Length, selectable)</c> entries of <paramref name="scores"/>, best first, and
    /// returns how many. <paramref name="heapItems"/> and <paramref name="heapScores"/> are scratch of at least
    /// <c>items.Length</c> entries. Allocates nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Select(ReadOnlySpan<float> scores, Span<int> items, Span<float> itemScores, Span<int> heapItems, Span<float> heapScores)
    {
        var k = items.Length;
        if (k == 0)
        {
            return 0;
        }

        var count = 0;
        var i = 0;
        var n = scores.Length;

        // Fill the heap with the first k selectable entries.
        for (; i < n && count < k; i++)
        {
            var s = scores[i];
            if (!float.IsNaN(s))
            {
                heapItems[count] = i;
                heapScores[count] = s;
                SiftUp(heapItems, heapScores, count);
                count++;
            }
        }

        if (count == k)
        {
            var threshold = heapScores[0];
            if (Vector256.IsHardwareAccelerated)
            {
                ref var s0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(scores);
                for (; i + Vector256<float>.Count <= n; i += Vector256<float>.Count)
                {
                    // Later items have higher indexes, so only a strictly greater score can enter.
                    var block = Vector256.LoadUnsafe(ref s0, (nuint)i);
                    if (Vector256.GreaterThanAny(block, Vector256.Create(threshold)))
                    {
                        for (var j = i; j < i + Vector256<float>.Count; j++)
                        {
                            if (scores[j] > threshold)
                            {
                                ReplaceRoot(heapItems, heapScores, k, j, scores[j]);
                                threshold = heapScores[0];
                            }
                        }
                    }
                }
            }

            for (; i < n; i++)
            {
                if (scores[i] > threshold)
                {
                    ReplaceRoot(heapItems, heapScores, k, i, scores[i]);
                    threshold = heapScores[0];
                }
            }
        }

        // Pop worst first into the back of the output: best ends up first.
        for (var last = count - 1; last >= 0; last--)
        {
            items[last] = heapItems[0];
            itemScores[last] = heapScores[0];
            heapItems[0] = heapItems[last];
            heapScores[0] = heapScores[last];
            SiftDown(heapItems, heapScores, last);
        }

        return count;
    }

    /// <summary>
    /// Writes the indexes of the entries of <paramref name="scores"/> at least <paramref name="threshold"/> (NaN never
    /// is) into <paramref name="indexes"/>, in increasing order, and returns how many; -1 when there are more than
    /// <paramref name="indexes"/> holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AtLeast(ReadOnlySpan<float> scores, float threshold, Span<int> indexes)
    {
        var count = 0;
        var i = 0;
        var n = scores.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var s0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(scores);
            var limit = Vector256.Create(threshold);
            for (; i + Vector256<float>.Count <= n; i += Vector256<float>.Count)
            {
                var bits = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref s0, (nuint)i), limit).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    if (count == indexes.Length)
                    {
                        return -1;
                    }

                    indexes[count++] = i + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }
            }
        }

        for (; i < n; i++)
        {
            if (scores[i] >= threshold)
            {
                if (count == indexes.Length)
                {
                    return -1;
                }

                indexes[count++] = i;
            }
        }

        return count;
    }

    /// <summary>Whether (item a, score a) ranks below (item b, score b): lower score, or same score and higher index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(float scoreA, int itemA, float scoreB, int itemB) =>
        scoreA < scoreB || (scoreA == scoreB && itemA > itemB);

    private static void ReplaceRoot(Span<int> heapItems, Span<float> heapScores, int count, int item, float score)
    {
        heapItems[0] = item;
        heapScores[0] = score;
        SiftDown(heapItems, heapScores, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftUp(Span<int> heapItems, Span<float> heapScores, int at)
    {
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (!Worse(heapScores[at], heapItems[at], heapScores[parent], heapItems[parent]))
            {
                break;
            }

            Swap(heapItems, heapScores, at, parent);
            at = parent;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftDown(Span<int> heapItems, Span<float> heapScores, int count)
    {
        var at = 0;
        while (true)
        {
            var left = (2 * at) + 1;
            if (left >= count)
            {
                break;
            }

            var worst = left;
            var right = left + 1;
            if (right < count && Worse(heapScores[right], heapItems[right], heapScores[left], heapItems[left]))
            {
                worst = right;
            }

            if (!Worse(heapScores[worst], heapItems[worst], heapScores[at], heapItems[at]))
            {
                break;
            }

            Swap(heapItems, heapScores, at, worst);
            at = worst;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(Span<int> heapItems, Span<float> heapScores, int a, int b)
    {
        (heapItems[a], heapItems[b]) = (heapItems[b], heapItems[a]);
        (heapScores[a], heapScores[b]) = (heapScores[b], heapScores[a]);
    }
}
