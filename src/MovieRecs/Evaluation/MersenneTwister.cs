using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MovieRecs.Evaluation;

/// <summary>
/// The MT19937 generator of Matsumoto and Nishimura (1998), seeded and read the way numpy's legacy
/// <c>RandomState(seed)</c> does: the integer seed goes through the reference <c>init_genrand</c>, and a double in
/// [0, 1) takes 27 + 26 bits of two consecutive outputs. A split drawn with the same seed therefore draws the same
/// numbers as Python's <c>implicit</c>, on every machine and every .NET version (unlike an unspecified generator).
/// </summary>
/// <remarks>Not thread-safe; one instance per sequence. 2.5 KB of state.</remarks>
internal sealed class MersenneTwister
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] _state = new uint[StateLength];
    private int _position;

    /// <summary>Seeds the generator like <c>init_genrand(seed)</c> (numpy: <c>RandomState(seed)</c>).</summary>
    public MersenneTwister(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < StateLength; i++)
        {
            var previous = _state[i - 1];
            _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _position = StateLength;
    }

    /// <summary>The next 32 tempered bits.</summary>
    public uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            Regenerate();
        }

        var y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A double uniform in [0, 1) with 53 random bits, numpy's <c>random_sample()</c>.</summary>
    public double NextDouble()
    {
        var high = NextUInt32() >> 5;
        var low = NextUInt32() >> 6;
        return ((high * 67108864.0) + low) / 9007199254740992.0;
    }

    /// <summary>
    /// An integer uniform in [0, <paramref name="exclusiveMax"/>), without bias: the outputs are masked to the
    /// smallest covering power of two and redrawn when too large.
    /// </summary>
    public int NextInt32(int exclusiveMax)
    {
        Debug.Assert(exclusiveMax > 0, "The bound must be positive.");
        var max = (uint)(exclusiveMax - 1);
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        do
        {
            value = NextUInt32() & mask;
        }
        while (value > max);

        return (int)value;
    }

    private void Regenerate()
    {
        // The reference's three loops: no index wraps inside a loop, so no modulo.
        var state = _state;
        int k;
        for (k = 0; k < StateLength - Shift; k++)
        {
            state[k] = Mix(state[k + Shift], state[k], state[k + 1]);
        }

        for (; k < StateLength - 1; k++)
        {
            state[k] = Mix(state[k + Shift - StateLength], state[k], state[k + 1]);
        }

        state[StateLength - 1] = Mix(state[Shift - 1], state[StateLength - 1], state[0]);
        _position = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint shifted, uint current, uint next)
    {
        var y = (current & UpperMask) | (next & LowerMask);
        return shifted ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
    }
}
