using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// <see cref="TopK.Select"/>'s answer from two vector passes instead of a heap fed by the whole array: the first pass
/// takes the maxima of <see cref="Runs"/> disjoint sets of entries (position mod 64), whose k-th best is a score that
/// k distinct selectable entries reach, so a lower bound of the k-th best; the second collects the entries at or
/// above it (in position order), and the heap selects among those few. The answer does not rest on the bound: once
/// at least k selectable entries reach a threshold, the k-th best score reaches it too, so every entry of the true
/// top k (ties included) is collected; the candidates keep their order, so the tie rule (lower position first) and
/// the result are <see cref="TopK.Select"/>'s. Falls back to it when the bound would not pay (short arrays, k above
/// <see cref="MaxK"/>, too many candidates) or fewer than k entries reach it.
/// </summary>
internal static class SeededTopK
{
    /// <summary>Disjoint sets whose maxima seed the bound: eight 8-lane registers.</summary>
    public const int Runs = 64;

    /// <summary>The largest k served by the bound (beyond it, the k-th of 64 maxima bounds little).</summary>
    public const int MaxK = 16;

    /// <summary>Candidates collected before giving up on the bound and selecting from the whole array.</summary>
    public const int MaxCandidates = 256;

    /// <summary>
    /// Writes the best <c>min(items.Length, selectable)</c> entries of <paramref name="scores"/> (NaN: not selectable),
    /// best first, exactly as <see cref="TopK.Select"/> does, and returns how many. <paramref name="heapItems"/> and
    /// <paramref name="heapScores"/>: scratch of at least <c>items.Length</c> entries;
    /// <paramref name="candidates"/> and <paramref name="candidateScores"/>: at least <see cref="MaxCandidates"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Select(
        ReadOnlySpan<float> scores, Span<int> items, Span<float> itemScores, Span<int> heapItems, Span<float> heapScores, Span<int> candidates, Span<float> candidateScores)
    {
        var k = items.Length;
        var n = scores.Length;
        if (k == 0 || k > MaxK || n < 4 * Runs || !Vector256.IsHardwareAccelerated)
        {
            return TopK.Select(scores, items, itemScores, heapItems, heapScores);
        }

        var threshold = Bound(scores, k, heapItems, heapScores);
        var found = TopK.AtLeast(scores, threshold, candidates[..MaxCandidates]);
        if (found < k)
        {
            // Too many candidates (-1), or fewer than k: then fewer than k entries are selectable (the bound is reached
            // by k distinct selectable entries whenever it is finite) and the whole array is as quick.
            return TopK.Select(scores, items, itemScores, heapItems, heapScores);
        }

        for (var j = 0; j < found; j++)
        {
            candidateScores[j] = scores[candidates[j]];
        }

        var written = TopK.Select(candidateScores[..found], items, itemScores, heapItems, heapScores);
        for (var j = 0; j < written; j++)
        {
            items[j] = candidates[items[j]];
        }

        return written;
    }

    /// <summary>
    /// The k-th best of the maxima of the <see cref="Runs"/> sets of selectable entries at positions <c>j mod 64</c>
    /// (entries past the last whole run of 64 left out): -infinity when fewer than k sets have a selectable entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Bound(ReadOnlySpan<float> scores, int k, Span<int> heapItems, Span<float> heapScores)
    {
        ref var s = ref MemoryMarshal.GetReference(scores);
        var m0 = Vector256.Create(float.NegativeInfinity);
        Vector256<float> m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
        var whole = scores.Length / Runs * Runs;
        for (var i = 0; i < whole; i += Runs)
        {
            // A NaN never compares greater, so a filtered entry leaves its set's maximum alone.
            var at = (nuint)i;
            m0 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at), m0);
            m1 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 8), m1);
            m2 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 16), m2);
            m3 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 24), m3);
            m4 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 32), m4);
            m5 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 40), m5);
            m6 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 48), m6);
            m7 = MaxKeepingNaNOut(Vector256.LoadUnsafe(ref s, at + 56), m7);
        }

        Span<float> maxima = stackalloc float[Runs];
        m0.CopyTo(maxima);
        m1.CopyTo(maxima[8..]);
        m2.CopyTo(maxima[16..]);
        m3.CopyTo(maxima[24..]);
        m4.CopyTo(maxima[32..]);
        m5.CopyTo(maxima[40..]);
        m6.CopyTo(maxima[48..]);
        m7.CopyTo(maxima[56..]);
        Span<int> best = stackalloc int[MaxK];
        Span<float> bestScores = stackalloc float[MaxK];
        var written = TopK.Select(maxima, best[..k], bestScores[..k], heapItems, heapScores);
        return written == k ? bestScores[k - 1] : float.NegativeInfinity;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MaxKeepingNaNOut(Vector256<float> x, Vector256<float> max) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, max), x, max);
}
