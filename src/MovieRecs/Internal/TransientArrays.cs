namespace MovieRecs.Internal;

/// <summary>
/// Large arrays that an operation needs only while it runs (a fit's transposed confidences), kept weakly between runs:
/// an operation that rents an array of exactly a length another one returned gets that array back, already in memory,
/// instead of a new one whose pages the operating system must first fault in. The garbage collector takes the kept
/// arrays back whenever it collects the generation they live in, so nothing is held for long.
/// </summary>
/// <remarks>
/// A rented array's contents are whatever its last user left: the renter must overwrite every element it reads. A
/// returned array must no longer be referenced by anything. Thread-safe.
/// </remarks>
internal static class TransientArrays
{
    private static readonly WeakArrayPool Shared = new(8);

    /// <summary>A kept array of exactly <paramref name="length"/> elements, or a new uninitialized one.</summary>
    public static T[] Rent<T>(int length) => Shared.Rent<T>(length);

    /// <summary>Keeps <paramref name="array"/> weakly for a later <see cref="Rent{T}"/>.</summary>
    public static void Return(Array array) => Shared.Return(array);
}

/// <summary>The pool behind <see cref="TransientArrays"/>: at most a given number of arrays, held weakly.</summary>
internal sealed class WeakArrayPool(int slots)
{
    private readonly Lock _gate = new();
    private readonly List<WeakReference<Array>> _kept = [];

    /// <summary>A kept array of exactly <paramref name="length"/> elements (the newest such), or a new uninitialized one.</summary>
    public T[] Rent<T>(int length)
    {
        lock (_gate)
        {
            for (var i = _kept.Count - 1; i >= 0; i--)
            {
                if (!_kept[i].TryGetTarget(out var target))
                {
                    _kept.RemoveAt(i);
                }
                else if (target is T[] array && array.Length == length)
                {
                    _kept.RemoveAt(i);
                    return array;
                }
            }
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="array"/> weakly; when all slots are taken, the oldest kept array is dropped.</summary>
    public void Return(Array array)
    {
        lock (_gate)
        {
            if (_kept.Count == slots)
            {
                _kept.RemoveAt(0);
            }

            _kept.Add(new WeakReference<Array>(array));
        }
    }
}
