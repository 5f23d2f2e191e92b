using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MovieRecs.Internal;

/// <summary>
/// Scores one query vector against many factor rows (row-major, <c>stride</c> floats per row, zero padded): the
/// inner loop of recommend. Four rows per pass share each load of the query.
/// </summary>
internal static class ScoringKernels
{
    /// <summary>
    /// <c>scores[r] = query · rows[r]</c> for <c>scores.Length</c> rows, with the widest scoring kernel at
    /// <paramref name="width"/> (see <see cref="KernelTable"/>) whose registers divide <paramref name="stride"/>.
    /// </summary>
    public static void Score(SimdWidth width, ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        Debug.Assert(query.Length >= stride && rows.Length >= (long)scores.Length * stride);
        switch (Implementation(width, stride))
        {
            case SimdWidth.Vector256:
                Score256(query, rows, stride, scores);
                break;
            case SimdWidth.Vector128:
                Score128(query, rows, stride, scores);
                break;
            default:
                ScoreScalar(query, rows, stride, scores);
                break;
        }
    }

    /// <summary>
    /// Queries scored together by <see cref="ScoreBlock"/>: the 512-bit kernel takes them in groups of
    /// <see cref="PairQueries"/>, the 256-bit one in groups of four, both over the same chunk of rows while it is in L1,
    /// so the rows stream from memory once per block.
    /// </summary>
    public const int BlockQueries = 16;

    /// <summary>Queries of one 512-bit tile: four registers, each holding two queries' 8 factors side by side.</summary>
    public const int PairQueries = 8;

    /// <summary>Rows scored by all the block's queries before the next rows are loaded (about 14 KB at 100 factors).</summary>
    private const int ChunkRows = 32;

    /// <summary>
    /// <c>scores[u * scoreStride + r] = queries[u] · rows[r]</c> for <paramref name="queryCount"/> queries (consecutive,
    /// <paramref name="stride"/> floats each, at most <see cref="BlockQueries"/>) and <paramref name="rowCount"/> rows:
    /// every score bit-identical to <see cref="Score"/>'s for that query at the same width. At 256 bits and wider, rows
    /// are taken in chunks that every query of the block scores before the next chunk, so the rows are read from
    /// memory once for the whole block: 512 bits run an 8-query x 4-row register tile (<see cref="Tile512"/>), 256 bits
    /// a 4-query x 2-row one; queries left over go one by one through <see cref="Score"/>. When the floats of every query
    /// past <paramref name="nonZero"/> (rounded up to 8) are zero, the 512-bit tile skips them: an FMA of zeros adds
    /// +0 to an accumulator lane, which changes nothing (a lane starts at +0 and an FMA rounding to nearest never
    /// turns it into -0), so the bits stay the full-stride sum's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreBlock(
        SimdWidth width, ReadOnlySpan<float> queries, int queryCount, ReadOnlySpan<float> rows, int stride, int rowCount, Span<float> scores, int scoreStride, int nonZero = int.MaxValue)
    {
        Debug.Assert(queryCount <= BlockQueries);
        var activeSteps = (Math.Min(nonZero, stride) + Vector256<float>.Count - 1) / Vector256<float>.Count;
        Debug.Assert(queries.Length >= queryCount * stride && rows.Length >= (long)rowCount * stride);
        Debug.Assert(queryCount == 0 || scores.Length >= ((queryCount - 1) * scoreStride) + rowCount);
        var u = 0;
        if (Implementation(width, stride) == SimdWidth.Vector256 && rowCount > 0)
        {
            var wide = width >= SimdWidth.Vector512 ? queryCount / PairQueries * PairQueries : 0;
            var narrow = (queryCount - wide) / 4 * 4;
            Span<float> paired = wide > 0 ? ServingScratch.PairedQueries(wide * stride) : default;
            for (var g = 0; g < wide; g += PairQueries)
            {
                PairUp(queries.Slice(g * stride, PairQueries * stride), stride, paired.Slice(g * stride, PairQueries * stride));
            }

            for (var r = 0; r < rowCount; r += ChunkRows)
            {
                var count = Math.Min(ChunkRows, rowCount - r);
                var chunk = rows.Slice(r * stride, count * stride);
                for (var g = 0; g < wide; g += PairQueries)
                {
                    ScoreBlock512(paired.Slice(g * stride, PairQueries * stride), chunk, stride, activeSteps, count, scores[((g * scoreStride) + r)..], scoreStride);
                }

                for (var g = wide; g < wide + narrow; g += 4)
                {
                    ScoreBlock256(queries.Slice(g * stride, 4 * stride), chunk, stride, count, scores[((g * scoreStride) + r)..], scoreStride);
                }
            }

            u = wide + narrow;
        }

        for (; u < queryCount; u++)
        {
            Score(width, queries.Slice(u * stride, stride), rows, stride, scores.Slice(u * scoreStride, rowCount));
        }
    }

    /// <summary>
    /// Whether <see cref="ScoreBlockPaired"/> applies: blocks of queries at <see cref="SimdWidth.Vector512"/> with a
    /// stride of whole 256-bit steps (the steps whose order every score keeps).
    /// </summary>
    public static bool PairsRows(SimdWidth width, int stride) => width >= SimdWidth.Vector512 && stride % Vector256<float>.Count == 0;

    /// <summary>
    /// <see cref="ScoreBlock"/> with the rows read from their paired copy (<see cref="PairedRows"/>): every score
    /// bit-identical to <see cref="Score"/>'s at <paramref name="width"/>. Queries go four at a time against groups
    /// of eight rows (<see cref="TilePaired"/>), each query's steps copied into both halves of a 512-bit register once
    /// per block, so the tile's loads are plain 512-bit loads of aligned memory; queries left over go one by one
    /// through <see cref="Score"/> on <paramref name="rows"/>. Writes whole groups: <paramref name="scoreStride"/>
    /// must hold <see cref="PairedRows.Groups"/> × 8 scores per query (the scores of the padding rows are 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreBlockPaired(
        SimdWidth width, ReadOnlySpan<float> queries, int queryCount, int stride, PairedRows paired, ReadOnlySpan<float> rows, Span<float> scores, int scoreStride)
    {
        Debug.Assert(PairsRows(width, stride) && queryCount <= BlockQueries && queries.Length >= queryCount * stride);
        Debug.Assert(paired.Steps <= stride / Vector256<float>.Count && rows.Length >= (long)paired.Rows * stride);
        var groups = paired.Groups;
        Debug.Assert(scoreStride >= groups * PairedRows.GroupRows);
        Debug.Assert(queryCount == 0 || scores.Length >= ((queryCount - 1) * scoreStride) + (groups * PairedRows.GroupRows));
        var steps = paired.Steps;
        var quads = queryCount / 4 * 4;
        if (quads > 0 && groups > 0)
        {
            var doubled = DoubledQueries(quads * steps * 16);
            var d = doubled.Span;
            for (var u = 0; u < quads; u++)
            {
                var query = queries.Slice(u * stride, stride);
                for (var s = 0; s < steps; s++)
                {
                    var at = ((u * steps) + s) * 16;
                    query.Slice(s * 8, 8).CopyTo(d.Slice(at, 8));
                    query.Slice(s * 8, 8).CopyTo(d.Slice(at + 8, 8));
                }
            }

            ref var q = ref doubled.First;
            ref var m = ref paired.Buffer.First;
            ref var sc = ref MemoryMarshal.GetReference(scores);
            var groupFloats = steps * PairedRows.GroupStepFloats;
            for (var g0 = 0; g0 < groups; g0 += ChunkGroups)
            {
                var end = Math.Min(groups, g0 + ChunkGroups);
                for (var u = 0; u < quads; u += 4)
                {
                    ref var qu = ref Unsafe.Add(ref q, u * steps * 16);
                    for (var g = g0; g < end; g++)
                    {
                        TilePaired(ref qu, ref Unsafe.Add(ref m, (nint)g * groupFloats), steps, ref Unsafe.Add(ref sc, (nint)(u * scoreStride) + (g * PairedRows.GroupRows)), scoreStride);
                    }
                }
            }
        }

        for (var u = quads; u < queryCount; u++)
        {
            Score(width, queries.Slice(u * stride, stride), rows, stride, scores.Slice(u * scoreStride, paired.Rows));
        }
    }

    /// <summary>Groups of paired rows scored by all the block's queries before the next are loaded (about 13 KB at 100 factors).</summary>
    private const int ChunkGroups = 4;

    [ThreadStatic]
    private static FloatBuffer t_doubledQueries;

    /// <summary>Per-thread aligned room for the block's queries, each step copied into both halves of 16 floats.</summary>
    private static FloatBuffer DoubledQueries(int length)
    {
        if (t_doubledQueries.Length < length)
        {
            t_doubledQueries = FloatBuffer.AllocateAligned(Math.Max(length, BlockQueries * 16 * 16));
        }

        return t_doubledQueries;
    }

    /// <summary>
    /// The 4-query x 8-row tile on paired rows: sixteen 512-bit accumulators, accumulator (u, p) holding the 8 lane
    /// sums of query u with row p (lower half) and with row p + 4 (upper half). Each lane is <see cref="Score256"/>'s
    /// FMA chain, and <see cref="Reduce4"/> adds the lanes in <see cref="Vector256.Sum{T}(Vector256{T})"/>'s tree, so
    /// the bits are the single query's. <paramref name="q"/>: four queries of <paramref name="steps"/> × 16 floats
    /// (each step doubled); <paramref name="rows"/>: one group of <see cref="PairedRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilePaired(ref float q, ref float rows, int steps, ref float scores, int scoreStride)
    {
        ref var q1 = ref Unsafe.Add(ref q, steps * 16);
        ref var q2 = ref Unsafe.Add(ref q1, steps * 16);
        ref var q3 = ref Unsafe.Add(ref q2, steps * 16);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (var s = 0; s < steps; s++)
        {
            var r = (nuint)(s * PairedRows.GroupStepFloats);
            var w0 = Vector512.LoadUnsafe(ref rows, r);
            var w1 = Vector512.LoadUnsafe(ref rows, r + 16);
            var w2 = Vector512.LoadUnsafe(ref rows, r + 32);
            var w3 = Vector512.LoadUnsafe(ref rows, r + 48);
            var at = (nuint)(s * 16);
            var x = Vector512.LoadUnsafe(ref q, at);
            c00 = Vector512.FusedMultiplyAdd(x, w0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, w2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, w3, c03);
            x = Vector512.LoadUnsafe(ref q1, at);
            c10 = Vector512.FusedMultiplyAdd(x, w0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, w2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, w3, c13);
            x = Vector512.LoadUnsafe(ref q2, at);
            c20 = Vector512.FusedMultiplyAdd(x, w0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, w2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, w3, c23);
            x = Vector512.LoadUnsafe(ref q3, at);
            c30 = Vector512.FusedMultiplyAdd(x, w0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, w2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, w3, c33);
        }

        StoreGroup(Reduce4(c00, c01, c02, c03), ref scores);
        StoreGroup(Reduce4(c10, c11, c12, c13), ref Unsafe.Add(ref scores, scoreStride));
        StoreGroup(Reduce4(c20, c21, c22, c23), ref Unsafe.Add(ref scores, 2 * scoreStride));
        StoreGroup(Reduce4(c30, c31, c32, c33), ref Unsafe.Add(ref scores, 3 * scoreStride));
    }

    /// <summary>Stores one query's scores of a group: rows 0-3 from lanes 0-3, rows 4-7 from lanes 8-11.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGroup(Vector512<float> sums, ref float scores)
    {
        sums.GetLower().GetLower().StoreUnsafe(ref scores);
        sums.GetUpper().GetLower().StoreUnsafe(ref scores, 4);
    }

    /// <summary>
    /// The scoring kernel that runs at <paramref name="width"/>: the widest one not wider than it whose registers divide
    /// <paramref name="stride"/>. Single queries have no 512-bit kernel (the 256-bit one serves that width too, and
    /// fixes the summation order); blocks of queries have one that keeps that order (<see cref="ScoreBlock512"/>).
    /// </summary>
    private static SimdWidth Implementation(SimdWidth width, int stride) =>
        width >= SimdWidth.Vector256 && stride % Vector256<float>.Count == 0 ? SimdWidth.Vector256
        : width >= SimdWidth.Vector128 && stride % Vector128<float>.Count == 0 ? SimdWidth.Vector128
        : SimdWidth.Scalar;

    /// <summary>
    /// Lays out 8 queries of <paramref name="stride"/> floats as 4 pairs: pair p, step s (16 floats at
    /// <c>(p * stride / 8 + s) * 16</c>) holds factors 8s .. 8s + 7 of query 2p, then the same of query 2p + 1.
    /// </summary>
    private static void PairUp(ReadOnlySpan<float> queries, int stride, Span<float> paired)
    {
        var steps = stride / Vector256<float>.Count;
        for (var p = 0; p < PairQueries / 2; p++)
        {
            var first = queries.Slice(2 * p * stride, stride);
            var second = queries.Slice(((2 * p) + 1) * stride, stride);
            for (var s = 0; s < steps; s++)
            {
                var at = ((p * steps) + s) * 16;
                first.Slice(s * 8, 8).CopyTo(paired.Slice(at, 8));
                second.Slice(s * 8, 8).CopyTo(paired.Slice(at + 8, 8));
            }
        }
    }

    /// <summary>
    /// Eight queries (paired by <see cref="PairUp"/>) against the rows, four rows at a time (<see cref="Tile512"/>),
    /// the last rows through the 256-bit single-query kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreBlock512(ReadOnlySpan<float> paired, ReadOnlySpan<float> rows, int stride, int activeSteps, int rowCount, Span<float> scores, int scoreStride)
    {
        ref var m = ref MemoryMarshal.GetReference(rows);
        ref var q = ref MemoryMarshal.GetReference(paired);
        ref var s = ref MemoryMarshal.GetReference(scores);
        var r = 0;
        for (; r + 4 <= rowCount; r += 4)
        {
            Tile512(ref q, ref Unsafe.Add(ref m, (nint)r * stride), stride, activeSteps, ref Unsafe.Add(ref s, r), scoreStride);
        }

        if (r < rowCount)
        {
            var steps = stride / Vector256<float>.Count;
            var tail = rows.Slice(r * stride, (rowCount - r) * stride);
            var single = ServingScratch.UnpairedQuery(stride);
            for (var u = 0; u < PairQueries; u++)
            {
                // Undo the pairing for this query: the same floats, so the same sums.
                var p = u / 2;
                var half = (u % 2) * 8;
                for (var step = 0; step < steps; step++)
                {
                    paired.Slice((((p * steps) + step) * 16) + half, 8).CopyTo(single.Slice(step * 8, 8));
                }

                Score256(single, tail, stride, scores.Slice((u * scoreStride) + r, rowCount - r));
            }
        }
    }

    /// <summary>
    /// The 8-query x 4-row tile: sixteen 512-bit accumulators, accumulator (p, j) holding the 8 lane sums of query 2p
    /// and of query 2p + 1 with row j. Each lane is the same FMA chain over the factors as <see cref="Score256"/>'s, and
    /// the lanes are added in the same tree as <see cref="Vector256.Sum{T}(Vector256{T})"/>
    /// (<c>((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))</c>), four accumulators at a time by transposing shuffles
    /// (<see cref="Reduce4"/>) instead of one horizontal sum per score: the same bits, a quarter of the shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(ref float q, ref float row0, int stride, int activeSteps, ref float scores, int scoreStride)
    {
        ref var row1 = ref Unsafe.Add(ref row0, stride);
        ref var row2 = ref Unsafe.Add(ref row1, stride);
        ref var row3 = ref Unsafe.Add(ref row2, stride);
        var steps = stride / Vector256<float>.Count;
        ref var q1 = ref Unsafe.Add(ref q, steps * 16);
        ref var q2 = ref Unsafe.Add(ref q1, steps * 16);
        ref var q3 = ref Unsafe.Add(ref q2, steps * 16);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (var s = 0; s < activeSteps; s++)
        {
            var f = (nuint)(s * 8);
            var y0 = Vector256.LoadUnsafe(ref row0, f);
            var y1 = Vector256.LoadUnsafe(ref row1, f);
            var y2 = Vector256.LoadUnsafe(ref row2, f);
            var y3 = Vector256.LoadUnsafe(ref row3, f);
            var w0 = Vector512.Create(y0, y0);
            var w1 = Vector512.Create(y1, y1);
            var w2 = Vector512.Create(y2, y2);
            var w3 = Vector512.Create(y3, y3);
            var at = (nuint)(s * 16);
            var x = Vector512.LoadUnsafe(ref q, at);
            c00 = Vector512.FusedMultiplyAdd(x, w0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, w2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, w3, c03);
            x = Vector512.LoadUnsafe(ref q1, at);
            c10 = Vector512.FusedMultiplyAdd(x, w0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, w2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, w3, c13);
            x = Vector512.LoadUnsafe(ref q2, at);
            c20 = Vector512.FusedMultiplyAdd(x, w0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, w2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, w3, c23);
            x = Vector512.LoadUnsafe(ref q3, at);
            c30 = Vector512.FusedMultiplyAdd(x, w0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, w2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, w3, c33);
        }

        Store4(Reduce4(c00, c01, c02, c03), ref scores, 0, scoreStride);
        Store4(Reduce4(c10, c11, c12, c13), ref scores, 2, scoreStride);
        Store4(Reduce4(c20, c21, c22, c23), ref scores, 4, scoreStride);
        Store4(Reduce4(c30, c31, c32, c33), ref scores, 6, scoreStride);
    }

    /// <summary>Stores the first query's four scores (lanes 0-3) at query row <paramref name="u"/>, the second's (lanes 8-11) at the next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Vector512<float> sums, ref float scores, int u, int scoreStride)
    {
        sums.GetLower().GetLower().StoreUnsafe(ref scores, (nuint)(u * scoreStride));
        sums.GetUpper().GetLower().StoreUnsafe(ref scores, (nuint)((u + 1) * scoreStride));
    }

    /// <summary>
    /// Horizontal sums of four accumulators, each two 8-lane halves: lane j (0-3) of the result is the sum of
    /// <c>[a, b, c, d][j]</c>'s lower half and lane 8 + j that of its upper half, each added exactly as
    /// <see cref="Vector256.Sum{T}(Vector256{T})"/> adds: pairs of neighbours, then pairs of pairs within each 128-bit
    /// quarter, then the two quarters of the half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        if (Avx512F.IsSupported)
        {
            // Within each 128-bit quarter: [a0 + a1, a2 + a3, b0 + b1, b2 + b3], then [a0123, b0123, c0123, d0123].
            var ab = Avx512F.Shuffle(a, b, 0b10_00_10_00) + Avx512F.Shuffle(a, b, 0b11_01_11_01);
            var cd = Avx512F.Shuffle(c, d, 0b10_00_10_00) + Avx512F.Shuffle(c, d, 0b11_01_11_01);
            var quarters = Avx512F.Shuffle(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle(ab, cd, 0b11_01_11_01);

            // Quarter 0 + quarter 1 (lower half), quarter 2 + quarter 3 (upper half).
            return quarters + Avx512F.Shuffle4x128(quarters, quarters, 0b10_11_00_01);
        }

        return Vector512.Create(
            Vector256.Create(
                Vector128.Create(Vector256.Sum(a.GetLower()), Vector256.Sum(b.GetLower()), Vector256.Sum(c.GetLower()), Vector256.Sum(d.GetLower())),
                Vector128<float>.Zero),
            Vector256.Create(
                Vector128.Create(Vector256.Sum(a.GetUpper()), Vector256.Sum(b.GetUpper()), Vector256.Sum(c.GetUpper()), Vector256.Sum(d.GetUpper())),
                Vector128<float>.Zero));
    }

    /// <summary>
    /// Four queries against the rows, two rows at a time: eight accumulators, each the same lane-wise FMA chain over the
    /// factors and the same <see cref="Vector256.Sum{T}(Vector256{T})"/> as <see cref="Score256"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreBlock256(ReadOnlySpan<float> queries, ReadOnlySpan<float> rows, int stride, int rowCount, Span<float> scores, int scoreStride)
    {
        ref var q0 = ref MemoryMarshal.GetReference(queries);
        ref var q1 = ref Unsafe.Add(ref q0, stride);
        ref var q2 = ref Unsafe.Add(ref q1, stride);
        ref var q3 = ref Unsafe.Add(ref q2, stride);
        ref var m = ref MemoryMarshal.GetReference(rows);
        ref var s0 = ref MemoryMarshal.GetReference(scores);
        ref var s1 = ref Unsafe.Add(ref s0, scoreStride);
        ref var s2 = ref Unsafe.Add(ref s1, scoreStride);
        ref var s3 = ref Unsafe.Add(ref s2, scoreStride);
        var r = 0;
        for (; r + 2 <= rowCount; r += 2)
        {
            ref var r0 = ref Unsafe.Add(ref m, (nint)r * stride);
            ref var r1 = ref Unsafe.Add(ref r0, stride);
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                var y0 = Vector256.LoadUnsafe(ref r0, (nuint)f);
                var y1 = Vector256.LoadUnsafe(ref r1, (nuint)f);
                var x = Vector256.LoadUnsafe(ref q0, (nuint)f);
                a00 = Vector256.FusedMultiplyAdd(x, y0, a00);
                a01 = Vector256.FusedMultiplyAdd(x, y1, a01);
                x = Vector256.LoadUnsafe(ref q1, (nuint)f);
                a10 = Vector256.FusedMultiplyAdd(x, y0, a10);
                a11 = Vector256.FusedMultiplyAdd(x, y1, a11);
                x = Vector256.LoadUnsafe(ref q2, (nuint)f);
                a20 = Vector256.FusedMultiplyAdd(x, y0, a20);
                a21 = Vector256.FusedMultiplyAdd(x, y1, a21);
                x = Vector256.LoadUnsafe(ref q3, (nuint)f);
                a30 = Vector256.FusedMultiplyAdd(x, y0, a30);
                a31 = Vector256.FusedMultiplyAdd(x, y1, a31);
            }

            Unsafe.Add(ref s0, r) = Vector256.Sum(a00);
            Unsafe.Add(ref s0, r + 1) = Vector256.Sum(a01);
            Unsafe.Add(ref s1, r) = Vector256.Sum(a10);
            Unsafe.Add(ref s1, r + 1) = Vector256.Sum(a11);
            Unsafe.Add(ref s2, r) = Vector256.Sum(a20);
            Unsafe.Add(ref s2, r + 1) = Vector256.Sum(a21);
            Unsafe.Add(ref s3, r) = Vector256.Sum(a30);
            Unsafe.Add(ref s3, r + 1) = Vector256.Sum(a31);
        }

        if (r < rowCount)
        {
            ref var row = ref Unsafe.Add(ref m, (nint)r * stride);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                var y = Vector256.LoadUnsafe(ref row, (nuint)f);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q0, (nuint)f), y, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q1, (nuint)f), y, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q2, (nuint)f), y, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q3, (nuint)f), y, a3);
            }

            Unsafe.Add(ref s0, r) = Vector256.Sum(a0);
            Unsafe.Add(ref s1, r) = Vector256.Sum(a1);
            Unsafe.Add(ref s2, r) = Vector256.Sum(a2);
            Unsafe.Add(ref s3, r) = Vector256.Sum(a3);
        }
    }

    /// <summary>The reference: plain loops, accumulating in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreScalar(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        for (var r = 0; r < scores.Length; r++)
        {
            var row = rows.Slice(r * stride, stride);
            var sum = 0f;
            for (var f = 0; f < stride; f++)
            {
                sum += query[f] * row[f];
            }

            scores[r] = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Score256(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(rows);
        var n = scores.Length;
        var r = 0;
        for (; r + 4 <= n; r += 4)
        {
            ref var r0 = ref Unsafe.Add(ref m, (nint)r * stride);
            ref var r1 = ref Unsafe.Add(ref r0, stride);
            ref var r2 = ref Unsafe.Add(ref r1, stride);
            ref var r3 = ref Unsafe.Add(ref r2, stride);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref q, (nuint)f);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r0, (nuint)f), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r1, (nuint)f), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r2, (nuint)f), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r3, (nuint)f), a3);
            }

            scores[r] = Vector256.Sum(a0);
            scores[r + 1] = Vector256.Sum(a1);
            scores[r + 2] = Vector256.Sum(a2);
            scores[r + 3] = Vector256.Sum(a3);
        }

        for (; r < n; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nint)r * stride);
            Vector256<float> a = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)f), Vector256.LoadUnsafe(ref row, (nuint)f), a);
            }

            scores[r] = Vector256.Sum(a);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Score128(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(rows);
        for (var r = 0; r < scores.Length; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nint)r * stride);
            Vector128<float> a0 = default, a1 = default;
            var f = 0;
            for (; f + (2 * Vector128<float>.Count) <= stride; f += 2 * Vector128<float>.Count)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref q, (nuint)f), Vector128.LoadUnsafe(ref row, (nuint)f), a0);
                a1 = Vector128.FusedMultiplyAdd(
                    Vector128.LoadUnsafe(ref q, (nuint)(f + Vector128<float>.Count)), Vector128.LoadUnsafe(ref row, (nuint)(f + Vector128<float>.Count)), a1);
            }

            for (; f < stride; f += Vector128<float>.Count)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref q, (nuint)f), Vector128.LoadUnsafe(ref row, (nuint)f), a0);
            }

            scores[r] = Vector128.Sum(a0 + a1);
        }
    }
}
