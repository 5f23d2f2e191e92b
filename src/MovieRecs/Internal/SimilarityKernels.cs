using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Cosine scores against normalized rows packed in panels of 16 items stored factor-major: register-blocked tiles
/// (small GEMM micro-kernels) in which every loaded value feeds several FMAs. Single queries use 4 x 16 tiles
/// (<see cref="Score4"/>), the all-pairs batch 6 x 16 tiles, or 12 x 16 with 512-bit vectors (<see cref="ScoreStrip"/>); all sum each score as one
/// FMA chain over the factors in order, so they agree bit for bit.
/// </summary>
/// <remarks>
/// The width comes from <see cref="KernelTable"/>: 256 and 512 bits run the vector tiles (512 adds the 12 x 16 tile
/// to the batch form), narrower widths the portable tiles, which sum in the same order without fusing.
/// </remarks>
internal static class SimilarityKernels
{
    /// <summary>Items per packed panel: two 256-bit vectors.</summary>
    public const int PanelWidth = 16;

    /// <summary>
    /// The Euclidean norm of every row of <paramref name="rows"/>, a zero norm replaced by 1e-10 (as <c>implicit</c>
    /// does), with the dot product of <paramref name="width"/>'s kernel table entry.
    /// </summary>
    /// <remarks>
    /// The kernel table's dot product, not a library's: it is compiled fully optimized (and during the fit), where a
    /// library's generic aggregate runs unoptimized on a process's first model, about 4 ms of the first similar-items call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowNorms(SimdWidth width, FactorMatrix rows, Span<float> norms)
    {
        Debug.Assert(norms.Length == rows.Rows);
        for (var r = 0; r < norms.Length; r++)
        {
            ref var row = ref MemoryMarshal.GetReference(rows.Row(r));
            var squares = width switch
            {
                SimdWidth.Vector512 => DenseKernels.Dot<Vector512Ops, Vector512<float>>(ref row, ref row, rows.Factors),
                SimdWidth.Vector256 => DenseKernels.Dot<Vector256Ops, Vector256<float>>(ref row, ref row, rows.Factors),
                SimdWidth.Vector128 => DenseKernels.Dot<Vector128Ops, Vector128<float>>(ref row, ref row, rows.Factors),
                _ => DenseKernels.Dot<ScalarOps, float>(ref row, ref row, rows.Factors),
            };
            var norm = MathF.Sqrt(squares);
            norms[r] = norm == 0f ? 1e-10f : norm;
        }
    }

    /// <summary>
    /// Copies the rows of <paramref name="rows"/> divided by their norms into panels:
    /// <c>panels[(p * factors + f) * 16 + j]</c> = factor f of item <c>16p + j</c> (zero beyond the last item).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FloatBuffer PackNormalized(FactorMatrix rows, ReadOnlySpan<float> norms)
    {
        var count = rows.Rows;
        var factors = rows.Factors;
        // Cache-line aligned: a panel row is 16 floats, one line, so its two vector loads never straddle lines.
        var panels = (count + PanelWidth - 1) / PanelWidth;
        var buffer = FloatBuffer.AllocateAligned((long)panels * factors * PanelWidth);
        var packed = buffer.Span;
        for (var i = 0; i < count; i++)
        {
            var inverse = 1f / norms[i];
            var row = rows.Row(i);
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
    /// (<paramref name="queries"/>: 4 rows of <paramref name="factors"/> floats, contiguous), with the tiles of
    /// <paramref name="width"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Score4(
        SimdWidth width, ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int itemCount, Span<float> scores, int scoreStride)
    {
        Debug.Assert(queries.Length >= 4 * factors && scores.Length >= 3 * scoreStride + itemCount);
        var panels = (itemCount + PanelWidth - 1) / PanelWidth;
        var vector = width >= SimdWidth.Vector256;
        Span<float> tile = stackalloc float[4 * PanelWidth];
        for (var p = 0; p < panels; p++)
        {
            // The same sums as the symmetric batch form, so single and batch similarities are bit-identical.
            if (vector)
            {
                TilePanel(queries, packed, factors, p, tile);
            }
            else
            {
                TilePanelScalar(queries, packed, factors, p, tile);
            }

            var start = p * PanelWidth;
            var columns = Math.Min(PanelWidth, itemCount - start);
            for (var row = 0; row < 4; row++)
            {
                tile.Slice(row * PanelWidth, columns).CopyTo(scores.Slice((row * scoreStride) + start, columns));
            }
        }
    }

    /// <summary>The reference: plain loops over the same packed layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Query rows the 6 x 16 micro-kernel of <see cref="ScoreStrip"/> scores at once.</summary>
    public const int MicroRows = 6;

    /// <summary>
    /// Interleaves up to <see cref="MicroRows"/> packed rows, <paramref name="first"/> onwards, into
    /// <paramref name="destination"/> as <c>destination[f * 6 + r]</c> = factor f of row <c>first + r</c> (zero for rows at
    /// or past <paramref name="count"/>): the query layout of <see cref="ScoreStrip"/>, with exactly the packed values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InterleaveRows(ReadOnlySpan<float> packed, int factors, int count, int first, Span<float> destination)
    {
        Debug.Assert(destination.Length >= MicroRows * factors);
        for (var r = 0; r < MicroRows; r++)
        {
            var row = first + r;
            if (row >= count)
            {
                for (var f = 0; f < factors; f++)
                {
                    destination[(f * MicroRows) + r] = 0f;
                }

                continue;
            }

            var baseIndex = ((row / PanelWidth) * factors * PanelWidth) + (row % PanelWidth);
            for (var f = 0; f < factors; f++)
            {
                destination[(f * MicroRows) + r] = packed[baseIndex + (f * PanelWidth)];
            }
        }
    }

    /// <summary>
    /// Scores blocks of 6 interleaved query rows (<see cref="InterleaveRows"/>, block after block in
    /// <paramref name="queries"/>) against packed panels <paramref name="firstPanel"/> .. <paramref name="panelCount"/> - 1:
    /// <c>strip[r * stripStride + (p - firstPanel) * 16 + j]</c> = query r · item <c>16p + j</c>. Panel by panel, so that
    /// a panel loaded once feeds every block from L1; twelve accumulators in registers per 6 x 16 tile, each loaded panel
    /// row feeding six FMAs. Every score is one FMA chain over the factors in order, so it is bit-identical to
    /// <see cref="Score4"/>'s at the same width.
    /// </summary>
    /// <param name="width">The register width of the tiles.</param>
    /// <param name="queries">The interleaved query blocks.</param>
    /// <param name="blocks">The number of 6-row blocks.</param>
    /// <param name="packed">The packed panels.</param>
    /// <param name="factors">Factors per row.</param>
    /// <param name="firstPanel">The first panel scored.</param>
    /// <param name="panelCount">One past the last panel scored.</param>
    /// <param name="strip">Receives the scores.</param>
    /// <param name="stripStride">Floats between the rows of <paramref name="strip"/>.</param>
    /// <param name="maxima">
    /// Empty, or <c>6 x blocks x groups</c> vectors: row r's group g vector (index <c>r * groups + g</c>) is raised to
    /// the lane-wise maximum of the scores of every panel from <paramref name="maximaFrom"/> to
    /// <paramref name="maximaTo"/> - 1 in group g, where the scored panels are split into <paramref name="groups"/>
    /// contiguous runs. Each lane of such a maximum is one column's score.
    /// </param>
    /// <param name="groups">The number of runs the scored panels are split into for <paramref name="maxima"/>.</param>
    /// <param name="maximaFrom">The first panel that counts towards <paramref name="maxima"/>.</param>
    /// <param name="maximaTo">One past the last panel that counts towards <paramref name="maxima"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreStrip(
        SimdWidth width,
        ReadOnlySpan<float> queries,
        int blocks,
        ReadOnlySpan<float> packed,
        int factors,
        int firstPanel,
        int panelCount,
        Span<float> strip,
        int stripStride,
        Span<Vector256<float>> maxima = default,
        int groups = 1,
        int maximaFrom = 0,
        int maximaTo = 0)
    {
        Debug.Assert(queries.Length >= blocks * MicroRows * factors);
        Debug.Assert(strip.Length >= (((blocks * MicroRows) - 1) * stripStride) + ((panelCount - firstPanel) * PanelWidth));
        Debug.Assert(maxima.IsEmpty || maxima.Length >= blocks * MicroRows * groups);
        ref var destination = ref MemoryMarshal.GetReference(strip);
        var scored = panelCount - firstPanel;
        var wide = width >= SimdWidth.Vector512;
        var vector = width >= SimdWidth.Vector256;
        for (var p = firstPanel; p < panelCount; p++)
        {
            ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetReference(packed), (nint)p * factors * PanelWidth);
            var counted = !maxima.IsEmpty && p >= maximaFrom && p < maximaTo;
            var group = (int)((long)(p - firstPanel) * groups / scored);
            var b = 0;
            if (wide && blocks >= 2 && p + 1 < panelCount)
            {
                // Two panels at once as a 12 x 32 tile: each broadcast query value feeds two FMAs, one per panel,
                // and every score keeps its own FMA chain over the factors in order (the same bits as one panel at a
                // time). An odd last block takes 6 x 16 tiles.
                var countedNext = !maxima.IsEmpty && p + 1 >= maximaFrom && p + 1 < maximaTo;
                var groupNext = (int)((long)(p + 1 - firstPanel) * groups / scored);
                for (; b + 1 < blocks; b += 2)
                {
                    ref var q = ref Unsafe.Add(ref MemoryMarshal.GetReference(queries), b * MicroRows * factors);
                    ref var tile = ref Unsafe.Add(ref destination, (b * MicroRows * stripStride) + ((p - firstPanel) * PanelWidth));
                    ref var rowMaxima = ref counted ? ref maxima[(b * MicroRows * groups) + group] : ref Unsafe.NullRef<Vector256<float>>();
                    ref var nextMaxima = ref countedNext ? ref maxima[(b * MicroRows * groups) + groupNext] : ref Unsafe.NullRef<Vector256<float>>();
                    Tile12Pair(ref q, ref panel, factors, ref tile, stripStride, ref rowMaxima, ref nextMaxima, groups);
                }

                for (; b < blocks; b++)
                {
                    ref var q = ref Unsafe.Add(ref MemoryMarshal.GetReference(queries), b * MicroRows * factors);
                    for (var next = 0; next < 2; next++)
                    {
                        var at = p + next;
                        ref var tile = ref Unsafe.Add(ref destination, (b * MicroRows * stripStride) + ((at - firstPanel) * PanelWidth));
                        ref var rowMaxima = ref (next == 0 ? counted : countedNext)
                            ? ref maxima[(b * MicroRows * groups) + (next == 0 ? group : groupNext)]
                            : ref Unsafe.NullRef<Vector256<float>>();
                        Tile6(ref q, ref Unsafe.Add(ref panel, next * factors * PanelWidth), factors, ref tile, stripStride, ref rowMaxima, groups);
                    }
                }

                p++;
                continue;
            }

            if (wide)
            {
                // 512-bit registers hold a whole panel row: two 6-row blocks at once as a 12 x 16 tile (twelve
                // accumulators, each loaded panel row feeding twelve FMAs); an odd last block takes the loop below.
                for (; b + 1 < blocks; b += 2)
                {
                    ref var q = ref Unsafe.Add(ref MemoryMarshal.GetReference(queries), b * MicroRows * factors);
                    ref var tile = ref Unsafe.Add(ref destination, (b * MicroRows * stripStride) + ((p - firstPanel) * PanelWidth));
                    ref var rowMaxima = ref counted ? ref maxima[(b * MicroRows * groups) + group] : ref Unsafe.NullRef<Vector256<float>>();
                    Tile12Wide(ref q, ref panel, factors, ref tile, stripStride, ref rowMaxima, groups);
                }
            }

            for (; b < blocks; b++)
            {
                ref var q = ref Unsafe.Add(ref MemoryMarshal.GetReference(queries), b * MicroRows * factors);
                ref var tile = ref Unsafe.Add(ref destination, (b * MicroRows * stripStride) + ((p - firstPanel) * PanelWidth));
                ref var rowMaxima = ref counted ? ref maxima[(b * MicroRows * groups) + group] : ref Unsafe.NullRef<Vector256<float>>();
                if (vector)
                {
                    Tile6(ref q, ref panel, factors, ref tile, stripStride, ref rowMaxima, groups);
                }
                else
                {
                    Tile6Scalar(ref q, ref panel, factors, ref tile, stripStride);
                    if (counted)
                    {
                        for (var r = 0; r < MicroRows; r++)
                        {
                            ref var max = ref Unsafe.Add(ref rowMaxima, r * groups);
                            var row = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref tile, r * stripStride), PanelWidth);
                            max = Vector256.Max(max, Vector256.Max(Vector256.Create(row[..8]), Vector256.Create(row[8..])));
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6(ref float q, ref float panel, int factors, ref float tile, int stride, ref Vector256<float> rowMaxima, int groups)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var f = 0; f < factors; f++)
        {
            var b0 = Vector256.LoadUnsafe(ref panel);
            var b1 = Vector256.LoadUnsafe(ref panel, 8);
            var a = Vector256.Create(q);
            c00 = Vector256.FusedMultiplyAdd(a, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
            a = Vector256.Create(Unsafe.Add(ref q, 1));
            c10 = Vector256.FusedMultiplyAdd(a, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
            a = Vector256.Create(Unsafe.Add(ref q, 2));
            c20 = Vector256.FusedMultiplyAdd(a, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
            a = Vector256.Create(Unsafe.Add(ref q, 3));
            c30 = Vector256.FusedMultiplyAdd(a, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
            a = Vector256.Create(Unsafe.Add(ref q, 4));
            c40 = Vector256.FusedMultiplyAdd(a, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
            a = Vector256.Create(Unsafe.Add(ref q, 5));
            c50 = Vector256.FusedMultiplyAdd(a, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
            q = ref Unsafe.Add(ref q, MicroRows);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
        }

        c00.StoreUnsafe(ref tile);
        c01.StoreUnsafe(ref tile, 8);
        c10.StoreUnsafe(ref tile, (nuint)stride);
        c11.StoreUnsafe(ref tile, (nuint)stride + 8);
        c20.StoreUnsafe(ref tile, (nuint)(2 * stride));
        c21.StoreUnsafe(ref tile, (nuint)(2 * stride) + 8);
        c30.StoreUnsafe(ref tile, (nuint)(3 * stride));
        c31.StoreUnsafe(ref tile, (nuint)(3 * stride) + 8);
        c40.StoreUnsafe(ref tile, (nuint)(4 * stride));
        c41.StoreUnsafe(ref tile, (nuint)(4 * stride) + 8);
        c50.StoreUnsafe(ref tile, (nuint)(5 * stride));
        c51.StoreUnsafe(ref tile, (nuint)(5 * stride) + 8);
        if (!Unsafe.IsNullRef(ref rowMaxima))
        {
            // Lane l of max(c_r0, c_r1) is the better of columns l and 8 + l: still one column's score per lane.
            rowMaxima = Vector256.MaxNative(rowMaxima, Vector256.MaxNative(c00, c01));
            Unsafe.Add(ref rowMaxima, groups) = Vector256.MaxNative(Unsafe.Add(ref rowMaxima, groups), Vector256.MaxNative(c10, c11));
            Unsafe.Add(ref rowMaxima, 2 * groups) = Vector256.MaxNative(Unsafe.Add(ref rowMaxima, 2 * groups), Vector256.MaxNative(c20, c21));
            Unsafe.Add(ref rowMaxima, 3 * groups) = Vector256.MaxNative(Unsafe.Add(ref rowMaxima, 3 * groups), Vector256.MaxNative(c30, c31));
            Unsafe.Add(ref rowMaxima, 4 * groups) = Vector256.MaxNative(Unsafe.Add(ref rowMaxima, 4 * groups), Vector256.MaxNative(c40, c41));
            Unsafe.Add(ref rowMaxima, 5 * groups) = Vector256.MaxNative(Unsafe.Add(ref rowMaxima, 5 * groups), Vector256.MaxNative(c50, c51));
        }
    }

    /// <summary>
    /// Two consecutive 6-row blocks (<paramref name="q"/> and the block <c>6 x factors</c> floats on) against one panel,
    /// one 512-bit accumulator per row: the same FMA chains as <see cref="Tile6"/>, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile12Wide(ref float q, ref float panel, int factors, ref float tile, int stride, ref Vector256<float> rowMaxima, int groups)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        ref var q2 = ref Unsafe.Add(ref q, MicroRows * factors);
        for (var f = 0; f < factors; f++)
        {
            var b = Vector512.LoadUnsafe(ref panel);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(q), b, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, 1)), b, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, 2)), b, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, 3)), b, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, 4)), b, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, 5)), b, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(q2), b, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q2, 1)), b, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q2, 2)), b, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q2, 3)), b, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q2, 4)), b, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q2, 5)), b, c11);
            q = ref Unsafe.Add(ref q, MicroRows);
            q2 = ref Unsafe.Add(ref q2, MicroRows);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
        }

        StoreRows12(ref tile, stride, ref rowMaxima, groups, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
    }

    /// <summary>
    /// <see cref="Tile12Wide"/> for two consecutive panels (<paramref name="panel"/> and the one after it) into 32
    /// consecutive tile columns: 24 accumulators, each broadcast query value feeding one FMA per panel. Every score is
    /// the same FMA chain as in <see cref="Tile12Wide"/>, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile12Pair(
        ref float q, ref float panel, int factors, ref float tile, int stride, ref Vector256<float> rowMaxima, ref Vector256<float> nextMaxima, int groups)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        Vector512<float> d6 = default, d7 = default, d8 = default, d9 = default, d10 = default, d11 = default;
        ref var q2 = ref Unsafe.Add(ref q, MicroRows * factors);
        ref var next = ref Unsafe.Add(ref panel, factors * PanelWidth);
        for (var f = 0; f < factors; f++)
        {
            var b = Vector512.LoadUnsafe(ref panel);
            var e = Vector512.LoadUnsafe(ref next);
            var x = Vector512.Create(q);
            c0 = Vector512.FusedMultiplyAdd(x, b, c0);
            d0 = Vector512.FusedMultiplyAdd(x, e, d0);
            x = Vector512.Create(Unsafe.Add(ref q, 1));
            c1 = Vector512.FusedMultiplyAdd(x, b, c1);
            d1 = Vector512.FusedMultiplyAdd(x, e, d1);
            x = Vector512.Create(Unsafe.Add(ref q, 2));
            c2 = Vector512.FusedMultiplyAdd(x, b, c2);
            d2 = Vector512.FusedMultiplyAdd(x, e, d2);
            x = Vector512.Create(Unsafe.Add(ref q, 3));
            c3 = Vector512.FusedMultiplyAdd(x, b, c3);
            d3 = Vector512.FusedMultiplyAdd(x, e, d3);
            x = Vector512.Create(Unsafe.Add(ref q, 4));
            c4 = Vector512.FusedMultiplyAdd(x, b, c4);
            d4 = Vector512.FusedMultiplyAdd(x, e, d4);
            x = Vector512.Create(Unsafe.Add(ref q, 5));
            c5 = Vector512.FusedMultiplyAdd(x, b, c5);
            d5 = Vector512.FusedMultiplyAdd(x, e, d5);
            x = Vector512.Create(q2);
            c6 = Vector512.FusedMultiplyAdd(x, b, c6);
            d6 = Vector512.FusedMultiplyAdd(x, e, d6);
            x = Vector512.Create(Unsafe.Add(ref q2, 1));
            c7 = Vector512.FusedMultiplyAdd(x, b, c7);
            d7 = Vector512.FusedMultiplyAdd(x, e, d7);
            x = Vector512.Create(Unsafe.Add(ref q2, 2));
            c8 = Vector512.FusedMultiplyAdd(x, b, c8);
            d8 = Vector512.FusedMultiplyAdd(x, e, d8);
            x = Vector512.Create(Unsafe.Add(ref q2, 3));
            c9 = Vector512.FusedMultiplyAdd(x, b, c9);
            d9 = Vector512.FusedMultiplyAdd(x, e, d9);
            x = Vector512.Create(Unsafe.Add(ref q2, 4));
            c10 = Vector512.FusedMultiplyAdd(x, b, c10);
            d10 = Vector512.FusedMultiplyAdd(x, e, d10);
            x = Vector512.Create(Unsafe.Add(ref q2, 5));
            c11 = Vector512.FusedMultiplyAdd(x, b, c11);
            d11 = Vector512.FusedMultiplyAdd(x, e, d11);
            q = ref Unsafe.Add(ref q, MicroRows);
            q2 = ref Unsafe.Add(ref q2, MicroRows);
            panel = ref Unsafe.Add(ref panel, PanelWidth);
            next = ref Unsafe.Add(ref next, PanelWidth);
        }

        StoreRows12(ref tile, stride, ref rowMaxima, groups, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
        ref var right = ref Unsafe.Add(ref tile, PanelWidth);
        StoreRows12(ref right, stride, ref nextMaxima, groups, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11);
    }

    /// <summary>Stores the twelve rows of a 12 x 16 tile with <see cref="StoreRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows12(
        ref float tile, int stride, ref Vector256<float> rowMaxima, int groups,
        Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3, Vector512<float> c4, Vector512<float> c5,
        Vector512<float> c6, Vector512<float> c7, Vector512<float> c8, Vector512<float> c9, Vector512<float> c10, Vector512<float> c11)
    {
        StoreRow(c0, ref tile, 0, stride, ref rowMaxima, groups);
        StoreRow(c1, ref tile, 1, stride, ref rowMaxima, groups);
        StoreRow(c2, ref tile, 2, stride, ref rowMaxima, groups);
        StoreRow(c3, ref tile, 3, stride, ref rowMaxima, groups);
        StoreRow(c4, ref tile, 4, stride, ref rowMaxima, groups);
        StoreRow(c5, ref tile, 5, stride, ref rowMaxima, groups);
        StoreRow(c6, ref tile, 6, stride, ref rowMaxima, groups);
        StoreRow(c7, ref tile, 7, stride, ref rowMaxima, groups);
        StoreRow(c8, ref tile, 8, stride, ref rowMaxima, groups);
        StoreRow(c9, ref tile, 9, stride, ref rowMaxima, groups);
        StoreRow(c10, ref tile, 10, stride, ref rowMaxima, groups);
        StoreRow(c11, ref tile, 11, stride, ref rowMaxima, groups);
    }

    /// <summary>Stores tile row <paramref name="row"/> and, when maxima are gathered, raises that row's lane maxima.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector512<float> scores, ref float tile, int row, int stride, ref Vector256<float> rowMaxima, int groups)
    {
        scores.StoreUnsafe(ref tile, (nuint)(row * stride));
        if (!Unsafe.IsNullRef(ref rowMaxima))
        {
            // Lane l of the halves' maximum is the better of columns l and 8 + l: one column's score per lane, as in Tile6.
            ref var max = ref Unsafe.Add(ref rowMaxima, row * groups);
            max = Vector256.MaxNative(max, Vector256.MaxNative(scores.GetLower(), scores.GetUpper()));
        }
    }

    /// <summary>The portable 6 x 16 tile: the same sums, in the same order, as <see cref="TilePanelScalar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6Scalar(ref float q, ref float panel, int factors, ref float tile, int stride)
    {
        for (var r = 0; r < MicroRows; r++)
        {
            for (var j = 0; j < PanelWidth; j++)
            {
                var sum = 0f;
                for (var f = 0; f < factors; f++)
                {
                    sum += Unsafe.Add(ref q, (f * MicroRows) + r) * Unsafe.Add(ref panel, (f * PanelWidth) + j);
                }

                Unsafe.Add(ref tile, (r * stride) + j) = sum;
            }
        }
    }

    /// <summary>The portable 4 x 16 tile: the same sums as <see cref="TilePanel"/>, in the same order, without fusing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilePanelScalar(ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int p, Span<float> tile)
    {
        ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetReference(packed), (nint)p * factors * PanelWidth);
        ref var q = ref MemoryMarshal.GetReference(queries);
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
    }

    /// <summary>One 4 x 16 tile: <paramref name="tile"/>[r * 16 + j] = query r · item (16p + j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilePanel(ReadOnlySpan<float> queries, ReadOnlySpan<float> packed, int factors, int p, Span<float> tile)
    {
        ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetReference(packed), (nint)p * factors * PanelWidth);
        ref var q = ref MemoryMarshal.GetReference(queries);
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
