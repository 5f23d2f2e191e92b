using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>The checks shared by the sparse types, with messages that name the bad value and the limit.</summary>
internal static class SparseGuards
{
    /// <summary>Throws when <paramref name="index"/> is outside <c>[0, count)</c>, e.g. "row must be in [0, 3).".</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckIndex(int index, int count, string paramName)
    {
        if ((uint)index >= (uint)count)
        {
            ThrowIndexOutOfRange(index, count, paramName);
        }
    }

    /// <summary>Throws when the spans of a triplet list (row, column and value spans) differ in length.</summary>
    public static void CheckTripletLengths(int rows, int columns, int values)
    {
        if (columns != rows)
        {
            ThrowHelper.ThrowArgument(nameof(columns), $"The index spans differ in length: {rows} and {columns}.");
        }

        if (values != rows)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"values has {values} entries but the index spans have {rows}.");
        }
    }

    /// <summary>
    /// The most rows or columns a matrix can have: one less than <see cref="Array.MaxLength"/>, since the row
    /// pointers of the matrix (and those of its transpose) are one array of one more entry than there are rows.
    /// </summary>
    public const int MaxDimension = 2_147_483_590;

    /// <summary>Throws when a row or column count is negative or above <see cref="MaxDimension"/>, naming it and the limit.</summary>
    public static void CheckDimension(int count, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count, paramName);
        if (count > MaxDimension)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                paramName,
                count,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{paramName} is {count}; a sparse matrix has at most {MaxDimension:N0} rows and columns (one less than the length limit of a .NET array, which holds the pointers of its rows, one more than there are rows, and those of its transpose)."));
        }
    }

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
    /// Throws an <see cref="InvalidOperationException"/> naming the shape when a dense <paramref name="rowCount"/> x
    /// <paramref name="columnCount"/> array would have more cells than one .NET array holds.
    /// </summary>
    public static void CheckDenseShape(int rowCount, int columnCount)
    {
        var cells = (long)rowCount * columnCount;
        if (cells > Array.MaxLength)
        {
            ThrowHelper.ThrowInvalidOperation(string.Create(
                CultureInfo.InvariantCulture,
                $"A dense {rowCount} x {columnCount} array would have {cells:N0} cells; one .NET array holds at most {Array.MaxLength:N0}. Read the matrix row by row instead."));
        }
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

    [DoesNotReturn]
    private static void ThrowIndexOutOfRange(int index, int count, string paramName) =>
        ThrowHelper.ThrowArgumentOutOfRange(paramName, index, $"{paramName} must be in [0, {count}).");
}
