using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>
/// An immutable numpy array of rank 0 (scalar), 1 (vector) or 2 (matrix), as read from or written to a
/// <c>.npy</c> file: its element type, its shape and its elements in row-major (C) order. A float32 matrix of
/// <c>r</c> rows and <c>c</c> columns is a <see cref="float"/> span of <c>r * c</c> elements, row after row.
/// </summary>
/// <remarks>
/// <para>Elements are held in a .NET array of the type's natural element type (<see cref="float"/> for
/// <see cref="NpyDataType.Float32"/>, <see cref="long"/> for <see cref="NpyDataType.Int64"/>, <see cref="string"/>
/// for <see cref="NpyDataType.Unicode"/>...), always in this machine's byte order and in row-major order,
/// whatever the file used. Access them without copying through <see cref="AsSpan{T}"/>, or convert them with
/// <see cref="ToSingleArray"/>, <see cref="ToDoubleArray"/>, <see cref="ToInt32Array"/> and
/// <see cref="ToInt64Array"/>.</para>
/// <para>Instances are immutable and safe to share across threads. The factory methods copy their input.</para>
/// </remarks>
internal sealed partial class NpyArray
{
    private readonly Array _data;
    private readonly int[] _shape;

    internal NpyArray(Array data, NpyDataType dataType, int[] shape, int stringLength)
    {
        _data = data;
        _shape = shape;
        DataType = dataType;
        StringLength = stringLength;
    }

    /// <summary>The element type.</summary>
    public NpyDataType DataType { get; }

    /// <summary>The number of dimensions: 0 for a scalar, 1 for a vector, 2 for a matrix.</summary>
    public int Rank => _shape.Length;

    /// <summary>The size of each dimension (empty for a scalar; <c>(rows, columns)</c> for a matrix).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of elements: the product of <see cref="Shape"/>, 1 for a scalar.</summary>
    public int Length => _data.Length;

    /// <summary>Whether this is a rank-0 array (numpy shape <c>()</c>).</summary>
    public bool IsScalar => _shape.Length == 0;

    /// <summary>The element array itself, for zero-copy hand-over inside the library. Never exposed.</summary>
    internal Array Data => _data;

    /// <summary>Characters per element of a <see cref="NpyDataType.Unicode"/> array (the <c>n</c> of <c>&lt;Un</c>); 0 otherwise.</summary>
    internal int StringLength { get; }

    /// <summary>The elements in row-major order, without copying.</summary>
    /// <typeparam name="T">The element type that holds <see cref="DataType"/>: <see cref="bool"/>, <see cref="sbyte"/>,
    /// <see cref="byte"/>, <see cref="short"/>, <see cref="ushort"/>, <see cref="int"/>, <see cref="uint"/>,
    /// <see cref="long"/>, <see cref="ulong"/>, <see cref="Half"/>, <see cref="float"/>, <see cref="double"/> or
    /// <see cref="string"/>.</typeparam>
    /// <returns>A read-only view of the elements.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type of <see cref="DataType"/>.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    public ReadOnlySpan<T> AsSpan<T>()
    {
        if (typeof(T) != NpyElementFormat.ClrType(DataType))
        {
            ThrowWrongType(typeof(T));
        }

        return (T[])_data;
    }

    /// <summary>The elements converted to float32, in row-major order (a new array).</summary>
    /// <returns>The converted elements.</returns>
    /// <exception cref="InvalidOperationException">The array holds strings.</exception>
    /// <remarks>O(n), allocates the result. float64 values round to the nearest float32; bools become 0 or 1.</remarks>
    public float[] ToSingleArray() => Convert<float>();

    /// <summary>The elements converted to float64, in row-major order (a new array).</summary>
    /// <returns>The converted elements.</returns>
    /// <exception cref="InvalidOperationException">The array holds strings.</exception>
    /// <remarks>O(n), allocates the result. The conversion is exact for every type except 64-bit integers beyond 2^53.</remarks>
    public double[] ToDoubleArray() => Convert<double>();

    /// <summary>The elements as 32-bit integers, in row-major order (a new array).</summary>
    /// <returns>The elements.</returns>
    /// <exception cref="InvalidOperationException">The array holds floats or strings.</exception>
    /// <exception cref="OverflowException">An element does not fit in an <see cref="int"/> (the message names its position and value).</exception>
    /// <remarks>O(n), allocates the result. Bools become 0 or 1.</remarks>
    public int[] ToInt32Array()
    {
        var wide = ToInt64Array();
        var result = new int[wide.Length];
        for (var i = 0; i < wide.Length; i++)
        {
            if (wide[i] is < int.MinValue or > int.MaxValue)
            {
                ThrowOverflow(i, wide[i].ToString(CultureInfo.InvariantCulture), "int32");
            }

            result[i] = (int)wide[i];
        }

        return result;
    }

    /// <summary>The elements as 64-bit integers, in row-major order (a new array).</summary>
    /// <returns>The elements.</returns>
    /// <exception cref="InvalidOperationException">The array holds floats or strings.</exception>
    /// <exception cref="OverflowException">A uint64 element exceeds <see cref="long.MaxValue"/> (the message names its position and value).</exception>
    /// <remarks>O(n), allocates the result. Bools become 0 or 1.</remarks>
    public long[] ToInt64Array()
    {
        var result = new long[_data.Length];
        switch (DataType)
        {
            case NpyDataType.Bool:
                TensorPrimitives.ConvertTruncating<byte, long>(MemoryMarshal.AsBytes(AsSpan<bool>()), result);
                break;
            case NpyDataType.Int8:
                TensorPrimitives.ConvertTruncating<sbyte, long>(AsSpan<sbyte>(), result);
                break;
            case NpyDataType.UInt8:
                TensorPrimitives.ConvertTruncating<byte, long>(AsSpan<byte>(), result);
                break;
            case NpyDataType.Int16:
                TensorPrimitives.ConvertTruncating<short, long>(AsSpan<short>(), result);
                break;
            case NpyDataType.UInt16:
                TensorPrimitives.ConvertTruncating<ushort, long>(AsSpan<ushort>(), result);
                break;
            case NpyDataType.Int32:
                TensorPrimitives.ConvertTruncating<int, long>(AsSpan<int>(), result);
                break;
            case NpyDataType.UInt32:
                TensorPrimitives.ConvertTruncating<uint, long>(AsSpan<uint>(), result);
                break;
            case NpyDataType.Int64:
                AsSpan<long>().CopyTo(result);
                break;
            case NpyDataType.UInt64:
                var unsigned = AsSpan<ulong>();
                for (var i = 0; i < unsigned.Length; i++)
                {
                    if (unsigned[i] > long.MaxValue)
                    {
                        ThrowOverflow(i, unsigned[i].ToString(CultureInfo.InvariantCulture), "int64");
                    }

                    result[i] = (long)unsigned[i];
                }

                break;
            default:
                throw new InvalidOperationException($"This array holds {DataType} elements, which are not integers.");
        }

        return result;
    }

    /// <summary>The single element of a scalar (or one-element array) as a float64, like numpy's <c>float(a.item())</c>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The array does not hold exactly one element, or holds a string.</exception>
    public double GetDouble()
    {
        CheckSingle();
        return Convert<double>()[0];
    }

    /// <summary>The single element of a scalar (or one-element array) of an integer or bool type, as a 64-bit integer.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The array does not hold exactly one element, or holds floats or strings.</exception>
    /// <exception cref="OverflowException">A uint64 value exceeds <see cref="long.MaxValue"/>.</exception>
    public long GetInt64()
    {
        CheckSingle();
        return ToInt64Array()[0];
    }

    /// <summary>The single element of a bool scalar (or one-element bool array).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The array does not hold exactly one element, or is not of type <see cref="NpyDataType.Bool"/>.</exception>
    public bool GetBoolean()
    {
        CheckSingle();
        return AsSpan<bool>()[0];
    }

    /// <summary>The single element of a string scalar (or one-element string array).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The array does not hold exactly one element, or is not of type <see cref="NpyDataType.Unicode"/>.</exception>
    public string GetString()
    {
        CheckSingle();
        return AsSpan<string>()[0];
    }

    /// <summary>Whether <paramref name="other"/> has the same type, shape and elements (floats compared bit for bit, so NaN equals NaN).</summary>
    /// <param name="other">The other array.</param>
    /// <returns>True when both hold the same content.</returns>
    /// <remarks>O(n), no allocation.</remarks>
    public bool ContentEquals(NpyArray? other)
    {
        if (other is null || other.DataType != DataType || !Shape.SequenceEqual(other.Shape))
        {
            return false;
        }

        if (DataType == NpyDataType.Unicode)
        {
            return AsSpan<string>().SequenceEqual(other.AsSpan<string>());
        }

        return RawBytes().SequenceEqual(other.RawBytes());
    }

    /// <summary>A short description: type and shape, e.g. <c>Float32 (3, 4)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{DataType} {NpyHeader.FormatShape(_shape)}";

    /// <summary>The bytes of a non-string array, in this machine's byte order.</summary>
    internal ReadOnlySpan<byte> RawBytes() => DataType switch
    {
        NpyDataType.Bool => MemoryMarshal.AsBytes(AsSpan<bool>()),
        NpyDataType.Int8 => MemoryMarshal.AsBytes(AsSpan<sbyte>()),
        NpyDataType.UInt8 => AsSpan<byte>(),
        NpyDataType.Int16 => MemoryMarshal.AsBytes(AsSpan<short>()),
        NpyDataType.UInt16 => MemoryMarshal.AsBytes(AsSpan<ushort>()),
        NpyDataType.Int32 => MemoryMarshal.AsBytes(AsSpan<int>()),
        NpyDataType.UInt32 => MemoryMarshal.AsBytes(AsSpan<uint>()),
        NpyDataType.Int64 => MemoryMarshal.AsBytes(AsSpan<long>()),
        NpyDataType.UInt64 => MemoryMarshal.AsBytes(AsSpan<ulong>()),
        NpyDataType.Float16 => MemoryMarshal.AsBytes(AsSpan<Half>()),
        NpyDataType.Float32 => MemoryMarshal.AsBytes(AsSpan<float>()),
        NpyDataType.Float64 => MemoryMarshal.AsBytes(AsSpan<double>()),
        _ => throw new InvalidOperationException("String arrays have no raw bytes."),
    };

    private TTo[] Convert<TTo>()
        where TTo : unmanaged, INumberBase<TTo>
    {
        var result = new TTo[_data.Length];
        switch (DataType)
        {
            case NpyDataType.Bool:
                TensorPrimitives.ConvertTruncating<byte, TTo>(MemoryMarshal.AsBytes(AsSpan<bool>()), result);
                break;
            case NpyDataType.Int8:
                TensorPrimitives.ConvertTruncating<sbyte, TTo>(AsSpan<sbyte>(), result);
                break;
            case NpyDataType.UInt8:
                TensorPrimitives.ConvertTruncating<byte, TTo>(AsSpan<byte>(), result);
                break;
            case NpyDataType.Int16:
                TensorPrimitives.ConvertTruncating<short, TTo>(AsSpan<short>(), result);
                break;
            case NpyDataType.UInt16:
                TensorPrimitives.ConvertTruncating<ushort, TTo>(AsSpan<ushort>(), result);
                break;
            case NpyDataType.Int32:
                TensorPrimitives.ConvertTruncating<int, TTo>(AsSpan<int>(), result);
                break;
            case NpyDataType.UInt32:
                TensorPrimitives.ConvertTruncating<uint, TTo>(AsSpan<uint>(), result);
                break;
            case NpyDataType.Int64:
                TensorPrimitives.ConvertTruncating<long, TTo>(AsSpan<long>(), result);
                break;
            case NpyDataType.UInt64:
                TensorPrimitives.ConvertTruncating<ulong, TTo>(AsSpan<ulong>(), result);
                break;
            case NpyDataType.Float16:
                TensorPrimitives.ConvertTruncating<Half, TTo>(AsSpan<Half>(), result);
                break;
            case NpyDataType.Float32:
                TensorPrimitives.ConvertTruncating<float, TTo>(AsSpan<float>(), result);
                break;
            case NpyDataType.Float64:
                TensorPrimitives.ConvertTruncating<double, TTo>(AsSpan<double>(), result);
                break;
            default:
                throw new InvalidOperationException("This array holds strings, which are not numbers.");
        }

        return result;
    }

    private void CheckSingle()
    {
        if (_data.Length != 1)
        {
            throw new InvalidOperationException($"This array has shape {NpyHeader.FormatShape(_shape)} and {_data.Length} elements; a scalar has exactly one.");
        }
    }

    [DoesNotReturn]
    private void ThrowWrongType(Type requested) =>
        throw new InvalidOperationException(
            $"This array holds {DataType} elements ({NpyElementFormat.ClrType(DataType).Name}), not {requested.Name}.");

    [DoesNotReturn]
    private static void ThrowOverflow(int index, string value, string target) =>
        throw new OverflowException($"Element {index} = {value} does not fit in {target}.");

    /// <summary>Counts the code points of a string element; <paramref name="problem"/> says why it cannot be stored, if it cannot.</summary>
    private static int CountCodePoints(string value, out string? problem)
    {
        problem = null;
        var count = 0;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                problem = "holds an unpaired surrogate and cannot be stored as UTF-32";
                return count;
            }

            rest = rest[used..];
            count++;
        }

        if (value.Length > 0 && value[^1] == '\0')
        {
            problem = "ends with a NUL character, which numpy strips on reading";
        }

        return count;
    }
}
