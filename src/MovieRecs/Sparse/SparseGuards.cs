using System.Globalization;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

internal static class SparseGuards
{
    public static void CheckFinite(float value, string paramName)
    {
        if (!float.IsFinite(value))
        {
            ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be finite.");
        }
    }

    /// <summary>
    /// <paramref name="count"/> as an array length, or an <see cref="InvalidOperationException"/> naming it and the
    /// limit when one array cannot hold that many entries (<see cref="Array.MaxLength"/>, 2,147,483,591).
    /// </summary>
    /// <param name="count">The number of entries (non-zeros, triplets or ratings) that must fit.</param>
    /// <param name="what">What is counted, for the message (e.g. "non-zeros").</param>
    public static int CheckEntryCount(long count, string what)
    {
        if ((ulong)count > (ulong)Array.MaxLength)
        {
            var counts = string.Create(CultureInfo.InvariantCulture, $"{count:N0} {what}, but one sparse matrix holds at most {Array.MaxLength:N0}");
            ThrowHelper.ThrowInvalidOperation(
                $"{counts} (the length limit of a .NET array). Partition the data into several matrices (for example by user), "
                + "or train at this scale with a distributed implicit ALS such as Spark MLlib's.");
        }

        return (int)count;
    }

    /// <summary>
    /// The capacity to grow an array of <paramref name="capacity"/> entries to when <paramref name="needed"/> must fit:
    /// half as much again (at least 16 more), at most <see cref="Array.MaxLength"/>; beyond that, the exception of
    /// <see cref="CheckEntryCount"/>.
    /// </summary>
    public static int GrowCapacity(int capacity, long needed, string what)
    {
        CheckEntryCount(needed, what);
        return (int)Math.Min(Array.MaxLength, Math.Max(needed, capacity + Math.Max(capacity / 2L, 16)));
    }
}
