using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MovieRecs.Persistence;

internal sealed partial class NpyArray
{
    /// <summary>Creates a vector (rank 1) holding a copy of <paramref name="values"/>.</summary>
    /// <typeparam name="T">The element type: one of those listed at <see cref="AsSpan{T}"/>.</typeparam>
    /// <param name="values">The elements.</param>
    /// <returns>The array, of shape <c>(values.Length,)</c>.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not a supported element type, or a string element is null, holds an unpaired surrogate or ends with NUL.</exception>
    /// <remarks>O(n); allocates one copy.</remarks>
    public static NpyArray Create<T>(ReadOnlySpan<T> values) => Create(values, [values.Length]);

    /// <summary>Creates a matrix (rank 2) from row-major elements, copying them.</summary>
    /// <typeparam name="T">The element type: one of those listed at <see cref="AsSpan{T}"/>.</typeparam>
    /// <param name="values">The elements, row after row: <paramref name="rows"/> times <paramref name="columns"/> of them.</param>
    /// <param name="rows">The number of rows (at least 0).</param>
    /// <param name="columns">The number of columns (at least 0).</param>
    /// <returns>The array, of shape <c>(rows, columns)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="columns"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold <c>rows * columns</c> elements, or as for <see cref="Create{T}(ReadOnlySpan{T})"/>.</exception>
    /// <remarks>O(n); allocates one copy.</remarks>
    public static NpyArray Create<T>(ReadOnlySpan<T> values, int rows, int columns) => Create(values, [rows, columns]);

    /// <summary>Creates an array of any supported rank (0, 1 or 2) from row-major elements, copying them.</summary>
    /// <typeparam name="T">The element type: one of those listed at <see cref="AsSpan{T}"/>.</typeparam>
    /// <param name="values">The elements in row-major order; their count must be the product of <paramref name="shape"/> (1 for a scalar).</param>
    /// <param name="shape">The dimensions: empty for a scalar, one for a vector, two for a matrix.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or <paramref name="shape"/> has more than two dimensions.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not match <paramref name="shape"/>, or as for <see cref="Create{T}(ReadOnlySpan{T})"/>.</exception>
    /// <remarks>O(n); allocates one copy.</remarks>
    public static NpyArray Create<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> shape)
    {
        var type = NpyElementFormat.FromClrType<T>()
            ?? throw new ArgumentException($"Element type {typeof(T).Name} is not supported; use bool, sbyte, byte, short, ushort, int, uint, long, ulong, Half, float, double or string.", nameof(T));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shape.Length, 2, nameof(shape) + ".Length");
        long count = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count *= dimension;
        }

        if (count != values.Length)
        {
            throw new ArgumentException(
                $"Shape {NpyHeader.FormatShape(shape)} needs {count} elements but {values.Length} were given.",
                nameof(values));
        }

        var data = values.ToArray();
        var stringLength = 0;
        if (data is string[] strings)
        {
            stringLength = 1; // numpy's narrowest string dtype is <U1, also for empty strings
            for (var i = 0; i < strings.Length; i++)
            {
                if (strings[i] is null)
                {
                    throw new ArgumentException($"String element {i} is null.", nameof(values));
                }

                stringLength = Math.Max(stringLength, CountCodePoints(strings[i], out var problem));
                if (problem is not null)
                {
                    throw new ArgumentException($"String element {i} {problem}.", nameof(values));
                }
            }
        }
        else if (data is bool[] flags)
        {
            // A bool made through reinterpretation may hold any byte; keep every element 0 or 1.
            var bytes = MemoryMarshal.AsBytes(flags.AsSpan());
            TensorPrimitives.Min(bytes, (byte)1, bytes);
        }

        return new NpyArray(data, type, shape.ToArray(), stringLength);
    }

    /// <summary>Creates a scalar (rank 0, numpy shape <c>()</c>), as numpy stores a Python <c>int</c>, <c>float</c>, <c>bool</c> or <c>str</c>.</summary>
    /// <typeparam name="T">The element type: one of those listed at <see cref="AsSpan{T}"/>. A Python int is <see cref="long"/>, a float <see cref="double"/>.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The scalar array.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Create{T}(ReadOnlySpan{T})"/>.</exception>
    public static NpyArray Scalar<T>(T value) => Create(new ReadOnlySpan<T>(ref value), []);

    /// <summary>Wraps an array the library owns, without copying.</summary>
    internal static NpyArray Wrap<T>(T[] data, params int[] shape)
        where T : unmanaged
    {
        var type = NpyElementFormat.FromClrType<T>() ?? throw new ArgumentException("Unsupported element type.", nameof(data));
        return new NpyArray(data, type, shape, 0);
    }
}
