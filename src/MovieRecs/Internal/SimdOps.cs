using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MovieRecs.Internal;

/// <summary>
/// The handful of float vector operations the ALS kernels need, abstracted over the vector width so that one
/// kernel body is specialised by the JIT for <see cref="float"/> (scalar), <see cref="Vector128{T}"/>,
/// <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/>.
/// </summary>
/// <typeparam name="TVec">The register type.</typeparam>
/// <remarks>
/// Implementations are empty structs; kernels take them as generic type arguments so every call is resolved and
/// inlined at JIT time (no virtual or delegate calls in hot loops). Loads and stores are unaligned and unchecked:
/// callers guarantee the range.
/// </remarks>
internal interface ISimdOps<TVec>
    where TVec : struct
{
    /// <summary>The number of floats in one register.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on hardware instructions on this machine (otherwise it is emulated).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Broadcast(float value);

    static abstract TVec Load(ref float source, nuint elementOffset);

    static abstract void Store(TVec value, ref float destination, nuint elementOffset);

    /// <summary><c>left * right + addend</c>, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec left, TVec right, TVec addend);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    /// <summary>The horizontal sum of the lanes.</summary>
    static abstract float Sum(TVec value);

    /// <summary>
    /// Writes the horizontal sums of eight registers to <c>destination[0..8)</c> (a transposing reduction where the
    /// ISA has one, eight <see cref="Sum"/> calls otherwise).
    /// </summary>
    static abstract void StoreSums8(TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5, TVec a6, TVec a7, ref float destination);
}

/// <summary>One float per "register": the reference path, also used when hardware intrinsics are disabled.</summary>
internal readonly struct ScalarOps : ISimdOps<float>
{
    public static int Count => 1;

    public static bool IsHardwareAccelerated => true;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint elementOffset) => Unsafe.Add(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint elementOffset) =>
        Unsafe.Add(ref destination, elementOffset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float left, float right, float addend) => (left * right) + addend;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float left, float right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, ref float destination)
    {
        destination = Sum(a0);
        Unsafe.Add(ref destination, 1) = Sum(a1);
        Unsafe.Add(ref destination, 2) = Sum(a2);
        Unsafe.Add(ref destination, 3) = Sum(a3);
        Unsafe.Add(ref destination, 4) = Sum(a4);
        Unsafe.Add(ref destination, 5) = Sum(a5);
        Unsafe.Add(ref destination, 6) = Sum(a6);
        Unsafe.Add(ref destination, 7) = Sum(a7);
    }
}

/// <summary>128-bit registers (SSE / AdvSimd).</summary>
internal readonly struct Vector128Ops : ISimdOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint elementOffset) => Vector128.LoadUnsafe(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint elementOffset) =>
        value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums8(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3, Vector128<float> a4, Vector128<float> a5, Vector128<float> a6, Vector128<float> a7, ref float destination)
    {
        destination = Sum(a0);
        Unsafe.Add(ref destination, 1) = Sum(a1);
        Unsafe.Add(ref destination, 2) = Sum(a2);
        Unsafe.Add(ref destination, 3) = Sum(a3);
        Unsafe.Add(ref destination, 4) = Sum(a4);
        Unsafe.Add(ref destination, 5) = Sum(a5);
        Unsafe.Add(ref destination, 6) = Sum(a6);
        Unsafe.Add(ref destination, 7) = Sum(a7);
    }
}

/// <summary>256-bit registers (AVX2 + FMA).</summary>
internal readonly struct Vector256Ops : ISimdOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint elementOffset) => Vector256.LoadUnsafe(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint elementOffset) =>
        value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums8(
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7, ref float destination)
    {
        if (Avx.IsSupported)
        {
            // hadd pairs twice, then add the two 128-bit halves: lane i ends up holding the sum of register i.
            var h01 = Avx.HorizontalAdd(a0, a1);
            var h23 = Avx.HorizontalAdd(a2, a3);
            var h45 = Avx.HorizontalAdd(a4, a5);
            var h67 = Avx.HorizontalAdd(a6, a7);
            var h0123 = Avx.HorizontalAdd(h01, h23);
            var h4567 = Avx.HorizontalAdd(h45, h67);
            var low = Avx.Permute2x128(h0123, h4567, 0x20);
            var high = Avx.Permute2x128(h0123, h4567, 0x31);
            (low + high).StoreUnsafe(ref destination);
            return;
        }

        destination = Sum(a0);
        Unsafe.Add(ref destination, 1) = Sum(a1);
        Unsafe.Add(ref destination, 2) = Sum(a2);
        Unsafe.Add(ref destination, 3) = Sum(a3);
        Unsafe.Add(ref destination, 4) = Sum(a4);
        Unsafe.Add(ref destination, 5) = Sum(a5);
        Unsafe.Add(ref destination, 6) = Sum(a6);
        Unsafe.Add(ref destination, 7) = Sum(a7);
    }
}

/// <summary>512-bit registers (AVX-512F).</summary>
internal readonly struct Vector512Ops : ISimdOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint elementOffset) => Vector512.LoadUnsafe(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint elementOffset) =>
        value.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums8(
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, ref float destination)
    {
        if (Avx512F.IsSupported)
        {
            // A transposing reduction on 512-bit registers (12 shuffles, 8 adds, one permute). Register k's blocks of
            // four lanes q0..q3 add as (q0 + q2) + (q1 + q3), then the four lanes as (l0 + l2) + (l1 + l3).
            var b01 = Avx512F.Shuffle4x128(a0, a1, 0x44) + Avx512F.Shuffle4x128(a0, a1, 0xEE);
            var b23 = Avx512F.Shuffle4x128(a2, a3, 0x44) + Avx512F.Shuffle4x128(a2, a3, 0xEE);
            var b45 = Avx512F.Shuffle4x128(a4, a5, 0x44) + Avx512F.Shuffle4x128(a4, a5, 0xEE);
            var b67 = Avx512F.Shuffle4x128(a6, a7, 0x44) + Avx512F.Shuffle4x128(a6, a7, 0xEE);

            // Block k of c0123 holds register k's four partial sums, block k of c4567 register k + 4's.
            var c0123 = Avx512F.Shuffle4x128(b01, b23, 0x88) + Avx512F.Shuffle4x128(b01, b23, 0xDD);
            var c4567 = Avx512F.Shuffle4x128(b45, b67, 0x88) + Avx512F.Shuffle4x128(b45, b67, 0xDD);
            var e = Avx512F.UnpackLow(c0123, c4567) + Avx512F.UnpackHigh(c0123, c4567);

            // Block k now holds [s_k, s_k+4, s_k, s_k+4]; gather s_0..s_7 into the low eight lanes.
            var sums = Avx512F.Permute4x32(e, 0x4E) + e;
            Avx512F.PermuteVar16x32(sums, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower().StoreUnsafe(ref destination);
            return;
        }

        Vector256Ops.StoreSums8(
            a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper(),
            a4.GetLower() + a4.GetUpper(), a5.GetLower() + a5.GetUpper(), a6.GetLower() + a6.GetUpper(), a7.GetLower() + a7.GetUpper(),
            ref destination);
    }
}
