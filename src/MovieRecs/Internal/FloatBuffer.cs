using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MovieRecs.Internal;

/// <summary>
/// A run of floats inside an array: the array, the index of the first element and the length. Kernels that read
/// rows with vector loads want them on cache-line boundaries (a 32-byte load that straddles two lines costs two);
/// <see cref="AllocateAligned"/> gives a buffer whose first element is 64-byte aligned, taken from the pinned object
/// heap, whose objects the GC never moves, so the alignment holds for the buffer's life.
/// </summary>
internal readonly struct FloatBuffer
{
    /// <summary>The alignment <see cref="AllocateAligned"/> guarantees, in bytes.</summary>
    public const int AlignmentBytes = 64;

    private readonly float[] _array;
    private readonly int _offset;

    /// <summary>Wraps <paramref name="length"/> floats of <paramref name="array"/> from <paramref name="offset"/>.</summary>
    public FloatBuffer(float[] array, int offset, int length)
    {
        _array = array;
        _offset = offset;
        Length = length;
    }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The floats.</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    /// <summary>The first float (the buffer must not be empty).</summary>
    public ref float First => ref _array[_offset];

    /// <summary>A whole array, aligned or not.</summary>
    public static implicit operator FloatBuffer(float[] array) => new(array, 0, array.Length);

    /// <summary>A zeroed buffer of <paramref name="length"/> floats whose first element is 64-byte aligned.</summary>
    public static FloatBuffer AllocateAligned(long length)
    {
        const int extra = AlignmentBytes / sizeof(float);
        var count = checked((int)length);
        var array = GC.AllocateArray<float>(checked(count + extra), pinned: true);
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var misalignment = (int)(handle.AddrOfPinnedObject() % AlignmentBytes);
            return new FloatBuffer(array, ((AlignmentBytes - misalignment) % AlignmentBytes) / sizeof(float), count);
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The array itself when the buffer is all of it (no alignment offset, no tail); otherwise null.</summary>
    public float[]? WholeArray => _offset == 0 && Length == _array.Length ? _array : null;

    /// <summary>A new array holding exactly the buffer's floats.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float[] ToArray() => Span.ToArray();
}
