using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Dense float kernels over factor rows, generic over the register width (<see cref="ISimdOps{TVec}"/>).
/// </summary>
/// <remarks>
/// Rows live in one flat array with a fixed <c>stride</c> (floats between row starts). Kernels take managed refs and
/// never validate or throw: callers (the trainer, the tests) guarantee ranges; invariants are checked with
/// <see cref="Debug.Assert(bool)"/>. Every kernel handles any width (whole registers first, then scalar tails), except
/// the Gram and rank-n update kernels, which require <c>stride % max(4, TOps.Count) == 0</c> and zero padding.
/// Summation order is fixed by the inputs alone, so results never depend on the thread count.
/// </remarks>
internal static class DenseKernels
{
    /// <summary>Rows accumulated in float before they are added into the double Gram accumulator.</summary>
    private const int GramRowBlock = 128;

    /// <summary>The dot product of <paramref name="length"/> floats (four independent accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TOps, TVec>(ref float x, ref float y, int length)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = (nuint)length;
        var lanes = (nuint)TOps.Count;
        nuint i = 0;
        TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
        for (; i + (4 * lanes) <= n; i += 4 * lanes)
        {
            a0 = TOps.MultiplyAdd(TOps.Load(ref x, i), TOps.Load(ref y, i), a0);
            a1 = TOps.MultiplyAdd(TOps.Load(ref x, i + lanes), TOps.Load(ref y, i + lanes), a1);
            a2 = TOps.MultiplyAdd(TOps.Load(ref x, i + (2 * lanes)), TOps.Load(ref y, i + (2 * lanes)), a2);
            a3 = TOps.MultiplyAdd(TOps.Load(ref x, i + (3 * lanes)), TOps.Load(ref y, i + (3 * lanes)), a3);
        }

        for (; i + lanes <= n; i += lanes)
        {
            a0 = TOps.MultiplyAdd(TOps.Load(ref x, i), TOps.Load(ref y, i), a0);
        }

        var sum = TOps.Sum(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)));
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        }

        return sum;
    }

    /// <summary><c>y[0..length) += a * x[0..length)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy<TOps, TVec>(float a, ref float x, ref float y, int length)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = (nuint)length;
        var lanes = (nuint)TOps.Count;
        var va = TOps.Broadcast(a);
        nuint i = 0;
        for (; i + (2 * lanes) <= n; i += 2 * lanes)
        {
            var y0 = TOps.MultiplyAdd(va, TOps.Load(ref x, i), TOps.Load(ref y, i));
            var y1 = TOps.MultiplyAdd(va, TOps.Load(ref x, i + lanes), TOps.Load(ref y, i + lanes));
            TOps.Store(y0, ref y, i);
            TOps.Store(y1, ref y, i + lanes);
        }

        for (; i + lanes <= n; i += lanes)
        {
            TOps.Store(TOps.MultiplyAdd(va, TOps.Load(ref x, i), TOps.Load(ref y, i)), ref y, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) += a * Unsafe.Add(ref x, i);
        }
    }

    /// <summary><c>p[0..length) = r[0..length) + beta * p[0..length)</c> (the CG direction update).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleAndAdd<TOps, TVec>(ref float p, float beta, ref float r, int length)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = (nuint)length;
        var lanes = (nuint)TOps.Count;
        var vb = TOps.Broadcast(beta);
        nuint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            TOps.Store(TOps.MultiplyAdd(vb, TOps.Load(ref p, i), TOps.Load(ref r, i)), ref p, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref p, i) = (beta * Unsafe.Add(ref p, i)) + Unsafe.Add(ref r, i);
        }
    }

    /// <summary><c>x[0..length) *= a</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale<TOps, TVec>(float a, ref float x, int length)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = (nuint)length;
        var lanes = (nuint)TOps.Count;
        var va = TOps.Broadcast(a);
        nuint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            TOps.Store(TOps.Multiply(va, TOps.Load(ref x, i)), ref x, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref x, i) *= a;
        }
    }

    /// <summary>
    /// The vector part of one conjugate-gradient step once <c>Ap</c> is known: <c>α = rsOld / (p·Ap)</c>,
    /// <c>x += α·p</c>, <c>r −= α·Ap</c>, <c>rsNew = r·r</c>, and unless <c>rsNew &lt; threshold</c> (a NaN updates),
    /// <c>p = r + (rsNew / rsOld)·p</c>. Returns <c>rsNew</c>.
    /// </summary>
    /// <remarks>
    /// Rows of exactly seven vectors on machines with 32 vector registers take a fused form that keeps <c>p</c>,
    /// <c>Ap</c> and <c>r</c> in registers; it runs the same operations in the same order as the calls of the general
    /// form (<see cref="ConjugateGradientStepGeneral{TOps, TVec}"/>), so the results are the same to the bit.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ConjugateGradientStep<TOps, TVec>(ref float p, ref float ap, ref float x, ref float r, int length, float rsOld, float threshold)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct =>
        length == 7 * TOps.Count && Vector512.IsHardwareAccelerated
            ? ConjugateGradientStepSeven<TOps, TVec>(ref p, ref ap, ref x, ref r, rsOld, threshold)
            : ConjugateGradientStepGeneral<TOps, TVec>(ref p, ref ap, ref x, ref r, length, rsOld, threshold);

    /// <summary>The general form of <see cref="ConjugateGradientStep{TOps, TVec}"/>, for any length (tests compare the two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ConjugateGradientStepGeneral<TOps, TVec>(ref float p, ref float ap, ref float x, ref float r, int length, float rsOld, float threshold)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var alpha = rsOld / Dot<TOps, TVec>(ref p, ref ap, length);
        Axpy<TOps, TVec>(alpha, ref p, ref x, length);
        Axpy<TOps, TVec>(-alpha, ref ap, ref r, length);
        var rsNew = Dot<TOps, TVec>(ref r, ref r, length);
        if (!(rsNew < threshold))
        {
            ScaleAndAdd<TOps, TVec>(ref p, rsNew / rsOld, ref r, length);
        }

        return rsNew;
    }

    /// <summary>
    /// <see cref="ConjugateGradientStep{TOps, TVec}"/> for rows of exactly seven vectors, unrolled: the dots sum as
    /// <see cref="Dot{TOps, TVec}"/> does (four accumulators over the first four vectors, the last three into the first),
    /// the updates are <see cref="Axpy{TOps, TVec}"/>'s and <see cref="ScaleAndAdd{TOps, TVec}"/>'s FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ConjugateGradientStepSeven<TOps, TVec>(ref float p, ref float ap, ref float x, ref float r, float rsOld, float threshold)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var lanes = (nuint)TOps.Count;
        LoadSeven<TOps, TVec>(ref p, out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6);
        LoadSeven<TOps, TVec>(ref ap, out var q0, out var q1, out var q2, out var q3, out var q4, out var q5, out var q6);
        var alpha = rsOld / DotSeven<TOps, TVec>(p0, p1, p2, p3, p4, p5, p6, q0, q1, q2, q3, q4, q5, q6);

        var va = TOps.Broadcast(alpha);
        TOps.Store(TOps.MultiplyAdd(va, p0, TOps.Load(ref x, 0)), ref x, 0);
        TOps.Store(TOps.MultiplyAdd(va, p1, TOps.Load(ref x, lanes)), ref x, lanes);
        TOps.Store(TOps.MultiplyAdd(va, p2, TOps.Load(ref x, 2 * lanes)), ref x, 2 * lanes);
        TOps.Store(TOps.MultiplyAdd(va, p3, TOps.Load(ref x, 3 * lanes)), ref x, 3 * lanes);
        TOps.Store(TOps.MultiplyAdd(va, p4, TOps.Load(ref x, 4 * lanes)), ref x, 4 * lanes);
        TOps.Store(TOps.MultiplyAdd(va, p5, TOps.Load(ref x, 5 * lanes)), ref x, 5 * lanes);
        TOps.Store(TOps.MultiplyAdd(va, p6, TOps.Load(ref x, 6 * lanes)), ref x, 6 * lanes);

        var vm = TOps.Broadcast(-alpha);
        var r0 = TOps.MultiplyAdd(vm, q0, TOps.Load(ref r, 0));
        var r1 = TOps.MultiplyAdd(vm, q1, TOps.Load(ref r, lanes));
        var r2 = TOps.MultiplyAdd(vm, q2, TOps.Load(ref r, 2 * lanes));
        var r3 = TOps.MultiplyAdd(vm, q3, TOps.Load(ref r, 3 * lanes));
        var r4 = TOps.MultiplyAdd(vm, q4, TOps.Load(ref r, 4 * lanes));
        var r5 = TOps.MultiplyAdd(vm, q5, TOps.Load(ref r, 5 * lanes));
        var r6 = TOps.MultiplyAdd(vm, q6, TOps.Load(ref r, 6 * lanes));
        TOps.Store(r0, ref r, 0);
        TOps.Store(r1, ref r, lanes);
        TOps.Store(r2, ref r, 2 * lanes);
        TOps.Store(r3, ref r, 3 * lanes);
        TOps.Store(r4, ref r, 4 * lanes);
        TOps.Store(r5, ref r, 5 * lanes);
        TOps.Store(r6, ref r, 6 * lanes);
        var rsNew = DotSeven<TOps, TVec>(r0, r1, r2, r3, r4, r5, r6, r0, r1, r2, r3, r4, r5, r6);
        if (!(rsNew < threshold))
        {
            var vb = TOps.Broadcast(rsNew / rsOld);
            TOps.Store(TOps.MultiplyAdd(vb, p0, r0), ref p, 0);
            TOps.Store(TOps.MultiplyAdd(vb, p1, r1), ref p, lanes);
            TOps.Store(TOps.MultiplyAdd(vb, p2, r2), ref p, 2 * lanes);
            TOps.Store(TOps.MultiplyAdd(vb, p3, r3), ref p, 3 * lanes);
            TOps.Store(TOps.MultiplyAdd(vb, p4, r4), ref p, 4 * lanes);
            TOps.Store(TOps.MultiplyAdd(vb, p5, r5), ref p, 5 * lanes);
            TOps.Store(TOps.MultiplyAdd(vb, p6, r6), ref p, 6 * lanes);
        }

        return rsNew;
    }

    /// <summary><see cref="Dot{TOps, TVec}"/> of two rows of seven vectors held in registers, summed in its order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotSeven<TOps, TVec>(TVec x0, TVec x1, TVec x2, TVec x3, TVec x4, TVec x5, TVec x6, TVec y0, TVec y1, TVec y2, TVec y3, TVec y4, TVec y5, TVec y6)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var a0 = TOps.MultiplyAdd(x0, y0, TOps.Zero);
        var a1 = TOps.MultiplyAdd(x1, y1, TOps.Zero);
        var a2 = TOps.MultiplyAdd(x2, y2, TOps.Zero);
        var a3 = TOps.MultiplyAdd(x3, y3, TOps.Zero);
        a0 = TOps.MultiplyAdd(x4, y4, a0);
        a0 = TOps.MultiplyAdd(x5, y5, a0);
        a0 = TOps.MultiplyAdd(x6, y6, a0);
        return TOps.Sum(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)));
    }

    /// <summary>
    /// <c>dots[j] = rows[rowIndexes[j]][0..width) · vector[0..width)</c> for every j, eight rows per pass so that one
    /// load of <paramref name="vector"/> feeds eight independent FMA chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GatherDots<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ref float vector, int width, Span<float> dots)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(dots.Length >= rowIndexes.Length);
        GatherDotsCore<TOps, TVec, DotsOnly>(ref rows, stride, rowIndexes, default, default, 0f, ref vector, width, ref MemoryMarshal.GetReference(dots));
    }

    /// <summary>
    /// <c>Σ_j weights[j] · (rows[rowIndexes[j]] · vector)²</c> over the first <paramref name="width"/> floats of each
    /// row: the data term of <c>p·Ap</c> in a CG step that needs only <c>α</c> (the last one), one pass of dots without
    /// the weighted sum of rows. Each dot is computed as <see cref="GatherDotsAccumulate{TOps, TVec}"/> computes it.
    /// </summary>
    /// <remarks>
    /// Eight rows at a time, the weighted squares of a block added lane by lane into eight partial sums (the rows left
    /// over into a ninth), which are added in a fixed order at the end; so the result depends only on the rows and
    /// their order. Rows of exactly seven vectors on machines with 32 vector registers take an unrolled form with the
    /// same operations in the same order as the general one (<see cref="GatherWeightedSquaresGeneral{TOps, TVec}"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GatherWeightedSquares<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ref float vector, int width)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(weights.Length >= rowIndexes.Length && width <= stride);
        return GatherWeightedSquaresForm<TOps, TVec>(
            ref rows, stride, rowIndexes, weights, ref vector, width, unrolled: width == 7 * TOps.Count && Vector512.IsHardwareAccelerated);
    }

    /// <summary>The general form of <see cref="GatherWeightedSquares{TOps, TVec}"/>, for any row width (tests compare the two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float GatherWeightedSquaresGeneral<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ref float vector, int width)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct =>
        GatherWeightedSquaresForm<TOps, TVec>(ref rows, stride, rowIndexes, weights, ref vector, width, unrolled: false);

    /// <summary>Both forms of <see cref="GatherWeightedSquares{TOps, TVec}"/>: the nine partial sums, then their total.</summary>
    /// <remarks>Called once per row and step, and not inlined (it allocates on the stack): marked for full optimization, so
    /// that a process's first fit does not run it as unoptimized code until it tiers up.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float GatherWeightedSquaresForm<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ref float vector, int width, bool unrolled)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Span<float> sums = stackalloc float[9];
        sums.Clear();
        ref var sumsRef = ref MemoryMarshal.GetReference(sums);
        if (unrolled)
        {
            GatherWeightedSquaresSeven<TOps, TVec>(ref rows, stride, rowIndexes, weights, ref vector, ref sumsRef);
        }
        else
        {
            GatherDotsCore<TOps, TVec, WeightedSquares>(ref rows, stride, rowIndexes, weights, default, 1f, ref vector, width, ref sumsRef);
        }

        return SumSquares(ref sumsRef);
    }

    /// <summary>
    /// <see cref="GatherWeightedSquares{TOps, TVec}"/> for rows of exactly seven vectors, unrolled: the vector stays in
    /// registers, each block's dots are <see cref="GatherDotsAccumulateSeven{TOps, TVec}"/>'s, and the rows left over
    /// are summed in <see cref="Dot{TOps, TVec}"/>'s order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherWeightedSquaresSeven<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ref float vector, ref float sums)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var count = rowIndexes.Length;
        ref var index = ref MemoryMarshal.GetReference(rowIndexes);
        ref var weight = ref MemoryMarshal.GetReference(weights);
        var lanes = (nuint)TOps.Count;
        LoadSeven<TOps, TVec>(ref vector, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6);
        Span<float> scratch = stackalloc float[8];
        ref var d = ref MemoryMarshal.GetReference(scratch);
        var j = 0;
        for (; j + 8 <= count; j += 8)
        {
            StoreBlockDotsSeven<TOps, TVec>(ref rows, stride, ref Unsafe.Add(ref index, j), v0, v1, v2, v3, v4, v5, v6, ref d);
            AccumulateBlockSquares<TOps, TVec>(ref weight, j, ref d, ref sums);
        }

        for (; j < count; j++)
        {
            ref var row = ref Row(ref rows, stride, Unsafe.Add(ref index, j));
            LoadSeven<TOps, TVec>(ref row, out var y0, out var y1, out var y2, out var y3, out var y4, out var y5, out var y6);
            var dot = DotSeven<TOps, TVec>(y0, y1, y2, y3, y4, y5, y6, v0, v1, v2, v3, v4, v5, v6);
            Unsafe.Add(ref sums, 8) += Unsafe.Add(ref weight, j) * dot * dot;
        }
    }

    /// <summary>
    /// <c>sums[k] += (weights[j + k] · d[k]) · d[k]</c> for the eight dots of a block: on the vector kernels one 256-bit
    /// multiply, multiply and add, the same operations per lane as the scalar loop, so the same values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateBlockSquares<TOps, TVec>(ref float weight, int j, ref float d, ref float sums)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        if (TOps.Count > 1 && Vector256.IsHardwareAccelerated)
        {
            var dots = Vector256.LoadUnsafe(ref d);
            (Vector256.LoadUnsafe(ref sums) + ((Vector256.LoadUnsafe(ref weight, (nuint)j) * dots) * dots)).StoreUnsafe(ref sums);
        }
        else
        {
            for (var k = 0; k < 8; k++)
            {
                Unsafe.Add(ref sums, k) += Unsafe.Add(ref weight, j + k) * Unsafe.Add(ref d, k) * Unsafe.Add(ref d, k);
            }
        }
    }

    /// <summary>The nine partial sums of <see cref="GatherWeightedSquares{TOps, TVec}"/> added in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumSquares(ref float sums) =>
        ((Unsafe.Add(ref sums, 0) + Unsafe.Add(ref sums, 1)) + (Unsafe.Add(ref sums, 2) + Unsafe.Add(ref sums, 3)))
        + ((Unsafe.Add(ref sums, 4) + Unsafe.Add(ref sums, 5)) + (Unsafe.Add(ref sums, 6) + Unsafe.Add(ref sums, 7)))
        + Unsafe.Add(ref sums, 8);

    /// <summary>
    /// The fused CG product over gathered rows: <c>destination += Σ_j (offsets[j] + sign · weights[j] (rows[rowIndexes[j]] · vector)) rows[rowIndexes[j]]</c>
    /// (<paramref name="offsets"/> empty means zero offsets).
    /// Eight rows at a time: their dots with <paramref name="vector"/>, then their weighted sum into
    /// <paramref name="destination"/> while the eight rows are still in L1, so each gathered row is read from the
    /// outer caches once per CG step instead of twice (dot pass, then accumulation pass).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GatherDotsAccumulate<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ReadOnlySpan<float> offsets, float sign,
        ref float vector, Span<float> destination)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(weights.Length >= rowIndexes.Length && destination.Length <= stride);
        Debug.Assert(offsets.IsEmpty || offsets.Length >= rowIndexes.Length);
        if (destination.Length == 7 * TOps.Count && Vector512.IsHardwareAccelerated)
        {
            // 32 vector registers hold the vector, the destination and a block's accumulators (AVX-512 machines).
            GatherDotsAccumulateSeven<TOps, TVec>(
                ref rows, stride, rowIndexes, weights, offsets, sign, ref vector, ref MemoryMarshal.GetReference(destination));
            return;
        }

        GatherDotsAccumulateBlocked<TOps, TVec>(ref rows, stride, rowIndexes, weights, offsets, sign, ref vector, destination);
    }

    /// <summary>The general form of <see cref="GatherDotsAccumulate{TOps, TVec}"/>, for any row width (tests compare the two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GatherDotsAccumulateBlocked<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ReadOnlySpan<float> offsets, float sign,
        ref float vector, Span<float> destination)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct =>
        GatherDotsCore<TOps, TVec, DotsAccumulate>(
            ref rows, stride, rowIndexes, weights, offsets, sign, ref vector, destination.Length, ref MemoryMarshal.GetReference(destination));

    /// <summary>
    /// The one implementation of <see cref="GatherDots{TOps, TVec}"/> (<typeparamref name="TMode"/>
    /// <see cref="DotsOnly"/>: <paramref name="output"/> receives the dots) and
    /// <see cref="GatherDotsAccumulate{TOps, TVec}"/> (<see cref="DotsAccumulate"/>: <paramref name="output"/> is the
    /// destination). The mode is a struct type argument, so each instantiation compiles to only its own branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherDotsCore<TOps, TVec, TMode>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ReadOnlySpan<float> offsets, float sign,
        ref float vector, int width, ref float output)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
        where TMode : struct, IGatherMode
    {
        var count = rowIndexes.Length;
        ref var index = ref MemoryMarshal.GetReference(rowIndexes);
        ref var weight = ref MemoryMarshal.GetReference(weights);
        var n = (nuint)width;
        var lanes = (nuint)TOps.Count;

        // The accumulating and squaring modes need the eight dots only until they are used; the other writes them out.
        Span<float> scratch = TMode.Accumulates || TMode.Squares ? stackalloc float[8] : default;
        ref var scratchStart = ref MemoryMarshal.GetReference(scratch);
        var j = 0;
        for (; j + 8 <= count; j += 8)
        {
            ref var r0 = ref Row(ref rows, stride, Unsafe.Add(ref index, j));
            ref var r1 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 1));
            ref var r2 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 2));
            ref var r3 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 3));
            ref var r4 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 4));
            ref var r5 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 5));
            ref var r6 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 6));
            ref var r7 = ref Row(ref rows, stride, Unsafe.Add(ref index, j + 7));
            TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            TVec a4 = TOps.Zero, a5 = TOps.Zero, a6 = TOps.Zero, a7 = TOps.Zero;
            nuint i = 0;
            for (; i + lanes <= n; i += lanes)
            {
                DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, i, TOps.Load(ref vector, i), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            }

            // The modes keep their own horizontal sums (the fused ones transpose where the ISA can), so that each
            // keeps its results to the bit.
            ref var d = ref TMode.Accumulates || TMode.Squares ? ref scratchStart : ref Unsafe.Add(ref output, j);
            if (TMode.Accumulates || TMode.Squares)
            {
                TOps.StoreSums8(a0, a1, a2, a3, a4, a5, a6, a7, ref d);
            }
            else
            {
                d = TOps.Sum(a0);
                Unsafe.Add(ref d, 1) = TOps.Sum(a1);
                Unsafe.Add(ref d, 2) = TOps.Sum(a2);
                Unsafe.Add(ref d, 3) = TOps.Sum(a3);
                Unsafe.Add(ref d, 4) = TOps.Sum(a4);
                Unsafe.Add(ref d, 5) = TOps.Sum(a5);
                Unsafe.Add(ref d, 6) = TOps.Sum(a6);
                Unsafe.Add(ref d, 7) = TOps.Sum(a7);
            }

            for (; i < n; i++)
            {
                var v = Unsafe.Add(ref vector, i);
                Unsafe.Add(ref d, 0) += Unsafe.Add(ref r0, i) * v;
                Unsafe.Add(ref d, 1) += Unsafe.Add(ref r1, i) * v;
                Unsafe.Add(ref d, 2) += Unsafe.Add(ref r2, i) * v;
                Unsafe.Add(ref d, 3) += Unsafe.Add(ref r3, i) * v;
                Unsafe.Add(ref d, 4) += Unsafe.Add(ref r4, i) * v;
                Unsafe.Add(ref d, 5) += Unsafe.Add(ref r5, i) * v;
                Unsafe.Add(ref d, 6) += Unsafe.Add(ref r6, i) * v;
                Unsafe.Add(ref d, 7) += Unsafe.Add(ref r7, i) * v;
            }

            if (TMode.Squares)
            {
                AccumulateBlockSquares<TOps, TVec>(ref weight, j, ref d, ref output);
            }

            if (!TMode.Accumulates)
            {
                continue;
            }

            ref var dst = ref output;
            StoreBlockCoefficients<TOps, TVec>(ref weight, offsets, j, sign, ref d);
            BroadcastBlockCoefficients<TOps, TVec>(ref d, out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
            i = 0;
            for (; i + lanes <= n; i += lanes)
            {
                TOps.Store(Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, i, c0, c1, c2, c3, c4, c5, c6, c7, TOps.Load(ref dst, i)), ref dst, i);
            }

            for (; i < n; i++)
            {
                Unsafe.Add(ref dst, i) +=
                    (Unsafe.Add(ref d, 0) * Unsafe.Add(ref r0, i))
                    + (Unsafe.Add(ref d, 1) * Unsafe.Add(ref r1, i))
                    + (Unsafe.Add(ref d, 2) * Unsafe.Add(ref r2, i))
                    + (Unsafe.Add(ref d, 3) * Unsafe.Add(ref r3, i))
                    + (Unsafe.Add(ref d, 4) * Unsafe.Add(ref r4, i))
                    + (Unsafe.Add(ref d, 5) * Unsafe.Add(ref r5, i))
                    + (Unsafe.Add(ref d, 6) * Unsafe.Add(ref r6, i))
                    + (Unsafe.Add(ref d, 7) * Unsafe.Add(ref r7, i));
            }
        }

        for (; j < count; j++)
        {
            ref var row = ref Row(ref rows, stride, Unsafe.Add(ref index, j));
            var dot = Dot<TOps, TVec>(ref row, ref vector, width);
            if (TMode.Accumulates)
            {
                Axpy<TOps, TVec>(Coefficient(offsets, j, sign * Unsafe.Add(ref weight, j) * dot), ref row, ref output, width);
            }
            else if (TMode.Squares)
            {
                Unsafe.Add(ref output, 8) += Unsafe.Add(ref weight, j) * dot * dot;
            }
            else
            {
                Unsafe.Add(ref output, j) = dot;
            }
        }
    }

    /// <summary>
    /// <see cref="GatherDotsCore{TOps, TVec, TMode}"/>'s accumulating form for rows of exactly seven vectors (100 to 112
    /// factors on 512-bit kernels), unrolled: <paramref name="vector"/> and the destination stay in registers for the
    /// whole call, and the eight row addresses of a block stay in registers (the loops over the vectors of a row held
    /// them on the stack). Blocks go in pairs, both blocks' dots before both blocks' sums. Every value comes from the
    /// same operations in the same order as the general kernel, so the results are the same to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherDotsAccumulateSeven<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> weights, ReadOnlySpan<float> offsets, float sign,
        ref float vector, ref float output)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var count = rowIndexes.Length;
        ref var index = ref MemoryMarshal.GetReference(rowIndexes);
        ref var weight = ref MemoryMarshal.GetReference(weights);
        var lanes = (nuint)TOps.Count;
        LoadSeven<TOps, TVec>(ref vector, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6);
        LoadSeven<TOps, TVec>(ref output, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6);
        Span<float> scratch = stackalloc float[16];
        ref var coefficients = ref MemoryMarshal.GetReference(scratch);

        // Blocks of eight rows in pairs: both blocks' dots and coefficients, then both blocks' weighted sums. A block's
        // sum waits on its dots' horizontal sums; with the other block's dots between them in program order, the
        // out-of-order core fetches those rows meanwhile. The loops over the pair stay rolled, so that the JIT keeps
        // the vector and the destination in registers. Each value comes from the same operations in the same order as
        // in the general kernel.
        var blocks = count / 8;
        for (var first = 0; first < blocks; first += 2)
        {
            var pair = Math.Min(2, blocks - first);
            for (var k = 0; k < pair; k++)
            {
                var at = 8 * (first + k);
                ref var d = ref Unsafe.Add(ref coefficients, 8 * k);
                StoreBlockDotsSeven<TOps, TVec>(ref rows, stride, ref Unsafe.Add(ref index, at), v0, v1, v2, v3, v4, v5, v6, ref d);
                StoreBlockCoefficients<TOps, TVec>(ref weight, offsets, at, sign, ref d);
            }

            for (var k = 0; k < pair; k++)
            {
                var at = 8 * (first + k);
                ref var r0 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 0));
                ref var r1 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 1));
                ref var r2 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 2));
                ref var r3 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 3));
                ref var r4 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 4));
                ref var r5 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 5));
                ref var r6 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 6));
                ref var r7 = ref Row(ref rows, stride, Unsafe.Add(ref index, at + 7));
                BroadcastBlockCoefficients<TOps, TVec>(
                    ref Unsafe.Add(ref coefficients, 8 * k), out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
                o0 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 0 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o0);
                o1 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 1 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o1);
                o2 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 2 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o2);
                o3 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 3 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o3);
                o4 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 4 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o4);
                o5 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 5 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o5);
                o6 = Sum8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 6 * lanes, c0, c1, c2, c3, c4, c5, c6, c7, o6);
            }
        }

        // The last rows one at a time, as the general kernel's Dot and Axpy calls compute them (DotSeven sums in Dot's
        // order), with the row loaded once and the destination still in registers.
        for (var j = 8 * blocks; j < count; j++)
        {
            ref var row = ref Row(ref rows, stride, Unsafe.Add(ref index, j));
            LoadSeven<TOps, TVec>(ref row, out var y0, out var y1, out var y2, out var y3, out var y4, out var y5, out var y6);
            var dot = DotSeven<TOps, TVec>(y0, y1, y2, y3, y4, y5, y6, v0, v1, v2, v3, v4, v5, v6);
            var c = TOps.Broadcast(Coefficient(offsets, j, sign * Unsafe.Add(ref weight, j) * dot));
            o0 = TOps.MultiplyAdd(c, y0, o0);
            o1 = TOps.MultiplyAdd(c, y1, o1);
            o2 = TOps.MultiplyAdd(c, y2, o2);
            o3 = TOps.MultiplyAdd(c, y3, o3);
            o4 = TOps.MultiplyAdd(c, y4, o4);
            o5 = TOps.MultiplyAdd(c, y5, o5);
            o6 = TOps.MultiplyAdd(c, y6, o6);
        }

        TOps.Store(o0, ref output, 0 * lanes);
        TOps.Store(o1, ref output, 1 * lanes);
        TOps.Store(o2, ref output, 2 * lanes);
        TOps.Store(o3, ref output, 3 * lanes);
        TOps.Store(o4, ref output, 4 * lanes);
        TOps.Store(o5, ref output, 5 * lanes);
        TOps.Store(o6, ref output, 6 * lanes);
    }

    /// <summary>
    /// Replaces the eight dots in <paramref name="d"/> with their coefficients <c>(sign · weights[j + k]) · d[k] (+ offsets[j + k])</c>:
    /// on the vector kernels one 256-bit multiply and add, the same operations per lane as the scalar kernel's loop, so
    /// the same values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlockCoefficients<TOps, TVec>(ref float weight, ReadOnlySpan<float> offsets, int j, float sign, ref float d)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        if (TOps.Count > 1 && Vector256.IsHardwareAccelerated)
        {
            var coefficients = (Vector256.Create(sign) * Vector256.LoadUnsafe(ref weight, (nuint)j)) * Vector256.LoadUnsafe(ref d);
            if (!offsets.IsEmpty)
            {
                coefficients = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(offsets), (nuint)j) + coefficients;
            }

            coefficients.StoreUnsafe(ref d);
        }
        else
        {
            for (var k = 0; k < 8; k++)
            {
                Unsafe.Add(ref d, k) = Coefficient(offsets, j + k, sign * Unsafe.Add(ref weight, j + k) * Unsafe.Add(ref d, k));
            }
        }
    }

    /// <summary>The eight coefficients in <paramref name="d"/>, each broadcast to a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BroadcastBlockCoefficients<TOps, TVec>(
        ref float d, out TVec c0, out TVec c1, out TVec c2, out TVec c3, out TVec c4, out TVec c5, out TVec c6, out TVec c7)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        c0 = TOps.Broadcast(d);
        c1 = TOps.Broadcast(Unsafe.Add(ref d, 1));
        c2 = TOps.Broadcast(Unsafe.Add(ref d, 2));
        c3 = TOps.Broadcast(Unsafe.Add(ref d, 3));
        c4 = TOps.Broadcast(Unsafe.Add(ref d, 4));
        c5 = TOps.Broadcast(Unsafe.Add(ref d, 5));
        c6 = TOps.Broadcast(Unsafe.Add(ref d, 6));
        c7 = TOps.Broadcast(Unsafe.Add(ref d, 7));
    }

    /// <summary>The seven vectors of a row of seven vectors at <paramref name="source"/>, for a kernel that keeps them in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadSeven<TOps, TVec>(
        ref float source, out TVec x0, out TVec x1, out TVec x2, out TVec x3, out TVec x4, out TVec x5, out TVec x6)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var lanes = (nuint)TOps.Count;
        x0 = TOps.Load(ref source, 0);
        x1 = TOps.Load(ref source, lanes);
        x2 = TOps.Load(ref source, 2 * lanes);
        x3 = TOps.Load(ref source, 3 * lanes);
        x4 = TOps.Load(ref source, 4 * lanes);
        x5 = TOps.Load(ref source, 5 * lanes);
        x6 = TOps.Load(ref source, 6 * lanes);
    }

    /// <summary>
    /// The dots of eight gathered rows of seven vectors (<paramref name="index"/>'s first eight entries) with the
    /// vector <c>v0 … v6</c>, as the general kernel computes a block's dots, stored in <paramref name="d"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlockDotsSeven<TOps, TVec>(
        ref float rows, int stride, ref int index, TVec v0, TVec v1, TVec v2, TVec v3, TVec v4, TVec v5, TVec v6, ref float d)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var lanes = (nuint)TOps.Count;
        ref var r0 = ref Row(ref rows, stride, index);
        ref var r1 = ref Row(ref rows, stride, Unsafe.Add(ref index, 1));
        ref var r2 = ref Row(ref rows, stride, Unsafe.Add(ref index, 2));
        ref var r3 = ref Row(ref rows, stride, Unsafe.Add(ref index, 3));
        ref var r4 = ref Row(ref rows, stride, Unsafe.Add(ref index, 4));
        ref var r5 = ref Row(ref rows, stride, Unsafe.Add(ref index, 5));
        ref var r6 = ref Row(ref rows, stride, Unsafe.Add(ref index, 6));
        ref var r7 = ref Row(ref rows, stride, Unsafe.Add(ref index, 7));
        TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
        TVec a4 = TOps.Zero, a5 = TOps.Zero, a6 = TOps.Zero, a7 = TOps.Zero;
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 0 * lanes, v0, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 1 * lanes, v1, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 2 * lanes, v2, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 3 * lanes, v3, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 4 * lanes, v4, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 5 * lanes, v5, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        DotStep8<TOps, TVec>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 6 * lanes, v6, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        TOps.StoreSums8(a0, a1, a2, a3, a4, a5, a6, a7, ref d);
    }

    /// <summary>One step of eight rows' dots: <c>a_k += rows_k[at..] · v</c>, as the general kernel's loop body.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotStep8<TOps, TVec>(
        ref float r0, ref float r1, ref float r2, ref float r3, ref float r4, ref float r5, ref float r6, ref float r7, nuint at, TVec v,
        ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4, ref TVec a5, ref TVec a6, ref TVec a7)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        a0 = TOps.MultiplyAdd(TOps.Load(ref r0, at), v, a0);
        a1 = TOps.MultiplyAdd(TOps.Load(ref r1, at), v, a1);
        a2 = TOps.MultiplyAdd(TOps.Load(ref r2, at), v, a2);
        a3 = TOps.MultiplyAdd(TOps.Load(ref r3, at), v, a3);
        a4 = TOps.MultiplyAdd(TOps.Load(ref r4, at), v, a4);
        a5 = TOps.MultiplyAdd(TOps.Load(ref r5, at), v, a5);
        a6 = TOps.MultiplyAdd(TOps.Load(ref r6, at), v, a6);
        a7 = TOps.MultiplyAdd(TOps.Load(ref r7, at), v, a7);
    }

    /// <summary>One vector of the destination plus its block's eight weighted rows, two chains of four, then their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Sum8<TOps, TVec>(
        ref float r0, ref float r1, ref float r2, ref float r3, ref float r4, ref float r5, ref float r6, ref float r7, nuint i,
        TVec c0, TVec c1, TVec c2, TVec c3, TVec c4, TVec c5, TVec c6, TVec c7, TVec destination)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var accA = TOps.MultiplyAdd(TOps.Load(ref r0, i), c0, destination);
        var accB = TOps.Multiply(TOps.Load(ref r1, i), c1);
        accA = TOps.MultiplyAdd(TOps.Load(ref r2, i), c2, accA);
        accB = TOps.MultiplyAdd(TOps.Load(ref r3, i), c3, accB);
        accA = TOps.MultiplyAdd(TOps.Load(ref r4, i), c4, accA);
        accB = TOps.MultiplyAdd(TOps.Load(ref r5, i), c5, accB);
        accA = TOps.MultiplyAdd(TOps.Load(ref r6, i), c6, accA);
        accB = TOps.MultiplyAdd(TOps.Load(ref r7, i), c7, accB);
        return TOps.Add(accA, accB);
    }


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Coefficient(ReadOnlySpan<float> offsets, int j, float product) => offsets.IsEmpty ? product : offsets[j] + product;

    /// <summary>
    /// <c>destination = (accumulate ? destination : 0) + Σ_j coefficients[j] · rows[rowIndexes[j]][0..destination.Length)</c>.
    /// Column blocks of four registers stay in registers while every row streams through (two rows per step, eight
    /// accumulators), so each FMA costs one load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateRows<TOps, TVec>(
        ref float rows, int stride, ReadOnlySpan<int> rowIndexes, ReadOnlySpan<float> coefficients, Span<float> destination, bool accumulate)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(coefficients.Length >= rowIndexes.Length);
        var count = rowIndexes.Length;
        ref var index = ref MemoryMarshal.GetReference(rowIndexes);
        ref var coef = ref MemoryMarshal.GetReference(coefficients);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)destination.Length;
        var lanes = (nuint)TOps.Count;
        nuint c = 0;
        for (; c + (4 * lanes) <= n; c += 4 * lanes)
        {
            TVec a0, a1, a2, a3;
            if (accumulate)
            {
                a0 = TOps.Load(ref dst, c);
                a1 = TOps.Load(ref dst, c + lanes);
                a2 = TOps.Load(ref dst, c + (2 * lanes));
                a3 = TOps.Load(ref dst, c + (3 * lanes));
            }
            else
            {
                a0 = a1 = a2 = a3 = TOps.Zero;
            }

            TVec b0 = TOps.Zero, b1 = TOps.Zero, b2 = TOps.Zero, b3 = TOps.Zero;
            var j = 0;
            for (; j + 2 <= count; j += 2)
            {
                ref var ra = ref Unsafe.Add(ref Row(ref rows, stride, Unsafe.Add(ref index, j)), c);
                ref var rb = ref Unsafe.Add(ref Row(ref rows, stride, Unsafe.Add(ref index, j + 1)), c);
                var ca = TOps.Broadcast(Unsafe.Add(ref coef, j));
                var cb = TOps.Broadcast(Unsafe.Add(ref coef, j + 1));
                a0 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 0), a0);
                a1 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, lanes), a1);
                a2 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 2 * lanes), a2);
                a3 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 3 * lanes), a3);
                b0 = TOps.MultiplyAdd(cb, TOps.Load(ref rb, 0), b0);
                b1 = TOps.MultiplyAdd(cb, TOps.Load(ref rb, lanes), b1);
                b2 = TOps.MultiplyAdd(cb, TOps.Load(ref rb, 2 * lanes), b2);
                b3 = TOps.MultiplyAdd(cb, TOps.Load(ref rb, 3 * lanes), b3);
            }

            if (j < count)
            {
                ref var ra = ref Unsafe.Add(ref Row(ref rows, stride, Unsafe.Add(ref index, j)), c);
                var ca = TOps.Broadcast(Unsafe.Add(ref coef, j));
                a0 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 0), a0);
                a1 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, lanes), a1);
                a2 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 2 * lanes), a2);
                a3 = TOps.MultiplyAdd(ca, TOps.Load(ref ra, 3 * lanes), a3);
            }

            TOps.Store(TOps.Add(a0, b0), ref dst, c);
            TOps.Store(TOps.Add(a1, b1), ref dst, c + lanes);
            TOps.Store(TOps.Add(a2, b2), ref dst, c + (2 * lanes));
            TOps.Store(TOps.Add(a3, b3), ref dst, c + (3 * lanes));
        }

        for (; c + lanes <= n; c += lanes)
        {
            var a0 = accumulate ? TOps.Load(ref dst, c) : TOps.Zero;
            TVec a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            var j = 0;
            for (; j + 4 <= count; j += 4)
            {
                a0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref coef, j)), TOps.Load(ref Row(ref rows, stride, Unsafe.Add(ref index, j)), c), a0);
                a1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref coef, j + 1)), TOps.Load(ref Row(ref rows, stride, Unsafe.Add(ref index, j + 1)), c), a1);
                a2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref coef, j + 2)), TOps.Load(ref Row(ref rows, stride, Unsafe.Add(ref index, j + 2)), c), a2);
                a3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref coef, j + 3)), TOps.Load(ref Row(ref rows, stride, Unsafe.Add(ref index, j + 3)), c), a3);
            }

            for (; j < count; j++)
            {
                a0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref coef, j)), TOps.Load(ref Row(ref rows, stride, Unsafe.Add(ref index, j)), c), a0);
            }

            TOps.Store(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), ref dst, c);
        }

        for (; c < n; c++)
        {
            var sum = accumulate ? Unsafe.Add(ref dst, c) : 0f;
            for (var j = 0; j < count; j++)
            {
                sum += Unsafe.Add(ref coef, j) * Unsafe.Add(ref Row(ref rows, stride, Unsafe.Add(ref index, j)), c);
            }

            Unsafe.Add(ref dst, c) = sum;
        }
    }

    /// <summary>
    /// A register block of <paramref name="columns"/> (3 or 4) column vectors for four vectors:
    /// <c>d_k[·] = Σ_a v_k[a · vStep] · m[a, ·]</c> over <paramref name="rowCount"/> rows of <paramref name="m"/>
    /// (<paramref name="rowStep"/> floats apart), each accumulator summing over the rows in order. It serves
    /// <see cref="MultiplyBlock{TOps, TVec}"/> (the vectors are contiguous, <paramref name="vStep"/> 1) and
    /// <see cref="GramRowTile{TOps, TVec}"/> (the vectors are four columns of the same rows, <paramref name="vStep"/> the
    /// row stride).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyColumns<TOps, TVec>(
        ref float m, nuint rowStep, nuint rowCount, nuint lanes, int columns,
        ref float v0, ref float v1, ref float v2, ref float v3, nuint vStep, ref float d0, ref float d1, ref float d2, ref float d3)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        TVec a00 = TOps.Zero, a01 = TOps.Zero, a02 = TOps.Zero, a03 = TOps.Zero, a10 = TOps.Zero, a11 = TOps.Zero, a12 = TOps.Zero, a13 = TOps.Zero;
        TVec a20 = TOps.Zero, a21 = TOps.Zero, a22 = TOps.Zero, a23 = TOps.Zero, a30 = TOps.Zero, a31 = TOps.Zero, a32 = TOps.Zero, a33 = TOps.Zero;
        var four = columns == 4;
        for (nuint a = 0; a < rowCount; a++)
        {
            var m0 = TOps.Load(ref m, 0);
            var m1 = TOps.Load(ref m, lanes);
            var m2 = TOps.Load(ref m, 2 * lanes);
            var b0 = TOps.Broadcast(v0);
            var b1 = TOps.Broadcast(v1);
            var b2 = TOps.Broadcast(v2);
            var b3 = TOps.Broadcast(v3);
            a00 = TOps.MultiplyAdd(b0, m0, a00);
            a01 = TOps.MultiplyAdd(b0, m1, a01);
            a02 = TOps.MultiplyAdd(b0, m2, a02);
            a10 = TOps.MultiplyAdd(b1, m0, a10);
            a11 = TOps.MultiplyAdd(b1, m1, a11);
            a12 = TOps.MultiplyAdd(b1, m2, a12);
            a20 = TOps.MultiplyAdd(b2, m0, a20);
            a21 = TOps.MultiplyAdd(b2, m1, a21);
            a22 = TOps.MultiplyAdd(b2, m2, a22);
            a30 = TOps.MultiplyAdd(b3, m0, a30);
            a31 = TOps.MultiplyAdd(b3, m1, a31);
            a32 = TOps.MultiplyAdd(b3, m2, a32);
            if (four)
            {
                // A constant after inlining: the three-column block compiles without these.
                var m3 = TOps.Load(ref m, 3 * lanes);
                a03 = TOps.MultiplyAdd(b0, m3, a03);
                a13 = TOps.MultiplyAdd(b1, m3, a13);
                a23 = TOps.MultiplyAdd(b2, m3, a23);
                a33 = TOps.MultiplyAdd(b3, m3, a33);
            }

            m = ref Unsafe.Add(ref m, rowStep);
            v0 = ref Unsafe.Add(ref v0, vStep);
            v1 = ref Unsafe.Add(ref v1, vStep);
            v2 = ref Unsafe.Add(ref v2, vStep);
            v3 = ref Unsafe.Add(ref v3, vStep);
        }

        TOps.Store(a00, ref d0, 0);
        TOps.Store(a01, ref d0, lanes);
        TOps.Store(a02, ref d0, 2 * lanes);
        TOps.Store(a10, ref d1, 0);
        TOps.Store(a11, ref d1, lanes);
        TOps.Store(a12, ref d1, 2 * lanes);
        TOps.Store(a20, ref d2, 0);
        TOps.Store(a21, ref d2, lanes);
        TOps.Store(a22, ref d2, 2 * lanes);
        TOps.Store(a30, ref d3, 0);
        TOps.Store(a31, ref d3, lanes);
        TOps.Store(a32, ref d3, 2 * lanes);
        if (four)
        {
            TOps.Store(a03, ref d0, 3 * lanes);
            TOps.Store(a13, ref d1, 3 * lanes);
            TOps.Store(a23, ref d2, 3 * lanes);
            TOps.Store(a33, ref d3, 3 * lanes);
        }
    }

    /// <summary>The number of vectors <see cref="MultiplyBlock{TOps, TVec}"/> multiplies at once.</summary>
    public const int BlockVectors = 4;

    /// <summary>
    /// <c>destination_k = Σ_{a &lt; factors} vectors_k[a] · matrix[a, ·]</c> for the first <paramref name="count"/>
    /// (1 to <see cref="BlockVectors"/>) vectors of <paramref name="vectors"/> (rows of <paramref name="stride"/> floats;
    /// <paramref name="matrix"/> and <paramref name="destination"/> are row-major with the same stride).
    /// </summary>
    /// <remarks>
    /// One pass over the matrix serves all the vectors: a register block of two columns times four vectors (eight
    /// accumulators) stays in registers while the matrix rows stream through, so the matrix is read once per block
    /// instead of once per vector. Every vector's sum runs over <c>a</c> in order in one accumulator per column, so its
    /// result does not depend on <paramref name="count"/> or on the other vectors. With fewer than four vectors the
    /// last one is computed again in the unused lanes and written to the same place, which changes nothing.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyBlock<TOps, TVec>(
        ref float matrix, int stride, int factors, ref float vectors, int count, ref float destination)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(count is >= 1 and <= BlockVectors && factors <= stride);
        ref var v0 = ref vectors;
        ref var v1 = ref Row(ref vectors, stride, Math.Min(1, count - 1));
        ref var v2 = ref Row(ref vectors, stride, Math.Min(2, count - 1));
        ref var v3 = ref Row(ref vectors, stride, Math.Min(3, count - 1));
        ref var d0 = ref destination;
        ref var d1 = ref Row(ref destination, stride, Math.Min(1, count - 1));
        ref var d2 = ref Row(ref destination, stride, Math.Min(2, count - 1));
        ref var d3 = ref Row(ref destination, stride, Math.Min(3, count - 1));
        var n = (nuint)stride;
        var lanes = (nuint)TOps.Count;
        var rowCount = (nuint)factors;
        var rowStep = (nuint)stride;
        nuint c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // With 32 vector registers: blocks of four columns (sixteen accumulators), then one of three, so that no
            // column block is left to a chain-latency-bound single column (seven vectors: 4 + 3, not 2 + 2 + 2 + 1).
            for (; c + (4 * lanes) <= n; c += 4 * lanes)
            {
                MultiplyColumns<TOps, TVec>(ref Unsafe.Add(ref matrix, c), rowStep, rowCount, lanes, 4, ref v0, ref v1, ref v2, ref v3, 1, ref Unsafe.Add(ref d0, c), ref Unsafe.Add(ref d1, c), ref Unsafe.Add(ref d2, c), ref Unsafe.Add(ref d3, c));
            }

            if (c + (3 * lanes) <= n)
            {
                MultiplyColumns<TOps, TVec>(ref Unsafe.Add(ref matrix, c), rowStep, rowCount, lanes, 3, ref v0, ref v1, ref v2, ref v3, 1, ref Unsafe.Add(ref d0, c), ref Unsafe.Add(ref d1, c), ref Unsafe.Add(ref d2, c), ref Unsafe.Add(ref d3, c));
                c += 3 * lanes;
            }
        }

        for (; c + (2 * lanes) <= n; c += 2 * lanes)
        {
            TVec a00 = TOps.Zero, a01 = TOps.Zero, a10 = TOps.Zero, a11 = TOps.Zero;
            TVec a20 = TOps.Zero, a21 = TOps.Zero, a30 = TOps.Zero, a31 = TOps.Zero;
            ref var m = ref Unsafe.Add(ref matrix, c);
            for (nuint a = 0; a < rowCount; a++)
            {
                var m0 = TOps.Load(ref m, 0);
                var m1 = TOps.Load(ref m, lanes);
                var b = TOps.Broadcast(Unsafe.Add(ref v0, a));
                a00 = TOps.MultiplyAdd(b, m0, a00);
                a01 = TOps.MultiplyAdd(b, m1, a01);
                b = TOps.Broadcast(Unsafe.Add(ref v1, a));
                a10 = TOps.MultiplyAdd(b, m0, a10);
                a11 = TOps.MultiplyAdd(b, m1, a11);
                b = TOps.Broadcast(Unsafe.Add(ref v2, a));
                a20 = TOps.MultiplyAdd(b, m0, a20);
                a21 = TOps.MultiplyAdd(b, m1, a21);
                b = TOps.Broadcast(Unsafe.Add(ref v3, a));
                a30 = TOps.MultiplyAdd(b, m0, a30);
                a31 = TOps.MultiplyAdd(b, m1, a31);
                m = ref Unsafe.Add(ref m, rowStep);
            }

            TOps.Store(a00, ref d0, c);
            TOps.Store(a01, ref d0, c + lanes);
            TOps.Store(a10, ref d1, c);
            TOps.Store(a11, ref d1, c + lanes);
            TOps.Store(a20, ref d2, c);
            TOps.Store(a21, ref d2, c + lanes);
            TOps.Store(a30, ref d3, c);
            TOps.Store(a31, ref d3, c + lanes);
        }

        for (; c + lanes <= n; c += lanes)
        {
            TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            ref var m = ref Unsafe.Add(ref matrix, c);
            for (nuint a = 0; a < rowCount; a++)
            {
                var m0 = TOps.Load(ref m, 0);
                a0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref v0, a)), m0, a0);
                a1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref v1, a)), m0, a1);
                a2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref v2, a)), m0, a2);
                a3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref v3, a)), m0, a3);
                m = ref Unsafe.Add(ref m, rowStep);
            }

            TOps.Store(a0, ref d0, c);
            TOps.Store(a1, ref d1, c);
            TOps.Store(a2, ref d2, c);
            TOps.Store(a3, ref d3, c);
        }

        for (; c < n; c++)
        {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (nuint a = 0; a < rowCount; a++)
            {
                var value = Unsafe.Add(ref matrix, (a * rowStep) + c);
                s0 += Unsafe.Add(ref v0, a) * value;
                s1 += Unsafe.Add(ref v1, a) * value;
                s2 += Unsafe.Add(ref v2, a) * value;
                s3 += Unsafe.Add(ref v3, a) * value;
            }

            Unsafe.Add(ref d0, c) = s0;
            Unsafe.Add(ref d1, c) = s1;
            Unsafe.Add(ref d2, c) = s2;
            Unsafe.Add(ref d3, c) = s3;
        }
    }

    /// <summary>
    /// Adds rows <c>[a0, a0 + 4)</c> of the upper triangle of <c>YᵀY</c> (columns from the register holding
    /// <paramref name="a0"/> to the stride) into <paramref name="gram"/> (row-major, <c>stride × stride</c> doubles),
    /// over the <paramref name="rowCount"/> rows of <paramref name="rows"/>.
    /// </summary>
    /// <remarks>
    /// Products are accumulated in float over blocks of <see cref="GramRowBlock"/> rows, then added in double in row
    /// order: the result depends on the data only. Requires <c>stride % max(4, TOps.Count) == 0</c>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GramRowTile<TOps, TVec>(ref float rows, int rowCount, int stride, int a0, Span<double> gram)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var lanes = TOps.Count;
        Debug.Assert(stride % Math.Max(4, lanes) == 0 && a0 % 4 == 0 && a0 + 4 <= stride);
        Debug.Assert(gram.Length >= stride * stride);
        Span<float> flush = stackalloc float[16 * 16];
        ref var fl = ref MemoryMarshal.GetReference(flush);
        var firstColumn = a0 / lanes * lanes;
        for (var blockStart = 0; blockStart < rowCount; blockStart += GramRowBlock)
        {
            var blockEnd = Math.Min(rowCount, blockStart + GramRowBlock);
            var c = firstColumn;
            if (Vector512.IsHardwareAccelerated)
            {
                // With 32 vector registers: four columns at a time (sixteen accumulators, so the FMA chains do not bound
                // it). Each element still sums its block's rows in order.
                // The four vectors are the tile's four columns of the same rows; the block of output row m goes to
                // the flush at m · 4 vectors, as AddFlush reads it.
                ref var first = ref Row(ref rows, stride, blockStart);
                var l = (nuint)lanes;
                for (; c + (4 * lanes) <= stride; c += 4 * lanes)
                {
                    MultiplyColumns<TOps, TVec>(
                        ref Unsafe.Add(ref first, c), (nuint)stride, (nuint)(blockEnd - blockStart), l, 4,
                        ref Unsafe.Add(ref first, a0), ref Unsafe.Add(ref first, a0 + 1), ref Unsafe.Add(ref first, a0 + 2), ref Unsafe.Add(ref first, a0 + 3), (nuint)stride,
                        ref fl, ref Unsafe.Add(ref fl, 4 * l), ref Unsafe.Add(ref fl, 8 * l), ref Unsafe.Add(ref fl, 12 * l));
                    AddFlush(flush, 4 * lanes, gram, stride, a0, c);
                }
            }

            for (; c + (2 * lanes) <= stride; c += 2 * lanes)
            {
                TVec s00 = TOps.Zero, s01 = TOps.Zero, s10 = TOps.Zero, s11 = TOps.Zero;
                TVec s20 = TOps.Zero, s21 = TOps.Zero, s30 = TOps.Zero, s31 = TOps.Zero;
                for (var r = blockStart; r < blockEnd; r++)
                {
                    ref var row = ref Row(ref rows, stride, r);
                    var y0 = TOps.Load(ref row, (nuint)c);
                    var y1 = TOps.Load(ref row, (nuint)(c + lanes));
                    var b = TOps.Broadcast(Unsafe.Add(ref row, a0));
                    s00 = TOps.MultiplyAdd(b, y0, s00);
                    s01 = TOps.MultiplyAdd(b, y1, s01);
                    b = TOps.Broadcast(Unsafe.Add(ref row, a0 + 1));
                    s10 = TOps.MultiplyAdd(b, y0, s10);
                    s11 = TOps.MultiplyAdd(b, y1, s11);
                    b = TOps.Broadcast(Unsafe.Add(ref row, a0 + 2));
                    s20 = TOps.MultiplyAdd(b, y0, s20);
                    s21 = TOps.MultiplyAdd(b, y1, s21);
                    b = TOps.Broadcast(Unsafe.Add(ref row, a0 + 3));
                    s30 = TOps.MultiplyAdd(b, y0, s30);
                    s31 = TOps.MultiplyAdd(b, y1, s31);
                }

                var l = (nuint)lanes;
                TOps.Store(s00, ref fl, 0);
                TOps.Store(s01, ref fl, l);
                TOps.Store(s10, ref fl, 2 * l);
                TOps.Store(s11, ref fl, 3 * l);
                TOps.Store(s20, ref fl, 4 * l);
                TOps.Store(s21, ref fl, 5 * l);
                TOps.Store(s30, ref fl, 6 * l);
                TOps.Store(s31, ref fl, 7 * l);
                AddFlush(flush, 2 * lanes, gram, stride, a0, c);
            }

            if (c < stride)
            {
                TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
                for (var r = blockStart; r < blockEnd; r++)
                {
                    ref var row = ref Row(ref rows, stride, r);
                    var y0 = TOps.Load(ref row, (nuint)c);
                    s0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref row, a0)), y0, s0);
                    s1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref row, a0 + 1)), y0, s1);
                    s2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref row, a0 + 2)), y0, s2);
                    s3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref row, a0 + 3)), y0, s3);
                }

                var l = (nuint)lanes;
                TOps.Store(s0, ref fl, 0);
                TOps.Store(s1, ref fl, l);
                TOps.Store(s2, ref fl, 2 * l);
                TOps.Store(s3, ref fl, 3 * l);
                AddFlush(flush, lanes, gram, stride, a0, c);
            }
        }
    }

    /// <summary>
    /// Adds rows <c>[a0, a0 + 4)</c> of the upper triangle of <c>Σ_j scaled[j] ⊗ rows[j]</c> into the float matrix
    /// <paramref name="matrix"/> (<c>stride × stride</c>), for <paramref name="rowCount"/> contiguous rows: the
    /// weighted rank-n update <c>A += Yᵀ W Y</c> of the Cholesky solver, where <c>scaled = W Y</c>.
    /// </summary>
    /// <remarks>Requires <c>stride % max(4, TOps.Count) == 0</c>. Float accumulation, as LAPACK's single precision.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RankUpdateRowTile<TOps, TVec>(
        ref float scaled, ref float rows, int rowCount, int stride, int a0, ref float matrix)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var lanes = TOps.Count;
        Debug.Assert(stride % Math.Max(4, lanes) == 0 && a0 % 4 == 0 && a0 + 4 <= stride);
        var l = (nuint)lanes;
        ref var m0 = ref Row(ref matrix, stride, a0);
        ref var m1 = ref Row(ref matrix, stride, a0 + 1);
        ref var m2 = ref Row(ref matrix, stride, a0 + 2);
        ref var m3 = ref Row(ref matrix, stride, a0 + 3);
        var c = a0 / lanes * lanes;
        for (; c + (2 * lanes) <= stride; c += 2 * lanes)
        {
            var uc = (nuint)c;
            TVec s00 = TOps.Load(ref m0, uc), s01 = TOps.Load(ref m0, uc + l);
            TVec s10 = TOps.Load(ref m1, uc), s11 = TOps.Load(ref m1, uc + l);
            TVec s20 = TOps.Load(ref m2, uc), s21 = TOps.Load(ref m2, uc + l);
            TVec s30 = TOps.Load(ref m3, uc), s31 = TOps.Load(ref m3, uc + l);
            for (var r = 0; r < rowCount; r++)
            {
                ref var row = ref Row(ref rows, stride, r);
                ref var z = ref Row(ref scaled, stride, r);
                var y0 = TOps.Load(ref row, uc);
                var y1 = TOps.Load(ref row, uc + l);
                var b = TOps.Broadcast(Unsafe.Add(ref z, a0));
                s00 = TOps.MultiplyAdd(b, y0, s00);
                s01 = TOps.MultiplyAdd(b, y1, s01);
                b = TOps.Broadcast(Unsafe.Add(ref z, a0 + 1));
                s10 = TOps.MultiplyAdd(b, y0, s10);
                s11 = TOps.MultiplyAdd(b, y1, s11);
                b = TOps.Broadcast(Unsafe.Add(ref z, a0 + 2));
                s20 = TOps.MultiplyAdd(b, y0, s20);
                s21 = TOps.MultiplyAdd(b, y1, s21);
                b = TOps.Broadcast(Unsafe.Add(ref z, a0 + 3));
                s30 = TOps.MultiplyAdd(b, y0, s30);
                s31 = TOps.MultiplyAdd(b, y1, s31);
            }

            TOps.Store(s00, ref m0, uc);
            TOps.Store(s01, ref m0, uc + l);
            TOps.Store(s10, ref m1, uc);
            TOps.Store(s11, ref m1, uc + l);
            TOps.Store(s20, ref m2, uc);
            TOps.Store(s21, ref m2, uc + l);
            TOps.Store(s30, ref m3, uc);
            TOps.Store(s31, ref m3, uc + l);
        }

        if (c < stride)
        {
            var uc = (nuint)c;
            TVec s0 = TOps.Load(ref m0, uc), s1 = TOps.Load(ref m1, uc), s2 = TOps.Load(ref m2, uc), s3 = TOps.Load(ref m3, uc);
            for (var r = 0; r < rowCount; r++)
            {
                ref var z = ref Row(ref scaled, stride, r);
                var y0 = TOps.Load(ref Row(ref rows, stride, r), uc);
                s0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref z, a0)), y0, s0);
                s1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref z, a0 + 1)), y0, s1);
                s2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref z, a0 + 2)), y0, s2);
                s3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref z, a0 + 3)), y0, s3);
            }

            TOps.Store(s0, ref m0, uc);
            TOps.Store(s1, ref m1, uc);
            TOps.Store(s2, ref m2, uc);
            TOps.Store(s3, ref m3, uc);
        }
    }

    /// <summary>The start of row <paramref name="row"/> in a flat array with the given stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Row(ref float rows, int stride, int row) => ref Unsafe.Add(ref rows, (nint)row * stride);

    /// <summary>Adds four rows of a tile's float sums into the double Gram matrix; marked for full optimization like its caller,
    /// so that a first fit does not run it unoptimized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddFlush(ReadOnlySpan<float> flush, int width, Span<double> gram, int stride, int a0, int column)
    {
        for (var m = 0; m < 4; m++)
        {
            var target = gram.Slice(((a0 + m) * stride) + column, width);
            var source = flush.Slice(m * width, width);
            ref var t = ref MemoryMarshal.GetReference(target);
            ref var f = ref MemoryMarshal.GetReference(source);
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Each float widened exactly to double, then one double add per element, as the loop below.
                for (; i + Vector256<float>.Count <= width; i += Vector256<float>.Count)
                {
                    var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref f, (nuint)i));
                    (Vector256.LoadUnsafe(ref t, (nuint)i) + low).StoreUnsafe(ref t, (nuint)i);
                    (Vector256.LoadUnsafe(ref t, (nuint)(i + Vector256<double>.Count)) + high).StoreUnsafe(ref t, (nuint)(i + Vector256<double>.Count));
                }
            }

            for (; i < width; i++)
            {
                Unsafe.Add(ref t, i) += Unsafe.Add(ref f, i);
            }
        }
    }

    /// <summary>Selects the behaviour of the shared gathered-dots kernel at compile time.</summary>
    private interface IGatherMode
    {
        static abstract bool Accumulates { get; }

        static abstract bool Squares { get; }
    }

    /// <summary>Write the dots out.</summary>
    private readonly struct DotsOnly : IGatherMode
    {
        public static bool Accumulates => false;

        public static bool Squares => false;
    }

    /// <summary>Add the weighted rows into the destination.</summary>
    private readonly struct DotsAccumulate : IGatherMode
    {
        public static bool Accumulates => true;

        public static bool Squares => false;
    }

    /// <summary>Sum the weighted squares of the dots (the output holds the partial sums of <see cref="SumSquares"/>).</summary>
    private readonly struct WeightedSquares : IGatherMode
    {
        public static bool Accumulates => false;

        public static bool Squares => true;
    }
}
