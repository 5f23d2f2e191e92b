using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MovieRecs.Persistence;

/// <summary>
/// The CRC-32 of zip archives and zlib (IEEE 802.3, reflected polynomial 0xEDB88320; Python's <c>zlib.crc32</c>
/// gives the same value), used by the model files and by the <c>.npz</c> reader (System.IO.Compression does not check
/// it when reading). Computed 64 bytes at a time by carry-less multiplication where the CPU has it (x86 PCLMULQDQ),
/// else eight bytes at a time with eight lookup tables ("slicing by 8").
/// </summary>
/// <remarks>
/// <para>Folding (Gopal et al., "Fast CRC computation for generic polynomials using PCLMULQDQ", Intel 2009): four
/// 128-bit accumulators each absorb every fourth 16-byte block, <c>a' = a.lo·k1 ⊕ a.hi·k2 ⊕ next</c>, where
/// <c>k1</c> and <c>k2</c> are <c>x^n mod P</c> for the fold distance, bit-reflected and shifted left by one as the
/// reflected product requires. The four fold into one with the 128-bit distance constants, the remaining blocks
/// likewise, and the last 16 bytes of the accumulator hold a message with the same remainder, which the table
/// finishes, followed by the tail that is not a whole block.</para>
/// <para>The tables run at about 1 GB/s here, which made the checksum most of the cost of loading a model from
/// memory; the folded loop keeps up with memory.</para>
/// <para>Both paths are reachable from tests (<see cref="AppendFolded"/>, <see cref="AppendTable"/>).</para>
/// </remarks>
internal static class Crc32
{
    /// <summary>Below this length the table is as fast as setting up the fold.</summary>
    internal const int MinimumFoldLength = 64;

    private const uint Polynomial = 0xEDB88320u;

    /// <summary>Fold constants for a distance of 4 × 128 bits: for the low and the high 64 bits of an accumulator.</summary>
    private const ulong Fold4Low = 0x1_5444_2BD4;
    private const ulong Fold4High = 0x1_C6E4_1596;

    /// <summary>Fold constants for a distance of 128 bits.</summary>
    private const ulong Fold1Low = 0x1_7519_97D0;
    private const ulong Fold1High = 0x0_CCAA_009E;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Whether the folded path runs on this machine (honours <c>DOTNET_EnableHWIntrinsic=0</c>).</summary>
    public static bool IsAccelerated => Pclmulqdq.IsSupported;

    /// <summary>Continues a CRC over <paramref name="data"/>; start from 0.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        IsAccelerated && data.Length >= MinimumFoldLength ? AppendFolded(crc, data) : AppendTable(crc, data);

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
        return AppendTable(AppendTable(uint.MaxValue, remainder), data[(int)end..]);
    }

    /// <summary>The table path (slicing by 8): any length, any CPU.</summary>
    internal static uint AppendTable(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        crc = ~crc;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (low & 0xFF)]
                ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)]
                ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[256 + ((high >> 16) & 0xFF)]
                ^ table[high >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte start, nuint offset) => Vector128.LoadUnsafe(ref start, offset).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> accumulator, Vector128<ulong> constants, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(accumulator, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(accumulator, constants, 0x11) ^ next;

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var slice = 1; slice < 8; slice++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
