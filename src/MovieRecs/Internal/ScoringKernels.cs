using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>Queries scored together by <see cref="ScoreBlock"/>: each loaded row feeds this many FMAs.</summary>
    public const int BlockQueries = 4;

    /// <summary>
    /// <c>scores[u * scoreStride + r] = queries[u] · rows[r]</c> for <paramref name="queryCount"/> queries (consecutive,
    /// <paramref name="stride"/> floats each) and <paramref name="rowCount"/> rows: every score bit-identical to
    /// <see cref="Score"/>'s for that query at the same width. With
    /// <see cref="BlockQueries"/> queries on the 256-bit kernel, each row is read once for all of them (a 4-query x 2-row
    /// register tile), which cuts the traffic of streaming the rows from memory by four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreBlock(
        SimdWidth width, ReadOnlySpan<float> queries, int queryCount, ReadOnlySpan<float> rows, int stride, int rowCount, Span<float> scores, int scoreStride)
    {
        Debug.Assert(queries.Length >= queryCount * stride && rows.Length >= (long)rowCount * stride);
        Debug.Assert(queryCount == 0 || scores.Length >= ((queryCount - 1) * scoreStride) + rowCount);
        if (queryCount == BlockQueries && Implementation(width, stride) == SimdWidth.Vector256)
        {
            ScoreBlock256(queries, rows, stride, rowCount, scores, scoreStride);
            return;
        }

        for (var u = 0; u < queryCount; u++)
        {
            Score(width, queries.Slice(u * stride, stride), rows, stride, scores.Slice(u * scoreStride, rowCount));
        }
    }

    /// <summary>
    /// The scoring kernel that runs at <paramref name="width"/>: the widest one not wider than it whose registers divide
    /// <paramref name="stride"/>. There is no 512-bit scoring kernel: the 256-bit one serves that width too.
    /// </summary>
    private static SimdWidth Implementation(SimdWidth width, int stride) =>
        width >= SimdWidth.Vector256 && stride % Vector256<float>.Count == 0 ? SimdWidth.Vector256
        : width >= SimdWidth.Vector128 && stride % Vector128<float>.Count == 0 ? SimdWidth.Vector128
        : SimdWidth.Scalar;

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
