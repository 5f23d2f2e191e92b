using System.Diagnostics.CodeAnalysis;

namespace MovieRecs.Persistence;

/// <summary>
/// The element types an <see cref="NpyArray"/> can hold: the numpy dtypes of kind bool, signed and unsigned
/// integer, IEEE float and fixed-width Unicode string. Each maps to one .NET element type.
/// </summary>
/// <remarks>Byte order is not part of the type: arrays are held in the machine's byte order, and big-endian
/// files (<c>&gt;f4</c>, <c>&gt;f8</c>, ...) are byte-swapped while they are read.</remarks>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Members are named after the numpy dtypes they stand for.")]
internal enum NpyDataType
{
    /// <summary>numpy <c>bool</c> (<c>|b1</c>), held as <see cref="bool"/>.</summary>
    Bool = 1,

    /// <summary>numpy <c>int8</c> (<c>|i1</c>), held as <see cref="sbyte"/>.</summary>
    Int8,

    /// <summary>numpy <c>uint8</c> (<c>|u1</c>), held as <see cref="byte"/>.</summary>
    UInt8,

    /// <summary>numpy <c>int16</c> (<c>&lt;i2</c>), held as <see cref="short"/>.</summary>
    Int16,

    /// <summary>numpy <c>uint16</c> (<c>&lt;u2</c>), held as <see cref="ushort"/>.</summary>
    UInt16,

    /// <summary>numpy <c>int32</c> (<c>&lt;i4</c>), held as <see cref="int"/>.</summary>
    Int32,

    /// <summary>numpy <c>uint32</c> (<c>&lt;u4</c>), held as <see cref="uint"/>.</summary>
    UInt32,

    /// <summary>numpy <c>int64</c> (<c>&lt;i8</c>), held as <see cref="long"/>.</summary>
    Int64,

    /// <summary>numpy <c>uint64</c> (<c>&lt;u8</c>), held as <see cref="ulong"/>.</summary>
    UInt64,

    /// <summary>numpy <c>float16</c> (<c>&lt;f2</c>), held as <see cref="Half"/>.</summary>
    Float16,

    /// <summary>numpy <c>float32</c> (<c>&lt;f4</c>), held as <see cref="float"/>.</summary>
    Float32,

    /// <summary>numpy <c>float64</c> (<c>&lt;f8</c>), held as <see cref="double"/>.</summary>
    Float64,

    /// <summary>numpy fixed-width Unicode string (<c>&lt;U<i>n</i></c>, UTF-32 code points), held as <see cref="string"/>.</summary>
    Unicode,
}
