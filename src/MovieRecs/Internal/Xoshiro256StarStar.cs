using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MovieRecs.Internal;

/// <summary>
/// xoshiro256** (Blackman and Vigna 2018): the library's own seeded generator. Unlike
/// <see cref="System.Random"/> its sequence is specified, so a seed gives the same stream on every
/// machine, operating system and .NET version.
/// </summary>
/// <remarks>
/// A mutable struct: pass it by <see langword="ref"/>. Not thread-safe. Every derived value
/// (<see cref="NextDouble"/>, <see cref="NextInt(int)"/>, <see cref="NextGaussian"/>) uses only integer
/// operations, IEEE-exact floating-point operations (+, −, ×, ÷, √) and <see cref="PortableMath"/>,
/// never the platform's <see cref="Math.Log(double)"/>, so it is bit-identical everywhere.
/// </remarks>
internal struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpareGaussian;

    /// <summary>Seeds the four state words from <paramref name="seed"/> through <see cref="SplitMix64"/>.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        var mix = new SplitMix64(seed);
        _s0 = mix.Next();
        _s1 = mix.Next();
        _s2 = mix.Next();
        _s3 = mix.Next();
        _spareGaussian = 0;
        _hasSpareGaussian = false;
    }

    /// <summary>Sets the raw state (not all zero); used to check the published reference outputs.</summary>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            ThrowHelper.ThrowArgument(nameof(s0), "The xoshiro256** state must not be all zero.");
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        _spareGaussian = 0;
        _hasSpareGaussian = false;
    }

    /// <summary>Derives the seed of an independent stream number <paramref name="stream"/> from a master seed.</summary>
    public static ulong DeriveSeed(ulong seed, ulong stream) =>
        SplitMix64.Mix(SplitMix64.Mix(seed) ^ (stream * 0xD1B54A32D192ED03UL + 0x8CB92BA72F3D8DD7UL));

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in (0, 1]: never zero, so its logarithm is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire 2019).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound)
    {
        Debug.Assert(bound > 0);
        var range = (ulong)bound;
        var high = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return (int)high;
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long NextLong(long min, long max)
    {
        Debug.Assert(max >= min);
        var range = (ulong)(max - min) + 1;
        if (range == 0)
        {
            return (long)NextUInt64();
        }

        var high = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return min + (long)high;
    }

    /// <summary>A standard normal variate (Marsaglia's polar method with <see cref="PortableMath.Log"/>).</summary>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * PortableMath.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpareGaussian = true;
        return u * factor;
    }
}
