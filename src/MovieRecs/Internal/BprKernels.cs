using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// The kernels of one Bayesian Personalized Ranking SGD step over a user row <c>u</c>, a liked item row <c>l</c> and a
/// sampled negative item row <c>d</c>: the score <c>u · (l − d)</c>, then the update of all three rows. One entry per
/// <see cref="SimdWidth"/>; the scalar entry is the reference.
/// </summary>
/// <remarks>
/// <para>The update of column <c>c</c>, with the old <c>t = u[c]</c>:
/// <c>u[c] += lr·(z·(l[c] − d[c]) − reg·u[c])</c>, <c>l[c] += lr·(z·t − reg·l[c])</c>,
/// <c>d[c] += lr·(−z·t − reg·d[c])</c>, every operation in float and in this order, without fused multiply-adds, so
/// every width writes the same bits for the same <c>z</c>. Zero columns in all three rows (row padding) stay zero.</para>
/// <para>The scalar score sums the columns in order, one float at a time; the vector scores keep one partial sum per
/// lane (fused multiply-adds) and add the lanes at the end, so they differ from it by rounding.</para>
/// <para>The rows must not overlap (a step whose negative is the liked item goes through <see cref="UpdateSameItem"/>).
/// Nothing is allocated and nothing throws.</para>
/// </remarks>
internal static class BprKernels
{
    /// <summary><c>Σ_c user[c] · (liked[c] − disliked[c])</c> over the length of <paramref name="user"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Score(SimdWidth width, ReadOnlySpan<float> user, ReadOnlySpan<float> liked, ReadOnlySpan<float> disliked)
    {
        Debug.Assert(liked.Length >= user.Length && disliked.Length >= user.Length);
        ref var u = ref MemoryMarshal.GetReference(user);
        ref var l = ref MemoryMarshal.GetReference(liked);
        ref var d = ref MemoryMarshal.GetReference(disliked);
        var n = (nuint)user.Length;
        return width switch
        {
            SimdWidth.Vector512 => Score512(ref u, ref l, ref d, n),
            SimdWidth.Vector256 => Score256(ref u, ref l, ref d, n),
            SimdWidth.Vector128 => Score128(ref u, ref l, ref d, n),
            _ => ScoreScalar(ref u, ref l, ref d, 0, n, 0f),
        };
    }

    /// <summary>The SGD update of the three rows for the step weight <paramref name="z"/> (see the type's remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(SimdWidth width, Span<float> user, Span<float> liked, Span<float> disliked, float z, float learningRate, float regularization)
    {
        Debug.Assert(liked.Length >= user.Length && disliked.Length >= user.Length);
        ref var u = ref MemoryMarshal.GetReference(user);
        ref var l = ref MemoryMarshal.GetReference(liked);
        ref var d = ref MemoryMarshal.GetReference(disliked);
        var n = (nuint)user.Length;
        nuint c = 0;
        switch (width)
        {
            case SimdWidth.Vector512:
                c = Update512(ref u, ref l, ref d, n, z, learningRate, regularization);
                break;
            case SimdWidth.Vector256:
                c = Update256(ref u, ref l, ref d, n, z, learningRate, regularization);
                break;
            case SimdWidth.Vector128:
                c = Update128(ref u, ref l, ref d, n, z, learningRate, regularization);
                break;
        }

        UpdateScalar(ref u, ref l, ref d, c, n, z, learningRate, regularization);
    }

    /// <summary>
    /// The update when the negative is the liked item itself (possible only without negative checks): the liked
    /// update, then the negative update reading the row the liked update wrote, column by column, as a loop over
    /// aliased rows does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateSameItem(Span<float> user, Span<float> item, float z, float learningRate, float regularization)
    {
        Debug.Assert(item.Length >= user.Length);
        for (var c = 0; c < user.Length; c++)
        {
            var t = user[c];
            user[c] = user[c] + (learningRate * ((z * (item[c] - item[c])) - (regularization * user[c])));
            item[c] = item[c] + (learningRate * ((z * t) - (regularization * item[c])));
            item[c] = item[c] + (learningRate * ((-z * t) - (regularization * item[c])));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScoreScalar(ref float u, ref float l, ref float d, nuint c, nuint n, float score)
    {
        for (; c < n; c++)
        {
            score += Unsafe.Add(ref u, c) * (Unsafe.Add(ref l, c) - Unsafe.Add(ref d, c));
        }

        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Score512(ref float u, ref float l, ref float d, nuint n)
    {
        var lanes = (nuint)Vector512<float>.Count;
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        nuint c = 0;
        for (; c + (2 * lanes) <= n; c += 2 * lanes)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref u, c), Vector512.LoadUnsafe(ref l, c) - Vector512.LoadUnsafe(ref d, c), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref u, c + lanes), Vector512.LoadUnsafe(ref l, c + lanes) - Vector512.LoadUnsafe(ref d, c + lanes), a1);
        }

        if (c + lanes <= n)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref u, c), Vector512.LoadUnsafe(ref l, c) - Vector512.LoadUnsafe(ref d, c), a0);
            c += lanes;
        }

        return ScoreScalar(ref u, ref l, ref d, c, n, Vector512.Sum(a0 + a1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Score256(ref float u, ref float l, ref float d, nuint n)
    {
        var lanes = (nuint)Vector256<float>.Count;
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        nuint c = 0;
        for (; c + (2 * lanes) <= n; c += 2 * lanes)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref u, c), Vector256.LoadUnsafe(ref l, c) - Vector256.LoadUnsafe(ref d, c), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref u, c + lanes), Vector256.LoadUnsafe(ref l, c + lanes) - Vector256.LoadUnsafe(ref d, c + lanes), a1);
        }

        if (c + lanes <= n)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref u, c), Vector256.LoadUnsafe(ref l, c) - Vector256.LoadUnsafe(ref d, c), a0);
            c += lanes;
        }

        return ScoreScalar(ref u, ref l, ref d, c, n, Vector256.Sum(a0 + a1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Score128(ref float u, ref float l, ref float d, nuint n)
    {
        var lanes = (nuint)Vector128<float>.Count;
        var a0 = Vector128<float>.Zero;
        var a1 = Vector128<float>.Zero;
        nuint c = 0;
        for (; c + (2 * lanes) <= n; c += 2 * lanes)
        {
            a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref u, c), Vector128.LoadUnsafe(ref l, c) - Vector128.LoadUnsafe(ref d, c), a0);
            a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref u, c + lanes), Vector128.LoadUnsafe(ref l, c + lanes) - Vector128.LoadUnsafe(ref d, c + lanes), a1);
        }

        if (c + lanes <= n)
        {
            a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref u, c), Vector128.LoadUnsafe(ref l, c) - Vector128.LoadUnsafe(ref d, c), a0);
            c += lanes;
        }

        return ScoreScalar(ref u, ref l, ref d, c, n, Vector128.Sum(a0 + a1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateScalar(ref float u, ref float l, ref float d, nuint c, nuint n, float z, float lr, float reg)
    {
        for (; c < n; c++)
        {
            ref var uc = ref Unsafe.Add(ref u, c);
            ref var lc = ref Unsafe.Add(ref l, c);
            ref var dc = ref Unsafe.Add(ref d, c);
            var t = uc;
            uc = uc + (lr * ((z * (lc - dc)) - (reg * uc)));
            lc = lc + (lr * ((z * t) - (reg * lc)));
            dc = dc + (lr * ((-z * t) - (reg * dc)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint Update512(ref float u, ref float l, ref float d, nuint n, float z, float lr, float reg)
    {
        var lanes = (nuint)Vector512<float>.Count;
        var vz = Vector512.Create(z);
        var vnz = Vector512.Create(-z);
        var vlr = Vector512.Create(lr);
        var vreg = Vector512.Create(reg);
        nuint c = 0;
        for (; c + lanes <= n; c += lanes)
        {
            var t = Vector512.LoadUnsafe(ref u, c);
            var lv = Vector512.LoadUnsafe(ref l, c);
            var dv = Vector512.LoadUnsafe(ref d, c);
            (t + (vlr * ((vz * (lv - dv)) - (vreg * t)))).StoreUnsafe(ref u, c);
            (lv + (vlr * ((vz * t) - (vreg * lv)))).StoreUnsafe(ref l, c);
            (dv + (vlr * ((vnz * t) - (vreg * dv)))).StoreUnsafe(ref d, c);
        }

        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint Update256(ref float u, ref float l, ref float d, nuint n, float z, float lr, float reg)
    {
        var lanes = (nuint)Vector256<float>.Count;
        var vz = Vector256.Create(z);
        var vnz = Vector256.Create(-z);
        var vlr = Vector256.Create(lr);
        var vreg = Vector256.Create(reg);
        nuint c = 0;
        for (; c + lanes <= n; c += lanes)
        {
            var t = Vector256.LoadUnsafe(ref u, c);
            var lv = Vector256.LoadUnsafe(ref l, c);
            var dv = Vector256.LoadUnsafe(ref d, c);
            (t + (vlr * ((vz * (lv - dv)) - (vreg * t)))).StoreUnsafe(ref u, c);
            (lv + (vlr * ((vz * t) - (vreg * lv)))).StoreUnsafe(ref l, c);
            (dv + (vlr * ((vnz * t) - (vreg * dv)))).StoreUnsafe(ref d, c);
        }

        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint Update128(ref float u, ref float l, ref float d, nuint n, float z, float lr, float reg)
    {
        var lanes = (nuint)Vector128<float>.Count;
        var vz = Vector128.Create(z);
        var vnz = Vector128.Create(-z);
        var vlr = Vector128.Create(lr);
        var vreg = Vector128.Create(reg);
        nuint c = 0;
        for (; c + lanes <= n; c += lanes)
        {
            var t = Vector128.LoadUnsafe(ref u, c);
            var lv = Vector128.LoadUnsafe(ref l, c);
            var dv = Vector128.LoadUnsafe(ref d, c);
            (t + (vlr * ((vz * (lv - dv)) - (vreg * t)))).StoreUnsafe(ref u, c);
            (lv + (vlr * ((vz * t) - (vreg * lv)))).StoreUnsafe(ref l, c);
            (dv + (vlr * ((vnz * t) - (vreg * dv)))).StoreUnsafe(ref d, c);
        }

        return c;
    }
}
