using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>The register widths every kernel is compiled for; one entry of the kernel table each.</summary>
internal enum SimdWidth
{
    /// <summary>One float at a time: the reference path and the fallback without hardware intrinsics.</summary>
    Scalar,

    /// <summary>128-bit registers.</summary>
    Vector128,

    /// <summary>256-bit registers.</summary>
    Vector256,

    /// <summary>512-bit registers.</summary>
    Vector512,
}

/// <summary>
/// The kernel table: which widths exist, which run on hardware here, and which one the library uses. The one place
/// that decides the register width of every kernel family: ALS (Gram matrix, CG, Cholesky, loss), scoring
/// (recommend, batch recommend) and similarity (similar items and users, one or all).
/// </summary>
/// <remarks>
/// <para>
/// A width is chosen once, as a value: the trainer takes <see cref="Best"/> (or, for tests, a width passed to its
/// internal fit), and a model keeps the width it was built with and serves and recalculates with it. Every kernel
/// family has entry points that take the width and switch on it once per call (or build a width-specialised engine
/// once per fit), outside the hot loops; the loops themselves are generic over <see cref="ISimdOps{TVec}"/> or
/// written per width. No global state: two models (or two tests) may use different widths at the same time.
/// </para>
/// <para>
/// Each family runs its widest implementation that does not exceed the width:
/// ALS has all four (<see cref="ScalarOps"/>, <see cref="Vector128Ops"/>, <see cref="Vector256Ops"/>,
/// <see cref="Vector512Ops"/>); scoring has scalar, 128- and 256-bit kernels (the 256-bit ones also serve
/// <see cref="SimdWidth.Vector512"/>) and, for blocks of queries at <see cref="SimdWidth.Vector512"/>, an 8-query
/// tile that keeps the 256-bit kernel's summation order (two queries per register); the quantized scan of the pruned
/// single-user ranking (<see cref="QuantizedItems"/>) has scalar, 256- and 512-bit forms, exact integer sums that
/// agree at every width; similarity has scalar tiles (also for <see cref="SimdWidth.Vector128"/>),
/// 256-bit 6 x 16 tiles and, for <see cref="SimdWidth.Vector512"/>, 12 x 16 tiles in the batch form, all summing in
/// the same order so 256 and 512 agree bit for bit.
/// </para>
/// <para>
/// Every width is functional on every CPU (wider vectors are emulated in software when not accelerated), so tests
/// reach all of them; only accelerated widths are worth running for speed.
/// </para>
/// </remarks>
internal static class KernelTable
{
    /// <summary>All widths, narrowest first.</summary>
    public static ReadOnlySpan<SimdWidth> All => [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    /// <summary>The widest accelerated width on this machine (honours <c>DOTNET_EnableAVX2=0</c> and friends).</summary>
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
        : SimdWidth.Scalar;

    /// <summary>Whether <paramref name="width"/> runs on hardware instructions here.</summary>
    public static bool IsAccelerated(SimdWidth width) => width switch
    {
        SimdWidth.Scalar => true,
        SimdWidth.Vector128 => Vector128.IsHardwareAccelerated,
        SimdWidth.Vector256 => Vector256.IsHardwareAccelerated,
        SimdWidth.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>The number of floats per register of <paramref name="width"/>.</summary>
    public static int Lanes(SimdWidth width) => width switch
    {
        SimdWidth.Vector128 => Vector128<float>.Count,
        SimdWidth.Vector256 => Vector256<float>.Count,
        SimdWidth.Vector512 => Vector512<float>.Count,
        _ => 1,
    };

    /// <summary>
    /// The row stride (in floats) used for <paramref name="factors"/> factors: a multiple of 8 (16 with 512-bit
    /// registers) so rows start on a register boundary and kernels need no tails.
    /// </summary>
    public static int StrideFor(int factors, SimdWidth width)
    {
        var multiple = Math.Max(8, Lanes(width));
        return checked((factors + multiple - 1) / multiple * multiple);
    }
}
