using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// Small building blocks for shrinkers: numbers that step toward a target, bounded numbers and choices that shrink
/// toward their simplest value, and arrays that shrink by losing elements. Every candidate is strictly simpler than
/// the value it came from, so a shrink always ends.
/// </summary>
public static class Shrinkable
{
    /// <summary>
    /// The target itself, then values ever nearer <paramref name="value"/>: the point halfway there, three quarters of
    /// the way, and so on to one step nearer. The first failing one is taken, so a shrink takes big steps while it
    /// can and needs only about log² of the distance in tries.
    /// </summary>
    public static IEnumerable<int> Toward(int value, int target)
    {
        foreach (var candidate in Toward((long)value, target))
        {
            yield return (int)candidate;
        }
    }

    /// <inheritdoc cref="Toward(int, int)"/>
    public static IEnumerable<long> Toward(long value, long target)
    {
        if (value == target)
        {
            yield break;
        }

        yield return target;

        // The distance between two longs fits an Int128; each candidate is value minus a half, a quarter, ... of it.
        var distance = (Int128)value - target;
        for (var remaining = distance / 2; remaining != 0; remaining /= 2)
        {
            yield return (long)(value - remaining);
        }
    }

    /// <summary>Integers from <paramref name="low"/> to <paramref name="high"/> (both included), shrinking toward <paramref name="low"/>.</summary>
    public static Arbitrary<int> Between(int low, int high) => Arb.From(Gen.Choose(low, high), v => Toward(v, low));

    /// <summary>One of <paramref name="choices"/>, shrinking toward the earlier ones.</summary>
    public static Arbitrary<T> Element<T>(params T[] choices) =>
        Arb.From(Gen.Elements(choices), v => Toward(Array.IndexOf(choices, v), 0).Select(i => choices[i]));

    /// <summary>The elements of <paramref name="choices"/> before <paramref name="value"/>, as <see cref="Element{T}"/> shrinks.</summary>
    public static IEnumerable<T> TowardFirst<T>(T value, T[] choices) => Toward(Array.IndexOf(choices, value), 0).Select(i => choices[i]);

    /// <summary>
    /// Shorter arrays first: no more than <paramref name="minLength"/> elements, either half, then runs of 2^j
    /// elements removed (largest runs first, at multiples of their length, down to single elements); then one element
    /// shrunk by <paramref name="shrinkElement"/>. Removing a run of 8 or 16 keeps the rest where it was relative to
    /// the vector blocks of a SIMD loop, so a failure in a kernel's scalar tail still shrinks.
    /// </summary>
    public static IEnumerable<T[]> ShrinkArray<T>(T[] array, Func<T, IEnumerable<T>> shrinkElement, int minLength = 0)
    {
        if (array.Length > minLength)
        {
            yield return array[..minLength];
            var half = array.Length / 2;
            if (array.Length > 2 && half >= minLength)
            {
                yield return array[..half];
                yield return array[half..];
            }

            for (var run = (int)BitOperations.RoundUpToPowerOf2((uint)array.Length) / 2; run >= 1; run /= 2)
            {
                for (var start = 0; start + run <= array.Length && array.Length - run >= minLength && array.Length > 1; start += run)
                {
                    yield return [.. array[..start], .. array[(start + run)..]];
                }
            }
        }

        for (var i = 0; i < array.Length; i++)
        {
            foreach (var element in shrinkElement(array[i]))
            {
                var copy = (T[])array.Clone();
                copy[i] = element;
                yield return copy;
            }
        }
    }

    /// <summary>Arrays of <paramref name="minLength"/> to <paramref name="maxLength"/> elements of <paramref name="element"/>.</summary>
    public static Gen<T[]> ArrayOf<T>(Gen<T> element, int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from array in Gen.ArrayOf(element, length)
        select array;

    /// <summary>Longs from <paramref name="low"/> to <paramref name="high"/> (a range of up to 2^62), from two ints.</summary>
    public static Gen<long> LongBetween(long low, long high) =>
        from high32 in Gen.Choose(0, int.MaxValue)
        from low32 in Gen.Choose(0, int.MaxValue)
        select low + (long)((((ulong)high32 << 31) | (uint)low32) % (ulong)(high - low + 1));

    /// <summary>Any 64-bit pattern, from two ints.</summary>
    public static Gen<long> AnyLong { get; } =
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select ((long)high << 32) | (uint)low;

    /// <summary>Bytes 0 to 255, shrinking toward 0.</summary>
    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>A byte one or more steps nearer 0.</summary>
    public static IEnumerable<byte> Toward0(byte value) => Toward(value, 0).Select(b => (byte)b);
}
