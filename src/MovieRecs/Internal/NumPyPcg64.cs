using System.Numerics;
using System.Runtime.CompilerServices;

namespace MovieRecs.Internal;

/// <summary>
/// NumPy's default generator, reproduced bit for bit: <c>numpy.random.default_rng(seed)</c>, that is PCG64
/// (O'Neill 2014: a 128-bit LCG with the XSL-RR output) seeded through NumPy's <c>SeedSequence</c>, and the draws
/// <c>Generator.random(dtype=float32)</c> and <c>Generator.random()</c> make from it. <c>implicit</c> draws its initial
/// factors from this generator, so the same seed gives the same starting point in both libraries.
/// </summary>
/// <remarks>
/// Integer arithmetic only, so the stream is the same on every machine. 32-bit draws use the low half of a 64-bit
/// output first and keep the high half for the next one, as NumPy's PCG64 does; float32 draws take the top 24 bits of
/// a 32-bit draw, doubles the top 53 bits of a 64-bit one.
/// </remarks>
internal sealed class NumPyPcg64
{
    private const ulong MultiplierHigh = 2549297995355413924UL;
    private const ulong MultiplierLow = 4865540595714422341UL;

    // The 128-bit state and increment as two halves each: UInt128's operators are library calls that run unoptimized
    // for the first hundred milliseconds of a process, while this arithmetic inlines into its callers.
    private readonly ulong _incrementHigh;
    private readonly ulong _incrementLow;
    private ulong _stateHigh;
    private ulong _stateLow;
    private bool _hasHalf;
    private uint _half;

    /// <summary>The generator of <c>numpy.random.default_rng(seed)</c>.</summary>
    /// <param name="seed">The seed; NumPy's entropy is this one 32-bit word.</param>
    public NumPyPcg64(uint seed)
    {
        var pool = SeedPool(seed);
        Span<ulong> words = stackalloc ulong[4];
        GenerateState(pool, words);
        // state = 0; increment = (sequence << 1) | 1; step; state += initial state; step.
        _incrementHigh = (words[2] << 1) | (words[3] >> 63);
        _incrementLow = (words[3] << 1) | 1;
        Step();
        _stateLow += words[1];
        _stateHigh += words[0] + (_stateLow < words[1] ? 1UL : 0UL);
        Step();
    }

    /// <summary>The next 64 bits (<c>bit_generator.random_raw()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        Step();
        return BitOperations.RotateRight(_stateHigh ^ _stateLow, (int)(_stateHigh >> 58));
    }

    /// <summary>The next 32 bits: the low half of a new 64-bit output, then its high half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_hasHalf)
        {
            _hasHalf = false;
            return _half;
        }

        var next = NextUInt64();
        _hasHalf = true;
        _half = (uint)(next >> 32);
        return (uint)next;
    }

    /// <summary>Uniform in <c>[0, 1)</c> as <c>Generator.random(dtype=np.float32)</c>: the top 24 bits of a 32-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextSingle() => (NextUInt32() >> 8) * (1f / 16777216f);

    /// <summary>Uniform in <c>[0, 1)</c> as <c>Generator.random()</c>: the top 53 bits of a 64-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary><c>state = state · multiplier + increment</c>, modulo 2^128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Step()
    {
        var high = Math.BigMul(_stateLow, MultiplierLow, out var low);
        high += (_stateLow * MultiplierHigh) + (_stateHigh * MultiplierLow);
        _stateLow = low + _incrementLow;
        _stateHigh = high + _incrementHigh + (_stateLow < low ? 1UL : 0UL);
    }

    /// <summary>SeedSequence's entropy pool (4 words) for entropy of one 32-bit word and no spawn key.</summary>
    private static uint[] SeedPool(uint seed)
    {
        const uint MultiplierA = 0x931e8875;
        var hash = 0x43b0d7e5u;
        uint HashMix(uint value)
        {
            value ^= hash;
            hash *= MultiplierA;
            value *= hash;
            return value ^ (value >> 16);
        }

        static uint Mix(uint x, uint y)
        {
            var result = (0xca01f9ddu * x) - (0x4973f715u * y);
            return result ^ (result >> 16);
        }

        var pool = new uint[4];
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = HashMix(i == 0 ? seed : 0u);
        }

        for (var source = 0; source < pool.Length; source++)
        {
            for (var destination = 0; destination < pool.Length; destination++)
            {
                if (source != destination)
                {
                    pool[destination] = Mix(pool[destination], HashMix(pool[source]));
                }
            }
        }

        return pool;
    }

    /// <summary>SeedSequence's <c>generate_state(n, uint64)</c>: 32-bit words paired little-endian.</summary>
    private static void GenerateState(uint[] pool, Span<ulong> destination)
    {
        const uint MultiplierB = 0x58f38ded;
        var hash = 0x8b51f9ddu;
        for (var i = 0; i < destination.Length; i++)
        {
            ulong low = 0, high = 0;
            for (var half = 0; half < 2; half++)
            {
                var value = pool[((2 * i) + half) % pool.Length];
                value ^= hash;
                hash *= MultiplierB;
                value *= hash;
                value ^= value >> 16;
                if (half == 0)
                {
                    low = value;
                }
                else
                {
                    high = value;
                }
            }

            destination[i] = low | (high << 32);
        }
    }
}
