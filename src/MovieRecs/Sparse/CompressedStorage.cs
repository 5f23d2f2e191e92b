using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// The storage shared by <see cref="CsrMatrix"/> (major = row) and <see cref="CscMatrix"/> (major = column):
/// 64-bit pointers per major line, and the minor indices and values of all lines, in one or more segments.
/// </summary>
/// <remarks>
/// Pointers are global 64-bit positions, so more than 2^31 non-zeros can be stored. A .NET array holds at most
/// <see cref="Array.MaxLength"/> elements, so entries live in segments, each holding whole major lines: line
/// <c>m</c> of segment <c>s</c> occupies <c>[Pointers[m] - SegmentBase[s], Pointers[m+1] - SegmentBase[s])</c> of
/// that segment's arrays. With a single segment (every matrix below two billion entries) the base is zero.
/// Immutable once built.
/// </remarks>
internal sealed class CompressedStorage
{
    private readonly long[] _pointers;
    private readonly int[][] _indexSegments;
    private readonly float[][] _valueSegments;
    private readonly int[] _segmentFirstMajor;
    private readonly long[] _segmentBase;

    private CompressedStorage(int majorCount, int minorCount, long[] pointers, int[][] indexSegments, float[][] valueSegments, int[] segmentFirstMajor, long[] segmentBase, int segmentCapacity)
    {
        Debug.Assert(pointers.Length == majorCount + 1);
        MajorCount = majorCount;
        MinorCount = minorCount;
        _pointers = pointers;
        _indexSegments = indexSegments;
        _valueSegments = valueSegments;
        _segmentFirstMajor = segmentFirstMajor;
        _segmentBase = segmentBase;
        SegmentCapacity = segmentCapacity;
    }

    public int MajorCount { get; }

    public int MinorCount { get; }

    public int SegmentCapacity { get; }

    public int SegmentCount => _indexSegments.Length;

    public long NonZeroCount => _pointers[MajorCount];

    public ReadOnlySpan<long> Pointers => _pointers;

    /// <summary>
    /// The backing arrays themselves, when all entries live in one segment whose arrays hold exactly the entries
    /// (every matrix below two billion entries): a caller that only reads can share them instead of copying.
    /// </summary>
    /// <returns><see langword="false"/> when the storage has several segments.</returns>
    public bool TryGetContiguousArrays(out long[] pointers, out int[] indices, out float[] values)
    {
        pointers = _pointers;
        if (_indexSegments.Length == 1 && _indexSegments[0].Length == NonZeroCount && _valueSegments[0].Length == NonZeroCount)
        {
            indices = _indexSegments[0];
            values = _valueSegments[0];
            return true;
        }

        indices = [];
        values = [];
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Count(int major) => (int)(_pointers[major + 1] - _pointers[major]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> Indices(int major)
    {
        var segment = _indexSegments.Length == 1 ? 0 : FindSegment(major);
        var start = _pointers[major];
        return new ReadOnlySpan<int>(_indexSegments[segment], (int)(start - _segmentBase[segment]), (int)(_pointers[major + 1] - start));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Values(int major)
    {
        var segment = _valueSegments.Length == 1 ? 0 : FindSegment(major);
        var start = _pointers[major];
        return new ReadOnlySpan<float>(_valueSegments[segment], (int)(start - _segmentBase[segment]), (int)(_pointers[major + 1] - start));
    }

    /// <summary>The value at (major, minor), or zero when no entry is stored there.</summary>
    public float ValueAt(int major, int minor)
    {
        var indices = Indices(major);
        var at = indices.BinarySearch(minor);
        return at >= 0 ? Values(major)[at] : 0f;
    }

    private int FindSegment(int major)
    {
        // The last segment whose first major line is <= major.
        var lo = 0;
        var hi = _segmentFirstMajor.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_segmentFirstMajor[mid] <= major)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    // ------------------------------------------------------------------ construction

    /// <summary>
    /// Splits the lines into segments of at most <paramref name="capacity"/> entries each (raised to the longest
    /// line when that is longer; a line longer than one array can hold is an error).
    /// </summary>
    private static (int[] FirstMajor, long[] Base) PlanSegments(ReadOnlySpan<long> pointers, int capacity, string majorName)
    {
        var majorCount = pointers.Length - 1;
        var total = pointers[majorCount];
        if (total <= capacity)
        {
            return ([0], [0L]);
        }

        for (var m = 0; m < majorCount; m++)
        {
            var length = pointers[m + 1] - pointers[m];
            if (length > Array.MaxLength)
            {
                ThrowHelper.ThrowArgument(majorName, $"{majorName} {m} has {length} entries, more than one array can hold ({Array.MaxLength}).");
            }

            capacity = (int)Math.Max(capacity, length);
        }

        var first = new List<int> { 0 };
        var bases = new List<long> { 0L };
        var currentBase = 0L;
        for (var m = 0; m < majorCount; m++)
        {
            if (pointers[m + 1] - currentBase > capacity)
            {
                currentBase = pointers[m];
                first.Add(m);
                bases.Add(currentBase);
            }
        }

        return (first.ToArray(), bases.ToArray());
    }

    /// <summary>Allocates the segment arrays for the given (final or provisional) pointers.</summary>
    private static CompressedStorage Allocate(int majorCount, int minorCount, long[] pointers, int capacity, string majorName)
    {
        var (firstMajor, bases) = PlanSegments(pointers, capacity, majorName);
        var indexSegments = new int[firstMajor.Length][];
        var valueSegments = new float[firstMajor.Length][];
        for (var s = 0; s < firstMajor.Length; s++)
        {
            var end = s + 1 < firstMajor.Length ? bases[s + 1] : pointers[majorCount];
            var length = checked((int)(end - bases[s]));
            indexSegments[s] = GC.AllocateUninitializedArray<int>(length);
            valueSegments[s] = GC.AllocateUninitializedArray<float>(length);
        }

        return new CompressedStorage(majorCount, minorCount, pointers, indexSegments, valueSegments, firstMajor, bases, capacity);
    }

    private Span<int> WritableIndices(int major, long start, int length)
    {
        var segment = _indexSegments.Length == 1 ? 0 : FindSegment(major);
        return new Span<int>(_indexSegments[segment], (int)(start - _segmentBase[segment]), length);
    }

    private Span<float> WritableValues(int major, long start, int length)
    {
        var segment = _valueSegments.Length == 1 ? 0 : FindSegment(major);
        return new Span<float>(_valueSegments[segment], (int)(start - _segmentBase[segment]), length);
    }

    /// <summary>Validates raw compressed arrays and copies them into a new storage.</summary>
    public static CompressedStorage FromArrays(
        int majorCount, int minorCount, ReadOnlySpan<long> pointers, ReadOnlySpan<int> indices, ReadOnlySpan<float> values,
        string pointersName, string indicesName, string valuesName, string majorName, string minorName)
    {
        ValidateShape(majorCount, minorCount, majorName, minorName);
        if (pointers.Length != majorCount + 1)
        {
            ThrowHelper.ThrowArgument(pointersName, $"{pointersName} has {pointers.Length} entries; expected {majorName} count + 1 = {majorCount + 1}.");
        }

        if (pointers[0] != 0)
        {
            ThrowHelper.ThrowArgument(pointersName, $"{pointersName}[0] is {pointers[0]}; it must be 0.");
        }

        for (var m = 0; m < majorCount; m++)
        {
            if (pointers[m + 1] < pointers[m])
            {
                ThrowHelper.ThrowArgument(pointersName, $"{pointersName} decreases at {m + 1}: {pointers[m + 1]} < {pointers[m]}.");
            }
        }

        if (pointers[majorCount] != indices.Length)
        {
            ThrowHelper.ThrowArgument(indicesName, $"{indicesName} has {indices.Length} entries but {pointersName}[{majorCount}] is {pointers[majorCount]}.");
        }

        if (values.Length != indices.Length)
        {
            ThrowHelper.ThrowArgument(valuesName, $"{valuesName} has {values.Length} entries but {indicesName} has {indices.Length}.");
        }

        for (var m = 0; m < majorCount; m++)
        {
            var previous = -1;
            for (var p = (int)pointers[m]; p < (int)pointers[m + 1]; p++)
            {
                var index = indices[p];
                if ((uint)index >= (uint)minorCount)
                {
                    ThrowHelper.ThrowArgument(indicesName, $"{indicesName}[{p}] is {index} in {majorName} {m}; it must be in [0, {minorCount}).");
                }

                if (index <= previous)
                {
                    ThrowHelper.ThrowArgument(indicesName, $"{indicesName}[{p}] is {index} in {majorName} {m}, not greater than the previous index {previous}: indices must be strictly increasing within a {majorName}.");
                }

                if (!float.IsFinite(values[p]))
                {
                    ThrowHelper.ThrowArgument(valuesName, $"{valuesName}[{p}] is {values[p]} in {majorName} {m}; values must be finite.");
                }

                previous = index;
            }
        }

        var storage = Allocate(majorCount, minorCount, pointers.ToArray(), Array.MaxLength, majorName);
        for (var m = 0; m < majorCount; m++)
        {
            var start = (int)pointers[m];
            var length = (int)(pointers[m + 1] - start);
            indices.Slice(start, length).CopyTo(storage.WritableIndices(m, start, length));
            values.Slice(start, length).CopyTo(storage.WritableValues(m, start, length));
        }

        return storage;
    }

    public static void ValidateShape(int majorCount, int minorCount, string majorName, string minorName)
    {
        if (majorCount < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange($"{majorName}Count", majorCount, $"The {majorName} count must not be negative.");
        }

        if (minorCount < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange($"{minorName}Count", minorCount, $"The {minorName} count must not be negative.");
        }
    }

    /// <summary>Builds from triplet chunks: counting sort by major line, then sort, combine and compact each line.</summary>
    public static CompressedStorage FromTriplets(int majorCount, int minorCount, TripletSource source, SparseBuildOptions options, string majorName, string minorName)
    {
        ValidateShape(majorCount, minorCount, majorName, minorName);
        options.Validate();

        // Pass 1: validate, count entries per major and per minor line, and see whether the input is in major order.
        var pointers = new long[majorCount + 1];
        var minorPointers = new long[minorCount + 1];
        var previousMajor = 0;
        var inMajorOrder = true;
        for (var c = 0; c < source.ChunkCount; c++)
        {
            source.GetChunk(c, out var majors, out var minors, out var values, out var offset);
            CountAndValidate(majors, minors, values, majorCount, minorCount, pointers, minorPointers, offset, source, majorName, minorName);
            for (var i = 0; i < majors.Length && inMajorOrder; i++)
            {
                inMajorOrder = majors[i] >= previousMajor;
                previousMajor = majors[i];
            }
        }

        PrefixSum(pointers);
        CompressedStorage storage;
        if (inMajorOrder)
        {
            // Input grouped by line (MovieLens files are sorted by user): one sequential scatter.
            storage = Allocate(majorCount, minorCount, pointers, options.SegmentCapacity, majorName);
            storage.ScatterAll(source, pointers, swap: false);
        }
        else
        {
            // Any order: a two-pass radix sort. Scatter by minor line, then the O(nnz) transpose scatters by major
            // line visiting minors in increasing order, so every line comes out sorted with no comparison sort.
            PrefixSum(minorPointers);
            var byMinor = Allocate(minorCount, majorCount, minorPointers, options.SegmentCapacity, minorName);
            byMinor.ScatterAll(source, minorPointers, swap: true);
            storage = byMinor.Transpose();
        }

        // Pass 3: sort lines that need it, combine duplicates, drop zeros, compact in place.
        return storage.SortAndCompact(options, majorName, minorName);
    }

    private static void PrefixSum(long[] pointers)
    {
        // Counts were accumulated at m + 1, so after the prefix sum pointers[m] is the start of line m.
        for (var m = 0; m + 1 < pointers.Length; m++)
        {
            pointers[m + 1] += pointers[m];
        }
    }

    private void ScatterAll(TripletSource source, long[] pointers, bool swap)
    {
        var next = GC.AllocateUninitializedArray<long>(MajorCount);
        Array.Copy(pointers, next, MajorCount);
        for (var c = 0; c < source.ChunkCount; c++)
        {
            source.GetChunk(c, out var majors, out var minors, out var values, out _);
            if (swap)
            {
                Scatter(minors, majors, values, next);
            }
            else
            {
                Scatter(majors, minors, values, next);
            }
        }
    }

    private static void CountAndValidate(
        ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values,
        int majorCount, int minorCount, long[] counts, long[] minorCounts, long offset, TripletSource source, string majorName, string minorName)
    {
        for (var i = 0; i < majors.Length; i++)
        {
            var major = majors[i];
            var minor = minors[i];
            if ((uint)major >= (uint)majorCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(source.MajorName, major, $"{source.MajorName}[{offset + i}] is {major}; {majorName} indices must be in [0, {majorCount}).");
            }

            if ((uint)minor >= (uint)minorCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(source.MinorName, minor, $"{source.MinorName}[{offset + i}] is {minor}; {minorName} indices must be in [0, {minorCount}).");
            }

            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.ThrowArgument(source.ValuesName, $"{source.ValuesName}[{offset + i}] is {values[i]}; values must be finite.");
            }

            counts[major + 1]++;
            minorCounts[minor + 1]++;
        }
    }

    private void Scatter(ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values, long[] next)
    {
        if (_indexSegments.Length == 1)
        {
            var indexArray = _indexSegments[0];
            var valueArray = _valueSegments[0];
            for (var i = 0; i < majors.Length; i++)
            {
                var position = (int)next[majors[i]]++;
                indexArray[position] = minors[i];
                valueArray[position] = values[i];
            }

            return;
        }

        for (var i = 0; i < majors.Length; i++)
        {
            var major = majors[i];
            var segment = FindSegment(major);
            var position = (int)(next[major]++ - _segmentBase[segment]);
            _indexSegments[segment][position] = minors[i];
            _valueSegments[segment][position] = values[i];
        }
    }

    private CompressedStorage SortAndCompact(SparseBuildOptions options, string majorName, string minorName)
    {
        var newPointers = new long[MajorCount + 1];
        var newBases = new long[_segmentBase.Length];
        var write = 0L;
        var segment = -1;
        for (var m = 0; m < MajorCount; m++)
        {
            var s = _indexSegments.Length == 1 ? 0 : FindSegment(m);
            if (s != segment)
            {
                segment = s;
                newBases[s] = write;
            }

            var start = _pointers[m];
            var length = (int)(_pointers[m + 1] - start);
            var indices = WritableIndices(m, start, length);
            var values = WritableValues(m, start, length);
            if (!IsNonDecreasing(indices))
            {
                indices.Sort(values);
            }

            // Compact into [write - newBase, ...) of the same segment; never ahead of the read position.
            var destination = (int)(write - newBases[s]);
            var indexArray = _indexSegments[s];
            var valueArray = _valueSegments[s];
            var kept = 0;
            var i = 0;
            while (i < length)
            {
                var index = indices[i];
                var value = values[i];
                var j = i + 1;
                while (j < length && indices[j] == index)
                {
                    value = options.Duplicates switch
                    {
                        DuplicateHandling.Sum => value + values[j],
                        DuplicateHandling.Max => MathF.Max(value, values[j]),
                        _ => ThrowDuplicate(majorName, m, minorName, index),
                    };
                    j++;
                }

                i = j;
                if (value == 0f && !options.KeepExplicitZeros)
                {
                    continue;
                }

                indexArray[destination + kept] = index;
                valueArray[destination + kept] = value;
                kept++;
            }

            write += kept;
            newPointers[m + 1] = write;
        }

        if (segment == -1)
        {
            // No lines at all: keep the (empty) single segment.
            newBases[0] = 0;
        }

        var indexSegments = _indexSegments;
        var valueSegments = _valueSegments;
        if (write != NonZeroCount)
        {
            indexSegments = new int[_indexSegments.Length][];
            valueSegments = new float[_valueSegments.Length][];
            for (var s = 0; s < indexSegments.Length; s++)
            {
                var end = s + 1 < indexSegments.Length ? newBases[s + 1] : write;
                var length = (int)(end - newBases[s]);
                indexSegments[s] = _indexSegments[s].AsSpan(0, length).ToArray();
                valueSegments[s] = _valueSegments[s].AsSpan(0, length).ToArray();
            }
        }

        return new CompressedStorage(MajorCount, MinorCount, newPointers, indexSegments, valueSegments, _segmentFirstMajor, newBases, SegmentCapacity);
    }

    private static float ThrowDuplicate(string majorName, int major, string minorName, int minor)
    {
        ThrowHelper.ThrowArgument("duplicates", $"Duplicate entry at {majorName} {major}, {minorName} {minor} (duplicate handling is Throw).");
        return 0f;
    }

    private static bool IsNonDecreasing(ReadOnlySpan<int> indices)
    {
        for (var i = 1; i < indices.Length; i++)
        {
            if (indices[i] < indices[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    // ------------------------------------------------------------------ operations

    /// <summary>The same entries with majors and minors swapped (CSR of A to CSR of Aᵀ, or CSR to CSC), in O(nnz + n).</summary>
    public CompressedStorage Transpose()
    {
        var pointers = new long[MinorCount + 1];
        for (var m = 0; m < MajorCount; m++)
        {
            foreach (var minor in Indices(m))
            {
                pointers[minor + 1]++;
            }
        }

        for (var j = 0; j < MinorCount; j++)
        {
            pointers[j + 1] += pointers[j];
        }

        var result = Allocate(MinorCount, MajorCount, pointers, SegmentCapacity, "line");
        var next = GC.AllocateUninitializedArray<long>(MinorCount);
        Array.Copy(pointers, next, MinorCount);
        Span<int> majorOne = stackalloc int[1];
        for (var m = 0; m < MajorCount; m++)
        {
            var indices = Indices(m);
            var values = Values(m);
            if (result._indexSegments.Length == 1)
            {
                var indexArray = result._indexSegments[0];
                var valueArray = result._valueSegments[0];
                for (var k = 0; k < indices.Length; k++)
                {
                    var position = (int)next[indices[k]]++;
                    indexArray[position] = m;
                    valueArray[position] = values[k];
                }
            }
            else
            {
                majorOne[0] = m;
                for (var k = 0; k < indices.Length; k++)
                {
                    result.Scatter(indices.Slice(k, 1), majorOne, values.Slice(k, 1), next);
                }
            }
        }

        return result;
    }

    /// <summary>A new storage with the same structure and values transformed by <paramref name="map"/>.</summary>
    public CompressedStorage MapValues<TMap>(TMap map)
        where TMap : struct, IValueMap
    {
        var valueSegments = new float[_valueSegments.Length][];
        for (var s = 0; s < valueSegments.Length; s++)
        {
            var source = _valueSegments[s];
            var destination = GC.AllocateUninitializedArray<float>(source.Length);
            map.Apply(source, destination);
            valueSegments[s] = destination;
        }

        return new CompressedStorage(MajorCount, MinorCount, _pointers, _indexSegments, valueSegments, _segmentFirstMajor, _segmentBase, SegmentCapacity);
    }

    /// <summary>A new storage keeping only the entries whose value satisfies <paramref name="filter"/>.</summary>
    public CompressedStorage Where<TFilter>(TFilter filter)
        where TFilter : struct, IValueFilter
    {
        var pointers = new long[MajorCount + 1];
        for (var m = 0; m < MajorCount; m++)
        {
            var kept = 0;
            foreach (var value in Values(m))
            {
                if (filter.Keep(value))
                {
                    kept++;
                }
            }

            pointers[m + 1] = pointers[m] + kept;
        }

        var result = Allocate(MajorCount, MinorCount, pointers, SegmentCapacity, "line");
        for (var m = 0; m < MajorCount; m++)
        {
            var indices = Indices(m);
            var values = Values(m);
            var destinationIndices = result.WritableIndices(m, pointers[m], result.Count(m));
            var destinationValues = result.WritableValues(m, pointers[m], result.Count(m));
            var w = 0;
            for (var k = 0; k < values.Length; k++)
            {
                if (filter.Keep(values[k]))
                {
                    destinationIndices[w] = indices[k];
                    destinationValues[w] = values[k];
                    w++;
                }
            }
        }

        return result;
    }

    /// <summary>This storage's lines followed by <paramref name="other"/>'s lines.</summary>
    public CompressedStorage Concat(CompressedStorage other, int minorCount)
    {
        var majorCount = checked(MajorCount + other.MajorCount);
        var pointers = new long[majorCount + 1];
        _pointers.AsSpan().CopyTo(pointers);
        var offset = NonZeroCount;
        for (var m = 0; m < other.MajorCount; m++)
        {
            pointers[MajorCount + m + 1] = other._pointers[m + 1] + offset;
        }

        var result = Allocate(majorCount, minorCount, pointers, SegmentCapacity, "line");
        for (var m = 0; m < majorCount; m++)
        {
            var source = m < MajorCount ? this : other;
            var line = m < MajorCount ? m : m - MajorCount;
            var indices = source.Indices(line);
            var values = source.Values(line);
            indices.CopyTo(result.WritableIndices(m, pointers[m], indices.Length));
            values.CopyTo(result.WritableValues(m, pointers[m], values.Length));
        }

        return result;
    }

    /// <summary>The number of entries in each major line.</summary>
    public int[] MajorCounts()
    {
        var counts = new int[MajorCount];
        for (var m = 0; m < MajorCount; m++)
        {
            counts[m] = Count(m);
        }

        return counts;
    }

    /// <summary>The number of entries in each minor line.</summary>
    public int[] MinorCounts()
    {
        var counts = new int[MinorCount];
        for (var m = 0; m < MajorCount; m++)
        {
            foreach (var minor in Indices(m))
            {
                counts[minor]++;
            }
        }

        return counts;
    }

    /// <summary>Whether both storages hold the same entries (structure and values, bit for bit).</summary>
    public bool ContentEquals(CompressedStorage other)
    {
        if (MajorCount != other.MajorCount || MinorCount != other.MinorCount || NonZeroCount != other.NonZeroCount)
        {
            return false;
        }

        for (var m = 0; m < MajorCount; m++)
        {
            if (!Indices(m).SequenceEqual(other.Indices(m)) || !Values(m).SequenceEqual(other.Values(m)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sum of all values, accumulated in double in storage order.</summary>
    public double Sum()
    {
        var sum = 0.0;
        for (var m = 0; m < MajorCount; m++)
        {
            foreach (var value in Values(m))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>Writes the entries into a dense array indexed [major, minor] or, when <paramref name="transposed"/>, [minor, major].</summary>
    public float[,] ToDense(bool transposed)
    {
        var dense = transposed ? new float[MinorCount, MajorCount] : new float[MajorCount, MinorCount];
        for (var m = 0; m < MajorCount; m++)
        {
            var indices = Indices(m);
            var values = Values(m);
            for (var k = 0; k < indices.Length; k++)
            {
                if (transposed)
                {
                    dense[indices[k], m] = values[k];
                }
                else
                {
                    dense[m, indices[k]] = values[k];
                }
            }
        }

        return dense;
    }
}

/// <summary>An elementwise value transform, as a struct so that it inlines.</summary>
internal interface IValueMap
{
    void Apply(ReadOnlySpan<float> source, Span<float> destination);
}

/// <summary>An elementwise value predicate, as a struct so that it inlines.</summary>
internal interface IValueFilter
{
    bool Keep(float value);
}

internal readonly struct ScaleMap(float factor) : IValueMap
{
    public void Apply(ReadOnlySpan<float> source, Span<float> destination) => TensorPrimitives.Multiply(source, factor, destination);
}

internal readonly struct ConstantMap(float value) : IValueMap
{
    public void Apply(ReadOnlySpan<float> source, Span<float> destination) => destination.Fill(value);
}

internal readonly struct Log1pMap(float scale) : IValueMap
{
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = MathF.Log(1f + (scale * source[i]));
        }
    }
}

internal readonly struct DelegateMap(Func<float, float> map) : IValueMap
{
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var value = map(source[i]);
            if (!float.IsFinite(value))
            {
                ThrowHelper.ThrowInvalidOperation($"The value map returned {value} for {source[i]}; values must stay finite.");
            }

            destination[i] = value;
        }
    }
}

internal readonly struct AtLeastFilter(float minimum) : IValueFilter
{
    public bool Keep(float value) => value >= minimum;
}

internal readonly struct NonZeroFilter : IValueFilter
{
    public bool Keep(float value) => value != 0f;
}
