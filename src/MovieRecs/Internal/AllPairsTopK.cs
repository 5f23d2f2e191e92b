using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// The best <c>k</c> others of every row by the dot product of packed, normalized rows (batch cosine similarity),
/// scoring each unordered pair once.
/// </summary>
/// <remarks>
/// <para>
/// Rows are taken in strips of <see cref="StripRows"/>. A strip is scored against every column at or past its first
/// panel into a buffer (the 6 x 16 micro-kernel of <see cref="SimilarityKernels.ScoreStrip"/>), pairs on or below
/// the diagonal are masked out, and one pass over the buffer, 8 columns at a time, offers each pair to its row (the
/// row's pairs with later rows) and to its column (the column's pairs with the strip's rows).
/// </para>
/// <para>
/// What makes it fast is how few pairs reach a heap. Each row's threshold is seeded with the k-th best of up to 64
/// lane maxima of its own strip row, gathered by the micro-kernel as it stores the tiles; each is a real score of a
/// distinct pair, so the seed is a lower bound of the row's k-th best and is usually close to it. Strips go from the
/// last rows to the first, so by the time a column's pairs with earlier rows are scored, the column's own strip has
/// already raised its threshold. A group of 8 columns is looked at only when one of the strip's scores in it reaches
/// its row's or its column's threshold.
/// </para>
/// <para>
/// Workers keep their own <see cref="PairHeaps"/>, merged at the end, and share the thresholds (lower bounds, so a
/// lost race only filters less). The kept pairs do not depend on the order of the offers, so the result is the same
/// for any worker count and equals the single-row calls.
/// </para>
/// </remarks>
internal static class AllPairsTopK
{
    /// <summary>Rows per strip: two 6-row blocks, which take each panel from L1 in turn.</summary>
    public const int StripRows = 2 * SimilarityKernels.MicroRows;

    /// <summary>Lane maxima a row's seed is chosen from: groups of vectors x 8 lanes.</summary>
    private const int SeedGroups = 8;

    /// <summary>
    /// Runs the batch and returns the workers' heaps: disjoint sets of pairs, which <see cref="PairHeaps.DrainAll"/>
    /// merges row by row (the caller disposes them).
    /// </summary>
    /// <param name="width">The register width of the tiles (see <see cref="KernelTable"/>).</param>
    /// <param name="packed">Rows packed by <see cref="SimilarityKernels.PackNormalized"/>.</param>
    /// <param name="factors">Factors per row.</param>
    /// <param name="rows">The row count.</param>
    /// <param name="k">Others kept per row (at least 1).</param>
    /// <param name="workers">Worker threads (at least 1).</param>
    /// <param name="progress">Receives the number of rows whose strips are done, or null.</param>
    /// <param name="cancellationToken">Checked before every strip.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PairHeaps[] Run(SimdWidth width, FloatBuffer packed, int factors, int rows, int k, int workers, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var panels = (rows + SimilarityKernels.PanelWidth - 1) / SimilarityKernels.PanelWidth;
        var columns = panels * SimilarityKernels.PanelWidth;
        var strips = (rows + StripRows - 1) / StripRows;
        workers = Math.Clamp(workers, 1, strips);

        // Padded to whole panels so the column scan loads thresholds in whole vectors; padding columns never pass.
        var thresholds = new float[columns];
        thresholds.AsSpan(0, rows).Fill(float.MinValue);
        thresholds.AsSpan(rows).Fill(float.MaxValue);
        var heapsOfWorkers = new PairHeaps?[workers];
        var next = strips;
        var done = 0;

        void Work(int worker)
        {
            var heaps = new PairHeaps(rows, k, thresholds);
            heapsOfWorkers[worker] = heaps;
            var strip = ArrayPool<float>.Shared.Rent(StripRows * columns);
            var queries = ArrayPool<float>.Shared.Rent(StripRows * factors);
            try
            {
                int s;
                while (!cancellationToken.IsCancellationRequested && (s = Interlocked.Decrement(ref next)) >= 0)
                {
                    var height = Math.Min(StripRows, rows - (s * StripRows));
                    Strip(width, packed.Span, factors, rows, s * StripRows, height, strip, queries, heaps);
                    progress?.Report(Interlocked.Add(ref done, height));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(strip);
                ArrayPool<float>.Shared.Return(queries);
            }
        }

        try
        {
            if (workers == 1)
            {
                Work(0);
            }
            else
            {
                try
                {
                    Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, Work);
                }
                catch (AggregateException e)
                {
                    ThrowHelper.ThrowFirstInner(e);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var result = heapsOfWorkers.Select(h => h!).ToArray();
            Array.Clear(heapsOfWorkers);
            return result;
        }
        finally
        {
            foreach (var heaps in heapsOfWorkers)
            {
                heaps?.Dispose();
            }
        }
    }

    /// <summary>Scores rows <paramref name="first"/> .. + <paramref name="height"/> - 1 against every later row and offers the pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip(SimdWidth width, ReadOnlySpan<float> packed, int factors, int rows, int first, int height, float[] stripArray, float[] queryArray, PairHeaps heaps)
    {
        var panels = (rows + SimilarityKernels.PanelWidth - 1) / SimilarityKernels.PanelWidth;
        var firstPanel = first / SimilarityKernels.PanelWidth;
        var firstColumn = firstPanel * SimilarityKernels.PanelWidth;
        var stripWidth = (panels - firstPanel) * SimilarityKernels.PanelWidth;
        var strip = stripArray.AsSpan(0, StripRows * stripWidth);
        var queries = queryArray.AsSpan(0, StripRows * factors);

        // Seeds come from panels with neither a strip row's own column nor padding: every lane a real other pair.
        var groups = Math.Min(SeedGroups, panels - firstPanel);
        Span<Vector256<float>> maxima = stackalloc Vector256<float>[StripRows * SeedGroups];
        maxima.Fill(Vector256.Create(float.NegativeInfinity));
        var maximaFrom = ((first + height - 1) / SimilarityKernels.PanelWidth) + 1;
        var maximaTo = rows / SimilarityKernels.PanelWidth;
        var blocks = (height + SimilarityKernels.MicroRows - 1) / SimilarityKernels.MicroRows;
        for (var b = 0; b < blocks; b++)
        {
            SimilarityKernels.InterleaveRows(packed, factors, rows, first + (b * SimilarityKernels.MicroRows), queries[(b * SimilarityKernels.MicroRows * factors)..]);
        }

        SimilarityKernels.ScoreStrip(width, queries, blocks, packed, factors, firstPanel, panels, strip, stripWidth, maxima, groups, maximaFrom, maximaTo);

        // Only pairs (row, column) with column > row, and no padding columns, may be offered.
        for (var r = 0; r < height; r++)
        {
            var row = strip.Slice(r * stripWidth, stripWidth);
            row[..(first + r + 1 - firstColumn)].Fill(float.NegativeInfinity);
            row[(rows - firstColumn)..].Fill(float.NegativeInfinity);
        }

        var thresholds = heaps.Thresholds;
        Span<Vector256<float>> rowThresholds = stackalloc Vector256<float>[StripRows];
        for (var r = 0; r < height; r++)
        {
            var seed = groups * Vector256<float>.Count >= heaps.K ? KthLargest(maxima.Slice(r * groups, groups), heaps.K) : float.MinValue;
            if (seed > thresholds[first + r])
            {
                thresholds[first + r] = seed;
            }

            rowThresholds[r] = Vector256.Create(thresholds[first + r]);
        }

        if (width == SimdWidth.Vector512)
        {
            OfferWide(strip, stripWidth, height, first, firstColumn, rowThresholds, heaps);
        }
        else
        {
            Offer(strip, stripWidth, height, first, firstColumn, rowThresholds, heaps);
        }
    }

    /// <summary>
    /// One pass over the strip, 8 columns at a time: the pairs that reach their row's threshold are offered to the row,
    /// those that reach their column's threshold to the column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Offer(Span<float> strip, int width, int height, int first, int firstColumn, Span<Vector256<float>> rowThresholds, PairHeaps heaps)
    {
        ref var s = ref MemoryMarshal.GetReference(strip);
        ref var t = ref MemoryMarshal.GetArrayDataReference(heaps.Thresholds);
        ref var rowThreshold = ref MemoryMarshal.GetReference(rowThresholds);
        for (var v = 0; v < width; v += Vector256<float>.Count)
        {
            var columnThreshold = Vector256.LoadUnsafe(ref t, (nuint)(firstColumn + v));
            var hits = Vector256<float>.Zero;
            for (var r = 0; r < height; r++)
            {
                var scores = Vector256.LoadUnsafe(ref s, (nuint)((r * width) + v));
                hits |= Vector256.GreaterThanOrEqual(scores, Unsafe.Add(ref rowThreshold, r)) | Vector256.GreaterThanOrEqual(scores, columnThreshold);
            }

            if (hits == Vector256<float>.Zero)
            {
                continue;
            }

            // Eight rows at a time, one bit per (row, lane).
            for (var block = 0; block < height; block += 8)
            {
                ulong rowBits = 0, columnBits = 0;
                var end = Math.Min(height, block + 8);
                for (var r = block; r < end; r++)
                {
                    var scores = Vector256.LoadUnsafe(ref s, (nuint)((r * width) + v));
                    rowBits |= (ulong)Vector256.GreaterThanOrEqual(scores, Unsafe.Add(ref rowThreshold, r)).ExtractMostSignificantBits() << (8 * (r - block));
                    columnBits |= (ulong)Vector256.GreaterThanOrEqual(scores, columnThreshold).ExtractMostSignificantBits() << (8 * (r - block));
                }

                OfferBits(ref s, rowBits, block, v, width, first, firstColumn, heaps, ref rowThreshold, laneShift: 3, toRows: true);
                OfferBits(ref s, columnBits, block, v, width, first, firstColumn, heaps, ref rowThreshold, laneShift: 3, toRows: false);
            }
        }
    }

    /// <summary>
    /// <see cref="Offer"/> on 512-bit registers, 16 columns (one panel) at a time. The quick test of a group is one
    /// maximum per row: a pair is wanted when its score reaches the lower of its row's and its column's thresholds, that
    /// is when <c>score - min(row threshold, column threshold) &gt;= 0</c> (exact: the difference of two different
    /// floats is never zero, and the padding's infinite thresholds give negative or infinite differences). Groups that
    /// pass are split into the same per-pair row and column tests as <see cref="Offer"/>, four rows at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OfferWide(Span<float> strip, int width, int height, int first, int firstColumn, Span<Vector256<float>> rowThresholds, PairHeaps heaps)
    {
        ref var s = ref MemoryMarshal.GetReference(strip);
        ref var t = ref MemoryMarshal.GetArrayDataReference(heaps.Thresholds);
        ref var rowThreshold = ref MemoryMarshal.GetReference(rowThresholds);
        for (var v = 0; v < width; v += Vector512<float>.Count)
        {
            var columnThreshold = Vector512.LoadUnsafe(ref t, (nuint)(firstColumn + v));
            var margin = Vector512.Create(float.NegativeInfinity);
            for (var r = 0; r < height; r++)
            {
                var scores = Vector512.LoadUnsafe(ref s, (nuint)((r * width) + v));
                var bound = Vector512.MinNative(Vector512.Create(Unsafe.Add(ref rowThreshold, r).ToScalar()), columnThreshold);
                margin = Vector512.MaxNative(margin, scores - bound);
            }

            if (!Vector512.GreaterThanOrEqualAny(margin, Vector512<float>.Zero))
            {
                continue;
            }

            // Four rows at a time, one bit per (row, lane).
            for (var block = 0; block < height; block += 4)
            {
                ulong rowBits = 0, columnBits = 0;
                var end = Math.Min(height, block + 4);
                for (var r = block; r < end; r++)
                {
                    var scores = Vector512.LoadUnsafe(ref s, (nuint)((r * width) + v));
                    var own = Vector512.Create(Unsafe.Add(ref rowThreshold, r).ToScalar());
                    rowBits |= Vector512.GreaterThanOrEqual(scores, own).ExtractMostSignificantBits() << (16 * (r - block));
                    columnBits |= Vector512.GreaterThanOrEqual(scores, columnThreshold).ExtractMostSignificantBits() << (16 * (r - block));
                }

                OfferBits(ref s, rowBits, block, v, width, first, firstColumn, heaps, ref rowThreshold, laneShift: 4, toRows: true);
                OfferBits(ref s, columnBits, block, v, width, first, firstColumn, heaps, ref rowThreshold, laneShift: 4, toRows: false);
            }
        }
    }

    /// <summary>
    /// Offers the pairs of the set bits (bit <c>(r &lt;&lt; laneShift) + l</c>: strip row <paramref name="firstRow"/> + r,
    /// column <paramref name="v"/> + l) to their rows, refreshing those rows' thresholds, or to their columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OfferBits(ref float s, ulong bits, int firstRow, int v, int width, int first, int firstColumn, PairHeaps heaps, ref Vector256<float> rowThreshold, int laneShift, bool toRows)
    {
        while (bits != 0)
        {
            var bit = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            var r = firstRow + (bit >> laneShift);
            var j = v + (bit & ((1 << laneShift) - 1));
            var score = Unsafe.Add(ref s, (r * width) + j);
            if (toRows)
            {
                heaps.Offer(first + r, firstColumn + j, score);
                Unsafe.Add(ref rowThreshold, r) = Vector256.Create(heaps.Thresholds[first + r]);
            }
            else
            {
                heaps.Offer(firstColumn + j, first + r, score);
            }
        }
    }

    /// <summary>
    /// The k-th largest of the 64 values in <paramref name="lanes"/> (8 vectors; k at most 64): each lane is sorted
    /// across the vectors by a 19-comparator network, then the largest lane head is popped k - 1 times. Branch-free
    /// but for the pops, unlike an insertion sort whose every step is a coin toss for the branch predictor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float KthLargest(ReadOnlySpan<Vector256<float>> lanes, int k)
    {
        var empty = Vector256.Create(float.NegativeInfinity);
        var v0 = lanes[0];
        var v1 = lanes.Length > 1 ? lanes[1] : empty;
        var v2 = lanes.Length > 2 ? lanes[2] : empty;
        var v3 = lanes.Length > 3 ? lanes[3] : empty;
        var v4 = lanes.Length > 4 ? lanes[4] : empty;
        var v5 = lanes.Length > 5 ? lanes[5] : empty;
        var v6 = lanes.Length > 6 ? lanes[6] : empty;
        var v7 = lanes.Length > 7 ? lanes[7] : empty;

        // Sorts each lane descending: v0 >= v1 >= ... >= v7.
        Exchange(ref v0, ref v2); Exchange(ref v1, ref v3); Exchange(ref v4, ref v6); Exchange(ref v5, ref v7);
        Exchange(ref v0, ref v4); Exchange(ref v1, ref v5); Exchange(ref v2, ref v6); Exchange(ref v3, ref v7);
        Exchange(ref v0, ref v1); Exchange(ref v2, ref v3); Exchange(ref v4, ref v5); Exchange(ref v6, ref v7);
        Exchange(ref v2, ref v4); Exchange(ref v3, ref v5);
        Exchange(ref v1, ref v4); Exchange(ref v3, ref v6);
        Exchange(ref v1, ref v2); Exchange(ref v3, ref v4); Exchange(ref v5, ref v6);

        var laneIndex = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (var pop = 1; pop < k; pop++)
        {
            var best = HorizontalMax(v0);
            var lane = BitOperations.TrailingZeroCount(Vector256.Equals(v0, best).ExtractMostSignificantBits());
            var take = Vector256.Equals(laneIndex, Vector256.Create(lane)).AsSingle();
            v0 = Vector256.ConditionalSelect(take, v1, v0);
            v1 = Vector256.ConditionalSelect(take, v2, v1);
            v2 = Vector256.ConditionalSelect(take, v3, v2);
            v3 = Vector256.ConditionalSelect(take, v4, v3);
            v4 = Vector256.ConditionalSelect(take, v5, v4);
            v5 = Vector256.ConditionalSelect(take, v6, v5);
            v6 = Vector256.ConditionalSelect(take, v7, v6);
            v7 = Vector256.ConditionalSelect(take, empty, v7);
        }

        var kth = HorizontalMax(v0).ToScalar();
        return float.IsFinite(kth) ? kth : float.MinValue;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange(ref Vector256<float> high, ref Vector256<float> low)
    {
        var max = Vector256.MaxNative(high, low);
        low = Vector256.MinNative(high, low);
        high = max;
    }

    /// <summary>The largest lane of <paramref name="value"/>, in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> HorizontalMax(Vector256<float> value)
    {
        var halves = Vector256.MaxNative(value, Vector256.Create(value.GetUpper(), value.GetLower()));
        var pairs = Vector256.MaxNative(halves, Vector256.Shuffle(halves, Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)));
        return Vector256.MaxNative(pairs, Vector256.Shuffle(pairs, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)));
    }

}
