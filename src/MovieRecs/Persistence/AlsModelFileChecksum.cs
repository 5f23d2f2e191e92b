using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MovieRecs.Persistence;

/// <summary>
/// The CRC-32 of model files: the same checksum as <see cref="Crc32"/> (zip's and zlib's <c>crc32</c>, so Python's
/// <c>zlib.crc32</c> verifies a file), computed 64 bytes at a time by carry-less multiplication where the CPU has it
/// (x86 PCLMULQDQ), else by <see cref="Crc32"/>'s tables.
/// </summary>
/// <remarks>
/// <para>Folding (Gopal et al., "Fast CRC computation for generic polynomials using PCLMULQDQ", Intel 2009): four
/// 128-bit accumulators each absorb every fourth 16-byte block, <c>a' = a.lo·k1 ⊕ a.hi·k2 ⊕ next</c>, where
/// <c>k1</c> and <c>k2</c> are <c>x^n mod P</c> for the fold distance, bit-reflected and shifted left by one as the
/// reflected product requires. The four fold into one with the 128-bit distance constants, the remaining blocks
/// likewise, and the last 16 bytes of the accumulator hold a message with the same remainder, which the table
/// finishes, followed by the tail that is not a whole block.</para>
/// <para>The slicing-by-8 tables run at about 1 GB/s here, which made the checksum most of the cost of loading a
/// model from memory; the folded loop keeps up with memory.</para>
/// </remarks>
internal static class AlsModelFileChecksum
{
    /// <summary>Fold constants for a distance of 4 × 128 bits: for the low and the high 64 bits of an accumulator.</summary>
    private const ulong Fold4Low = 0x1_5444_2BD4;
    private const ulong Fold4High = 0x1_C6E4_1596;

    /// <summary>Fold constants for a distance of 128 bits.</summary>
    private const ulong Fold1Low = 0x1_7519_97D0;
    private const ulong Fold1High = 0x0_CCAA_009E;

    /// <summary>Below this length the table is as fast as setting up the fold.</summary>
    internal const int MinimumFoldLength = 64;

    /// <summary>Whether the folded path runs on this machine (honours <c>DOTNET_EnableHWIntrinsic=0</c>).</summary>
    public static bool IsAccelerated => Pclmulqdq.IsSupported;

    /// <summary>Continues a CRC-32 over <paramref name="data"/>; start from 0 (as <see cref="Crc32.Append"/>).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        IsAccelerated && data.Length >= MinimumFoldLength ? AppendFolded(crc, data) : Crc32.Append(crc, data);

    /// <summary>The folded path; requires <see cref="IsAccelerated"/> and at least <see cref="MinimumFoldLength"/> bytes.</summary>
    internal static uint AppendFolded(uint crc, ReadOnlySpan<byte> data)
    {
        Debug.Assert(IsAccelerated && data.Length >= MinimumFoldLength, "callers check the ISA and the length");
        ref var start = ref MemoryMarshal.GetReference(data);
        var end = (nuint)(data.Length & ~15);

        // The running CRC, inverted as the table path inverts it, enters as the first four message bytes.
        var x0 = Load(ref start, 0) ^ Vector128.CreateScalar((ulong)~crc);
        var x1 = Load(ref start, 16);
        var x2 = Load(ref start, 32);
        var x3 = Load(ref start, 48);
        var fold4 = Vector128.Create(Fold4Low, Fold4High);
        nuint offset = 64;
        for (; offset + 64 <= end; offset += 64)
        {
            x0 = Fold(x0, fold4, Load(ref start, offset));
            x1 = Fold(x1, fold4, Load(ref start, offset + 16));
            x2 = Fold(x2, fold4, Load(ref start, offset + 32));
            x3 = Fold(x3, fold4, Load(ref start, offset + 48));
        }

        var fold1 = Vector128.Create(Fold1Low, Fold1High);
        var folded = Fold(Fold(Fold(x0, fold1, x1), fold1, x2), fold1, x3);
        for (; offset < end; offset += 16)
        {
            folded = Fold(folded, fold1, Load(ref start, offset));
        }

        Span<byte> remainder = stackalloc byte[16];
        folded.AsByte().CopyTo(remainder);
        return Crc32.Append(Crc32.Append(uint.MaxValue, remainder), data[(int)end..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte start, nuint offset) => Vector128.LoadUnsafe(ref start, offset).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> accumulator, Vector128<ulong> constants, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(accumulator, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(accumulator, constants, 0x11) ^ next;
}
