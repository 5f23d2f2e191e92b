using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// All-pairs cosine scores for batch similar-items: a register-blocked product of normalized query rows with item
/// factors packed in panels of 16 items stored factor-major, so that one tile of 4 queries x 16 items keeps eight
/// accumulators in registers and every loaded value feeds several FMAs (a small GEMM micro-kernel).
/// </summary>
internal static class SimilarityKernels
{
    /// <summary>Items per packed panel: two 256-bit vectors.</summary>
    public const int PanelWidth = 16;

    /// <summary>
    /// Copies rows (row-major, <paramref name="stride"/> floats each, first <paramref name="factors"/> used) divided by
    /// their norms into panels: <c>panels[(p * factors + f) * 16 + j]</c> = factor f of item <c>16p + j</c> (zero beyond the last item).
    /// </summary>
    public static FloatBuffer PackNormalized(ReadOnlySpan<float> rows, int count, int stride, int factors, ReadOnlySpan<float> norms)
    {
        // Cache-line aligned: a panel row is 16 floats, one line, so its two vector loads never straddle lines.
        var panels = (count + PanelWidth - 1) / PanelWidth;
        var buffer = FloatBuffer.AllocateAligned((long)panels * factors * PanelWidth);
        var packed = buffer.Span;
        for (var i = 0; i < count; i++)
        {
            var inverse = 1f / norms[i];
            var row = rows.Slice(i * stride, factors);
            var baseIndex = ((i / PanelWidth) * factors * PanelWidth) + (i % PanelWidth);
            for (var f = 0; f < factors; f++)
            {
                packed[baseIndex + (f * PanelWidth)] = row[f] * inverse;
            }
        }

        return buffer;
    }

    /// <summary>
    /// scores[q * scoreStride + i] = queries[q] · item i over all packed items, for 4 queries
    /// (<paramref name="queries"/>: 4 rows of <paramref name="factors"/> floats, contiguous).
    /// </summary>
    public static void Score4(ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int itemCount, Span<float> scores, int scoreStride)
    {
        Debug.Assert(queries.Length >= 4 * factors && scores.Length >= 3 * scoreStride + itemCount);
        var panels = (itemCount + PanelWidth - 1) / PanelWidth;
        Span<float> tile = stackalloc float[4 * PanelWidth];
        for (var p = 0; p < panels; p++)
        {
            // The same tile kernel as the symmetric batch form, so single and batch similarities are bit-identical.
            TilePanel(queries, packed, factors, p, tile);
            var start = p * PanelWidth;
            var width = Math.Min(PanelWidth, itemCount - start);
            for (var row = 0; row < 4; row++)
            {
                tile.Slice(row * PanelWidth, width).CopyTo(scores.Slice((row * scoreStride) + start, width));
            }
        }
    }

    /// <summary>The reference: plain loops over the same packed layout.</summary>
    public static void Score4Scalar(ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int itemCount, Span<float> scores, int scoreStride)
    {
        for (var row = 0; row < 4; row++)
        {
            for (var i = 0; i < itemCount; i++)
            {
                var baseIndex = ((i / PanelWidth) * factors * PanelWidth) + (i % PanelWidth);
                var sum = 0f;
                for (var f = 0; f < factors; f++)
                {
                    sum += queries[(row * factors) + f] * packed[baseIndex + (f * PanelWidth)];
                }

                scores[(row * scoreStride) + i] = sum;
            }
        }
    }

    /// <summary>
    /// Scores queries <c>q0 .. q0 + rows - 1</c> (normalized, in <paramref name="queries"/>) against every item
    /// <c>j &gt; q</c> and offers each score to both rows' heaps: the symmetric half of the all-pairs product.
    /// </summary>
    public static void OfferUpperTriangle(ReadOnlySpan<float> queries, int rows, int q0, ReadOnlySpan<float> packed, int factors, int itemCount, PairHeaps heaps)
    {
        Debug.Assert(q0 % 4 == 0 && rows is >= 1 and <= 4);
        var panels = (itemCount + PanelWidth - 1) / PanelWidth;
        var thresholds = heaps.Thresholds;
        Span<float> tile = stackalloc float[4 * PanelWidth];
        for (var p = q0 / PanelWidth; p < panels; p++)
        {
            TilePanel(queries, packed, factors, p, tile);
            var start = p * PanelWidth;
            var width = Math.Min(PanelWidth, itemCount - start);
            var diagonal = start <= q0 + 3;
            if (diagonal || width < PanelWidth || !Vector256.IsHardwareAccelerated)
            {
                for (var r = 0; r < rows; r++)
                {
                    var q = q0 + r;
                    for (var j = diagonal ? Math.Max(0, q + 1 - start) : 0; j < width; j++)
                    {
                        var score = tile[(r * PanelWidth) + j];
                        heaps.Offer(q, start + j, score);
                        heaps.Offer(start + j, q, score);
                    }
                }

                continue;
            }

            ref var t = ref MemoryMarshal.GetReference(tile);
            ref var columnThresholds = ref MemoryMarshal.GetArrayDataReference(thresholds);
            for (var r = 0; r < rows; r++)
            {
                var q = q0 + r;
                var s0 = Vector256.LoadUnsafe(ref t, (nuint)(r * PanelWidth));
                var s1 = Vector256.LoadUnsafe(ref t, (nuint)((r * PanelWidth) + 8));
                var rowThreshold = Vector256.Create(thresholds[q]);
                var columns0 = Vector256.LoadUnsafe(ref columnThresholds, (nuint)start);
                var columns1 = Vector256.LoadUnsafe(ref columnThresholds, (nuint)(start + 8));
                var interesting = Vector256.GreaterThanOrEqual(s0, rowThreshold) | Vector256.GreaterThanOrEqual(s0, columns0);
                var interesting1 = Vector256.GreaterThanOrEqual(s1, rowThreshold) | Vector256.GreaterThanOrEqual(s1, columns1);
                var mask = Vector256.ExtractMostSignificantBits(interesting) | (Vector256.ExtractMostSignificantBits(interesting1) << 8);
                while (mask != 0)
                {
                    var j = System.Numerics.BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    var score = tile[(r * PanelWidth) + j];
                    heaps.Offer(q, start + j, score);
                    heaps.Offer(start + j, q, score);
                }
            }
        }
    }

    /// <summary>One 4 x 16 tile: <paramref name="tile"/>[r * 16 + j] = query r · item (16p + j).</summary>
    private static void TilePanel(ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int p, Span<float> tile)
    {
        ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetReference(packed), (nint)p * factors * PanelWidth);
        ref var q = ref MemoryMarshal.GetReference(queries);
        if (!Vector256.IsHardwareAccelerated)
        {
            for (var r = 0; r < 4; r++)
            {
                for (var j = 0; j < PanelWidth; j++)
                {
                    var sum = 0f;
                    for (var f = 0; f < factors; f++)
                    {
                        sum += Unsafe.Add(ref q, (r * factors) + f) * Unsafe.Add(ref panel, (f * PanelWidth) + j);
                    }

                    tile[(r * PanelWidth) + j] = sum;
                }
            }

            return;
        }

        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var f = 0; f < factors; f++)
        {
            var b0 = Vector256.LoadUnsafe(ref panel, (nuint)(f * PanelWidth));
            var b1 = Vector256.LoadUnsafe(ref panel, (nuint)((f * PanelWidth) + 8));
            var a0 = Vector256.Create(Unsafe.Add(ref q, f));
            var a1 = Vector256.Create(Unsafe.Add(ref q, factors + f));
            var a2 = Vector256.Create(Unsafe.Add(ref q, (2 * factors) + f));
            var a3 = Vector256.Create(Unsafe.Add(ref q, (3 * factors) + f));
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
        }

        ref var t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0);
        c01.StoreUnsafe(ref t, 8);
        c10.StoreUnsafe(ref t, 16);
        c11.StoreUnsafe(ref t, 24);
        c20.StoreUnsafe(ref t, 32);
        c21.StoreUnsafe(ref t, 40);
        c30.StoreUnsafe(ref t, 48);
        c31.StoreUnsafe(ref t, 56);
    }
}
