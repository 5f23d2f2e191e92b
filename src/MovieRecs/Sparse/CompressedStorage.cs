using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// The storage shared by <see cref="CsrMatrix"/> (major = row) and <see cref="CscMatrix"/> (major = column): one
/// 64-bit pointer per major line plus one, and the minor indices and values of all lines in two flat arrays.
/// </summary>
/// <remarks>
/// Line <c>m</c> occupies <c>[Pointers[m], Pointers[m + 1])</c> of <see cref="IndexArray"/> and
/// <see cref="ValueArray"/>, whose lengths are exactly <see cref="NonZeroCount"/>. One matrix therefore holds at most
/// <see cref="Array.MaxLength"/> entries (<see cref="SparseGuards.CheckEntryCount"/>). Immutable once built: the
/// arrays are handed out for reading only.
/// </remarks>
internal sealed class CompressedStorage
{
    private readonly long[] _pointers;
    private readonly int[] _indices;
    private readonly float[] _values;

    private CompressedStorage(int majorCount, int minorCount, long[] pointers, int[] indices, float[] values)
    {
        Debug.Assert(pointers.Length == majorCount + 1 && indices.Length == pointers[majorCount] && values.Length == indices.Length);
        MajorCount = majorCount;
        MinorCount = minorCount;
        _pointers = pointers;
        _indices = indices;
        _values = values;
    }

    public int MajorCount { get; }

    public int MinorCount { get; }

    public long NonZeroCount => _pointers[MajorCount];

    public ReadOnlySpan<long> Pointers => _pointers;

    /// <summary>The pointer array itself, for a reader that shares it instead of copying (never written to).</summary>
    public long[] PointerArray => _pointers;

    /// <summary>The minor indices of all lines, line after line (never written to).</summary>
    public int[] IndexArray => _indices;

    /// <summary>The values of all lines, in the order of <see cref="IndexArray"/> (never written to).</summary>
    public float[] ValueArray => _values;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Count(int major) => (int)(_pointers[major + 1] - _pointers[major]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> Indices(int major)
    {
        var start = _pointers[major];
        return new ReadOnlySpan<int>(_indices, (int)start, (int)(_pointers[major + 1] - start));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Values(int major)
    {
        var start = _pointers[major];
        return new ReadOnlySpan<float>(_values, (int)start, (int)(_pointers[major + 1] - start));
    }

    /// <summary>The value at (major, minor), or zero when no entry is stored there.</summary>
    public float ValueAt(int major, int minor)
    {
        var at = Indices(major).BinarySearch(minor);
        return at >= 0 ? Values(major)[at] : 0f;
    }

    // ------------------------------------------------------------------ construction

    /// <summary>Allocates the index and value arrays for the given pointers, after checking that one array holds them.</summary>
    private static CompressedStorage Allocate(int majorCount, int minorCount, long[] pointers)
    {
        var length = SparseGuards.CheckEntryCount(pointers[majorCount], "non-zeros");
        return new CompressedStorage(
            majorCount, minorCount, pointers, GC.AllocateUninitializedArray<int>(length), GC.AllocateUninitializedArray<float>(length));
    }

    /// <summary>The same structure (pointers and indices shared) with other values, one per entry.</summary>
    public CompressedStorage WithValues(float[] values)
    {
        Debug.Assert(values.Length == _values.Length);
        return new CompressedStorage(MajorCount, MinorCount, _pointers, _indices, values);
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

        var storage = Allocate(majorCount, minorCount, pointers.ToArray());
        indices.CopyTo(storage._indices);
        values.CopyTo(storage._values);
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

    /// <summary>
    /// Builds from triplets given as major index, minor index and value spans (named <c>{majorName}s</c>,
    /// <c>{minorName}s</c> and <c>values</c> in messages): counting sort by major line, then sort, combine and compact
    /// each line.
    /// </summary>
    public static CompressedStorage FromTriplets(
        int majorCount, int minorCount, ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values,
        SparseBuildOptions options, string majorName, string minorName)
    {
        Debug.Assert(minors.Length == majors.Length && values.Length == majors.Length);
        ValidateShape(majorCount, minorCount, majorName, minorName);
        options.Validate();

        // Pass 1: validate and count entries per major line (and per minor line when the input is not in major order).
        var inMajorOrder = IsNonDecreasing(majors);
        var pointers = new long[majorCount + 1];
        var minorPointers = inMajorOrder ? null : new long[minorCount + 1];
        CountAndValidate(majors, minors, values, majorCount, minorCount, pointers, minorPointers, majorName, minorName);
        PrefixSum(pointers);
        CompressedStorage storage;
        if (minorPointers is null)
        {
            // Input grouped by line (MovieLens files are sorted by user): one sequential scatter.
            storage = Allocate(majorCount, minorCount, pointers);
            storage.Scatter(majors, minors, values);
        }
        else
        {
            // Any order: a two-pass radix sort. Scatter by minor line, then the O(nnz) transpose scatters by major
            // line visiting minors in increasing order, so every line comes out sorted with no comparison sort.
            PrefixSum(minorPointers);
            var byMinor = Allocate(minorCount, majorCount, minorPointers);
            byMinor.Scatter(minors, majors, values);
            storage = byMinor.Transpose();
        }

        // Pass 2: sort lines that need it, combine duplicates, drop zeros, compact in place.
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

    private static void CountAndValidate(
        ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values,
        int majorCount, int minorCount, long[] counts, long[]? minorCounts, string majorName, string minorName)
    {
        for (var i = 0; i < majors.Length; i++)
        {
            var major = majors[i];
            var minor = minors[i];
            if ((uint)major >= (uint)majorCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange($"{majorName}s", major, $"{majorName}s[{i}] is {major}; {majorName} indices must be in [0, {majorCount}).");
            }

            if ((uint)minor >= (uint)minorCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange($"{minorName}s", minor, $"{minorName}s[{i}] is {minor}; {minorName} indices must be in [0, {minorCount}).");
            }

            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.ThrowArgument(nameof(values), $"values[{i}] is {values[i]}; values must be finite.");
            }

            counts[major + 1]++;
            if (minorCounts is not null)
            {
                minorCounts[minor + 1]++;
            }
        }
    }

    /// <summary>Writes each triplet at the next free position of its major line.</summary>
    private void Scatter(ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values)
    {
        var next = GC.AllocateUninitializedArray<long>(MajorCount);
        Array.Copy(_pointers, next, MajorCount);
        var indices = _indices;
        var stored = _values;
        for (var i = 0; i < majors.Length; i++)
        {
            var position = (int)next[majors[i]]++;
            indices[position] = minors[i];
            stored[position] = values[i];
        }
    }

    private CompressedStorage SortAndCompact(SparseBuildOptions options, string majorName, string minorName)
    {
        var newPointers = new long[MajorCount + 1];
        var write = 0;
        for (var m = 0; m < MajorCount; m++)
        {
            var start = (int)_pointers[m];
            var length = (int)(_pointers[m + 1] - start);
            var indices = _indices.AsSpan(start, length);
            var values = _values.AsSpan(start, length);
            if (!IsNonDecreasing(indices))
            {
                indices.Sort(values);
            }

            // Compact to [write, ...): never ahead of the read position.
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

                _indices[write] = index;
                _values[write] = value;
                write++;
            }

            newPointers[m + 1] = write;
        }

        return write == NonZeroCount
            ? new CompressedStorage(MajorCount, MinorCount, newPointers, _indices, _values)
            : new CompressedStorage(MajorCount, MinorCount, newPointers, _indices.AsSpan(0, write).ToArray(), _values.AsSpan(0, write).ToArray());
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

    /// <summary>
    /// The same entries with majors and minors swapped (CSR of A to CSR of Aᵀ, or CSR to CSC), by a counting sort in
    /// O(nnz + lines): each new line lists its entries in increasing old-line order.
    /// </summary>
    public CompressedStorage Transpose()
    {
        var pointers = new long[MinorCount + 1];
        foreach (var minor in _indices)
        {
            pointers[minor + 1]++;
        }

        PrefixSum(pointers);
        var result = Allocate(MinorCount, MajorCount, pointers);
        var next = GC.AllocateUninitializedArray<long>(MinorCount);
        Array.Copy(pointers, next, MinorCount);
        var indices = result._indices;
        var values = result._values;
        for (var m = 0; m < MajorCount; m++)
        {
            var end = (int)_pointers[m + 1];
            for (var k = (int)_pointers[m]; k < end; k++)
            {
                var position = (int)next[_indices[k]]++;
                indices[position] = m;
                values[position] = _values[k];
            }
        }

        return result;
    }

    /// <summary>A new storage with the same structure (shared) and values transformed by <paramref name="map"/>.</summary>
    public CompressedStorage MapValues<TMap>(TMap map)
        where TMap : struct, IValueMap
    {
        var values = GC.AllocateUninitializedArray<float>(_values.Length);
        map.Apply(_values, values);
        return WithValues(values);
    }

    /// <summary>A new storage keeping only the entries whose value satisfies <paramref name="filter"/>.</summary>
    public CompressedStorage Where<TFilter>(TFilter filter)
        where TFilter : struct, IValueFilter
    {
        var pointers = new long[MajorCount + 1];
        var kept = 0;
        for (var m = 0; m < MajorCount; m++)
        {
            foreach (var value in Values(m))
            {
                kept += filter.Keep(value) ? 1 : 0;
            }

            pointers[m + 1] = kept;
        }

        var result = Allocate(MajorCount, MinorCount, pointers);
        var w = 0;
        for (var k = 0; k < _values.Length; k++)
        {
            if (filter.Keep(_values[k]))
            {
                result._indices[w] = _indices[k];
                result._values[w] = _values[k];
                w++;
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

        var result = Allocate(majorCount, minorCount, pointers);
        _indices.CopyTo(result._indices, 0);
        _values.CopyTo(result._values, 0);
        other._indices.CopyTo(result._indices, _indices.Length);
        other._values.CopyTo(result._values, _values.Length);
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
        foreach (var minor in _indices)
        {
            counts[minor]++;
        }

        return counts;
    }

    /// <summary>Whether both storages hold the same entries (structure and values).</summary>
    public bool ContentEquals(CompressedStorage other) =>
        MajorCount == other.MajorCount
        && MinorCount == other.MinorCount
        && _pointers.AsSpan().SequenceEqual(other._pointers)
        && _indices.AsSpan().SequenceEqual(other._indices)
        && _values.AsSpan().SequenceEqual(other._values);

    /// <summary>Sum of all values, accumulated in double in storage order.</summary>
    public double Sum()
    {
        var sum = 0.0;
        foreach (var value in _values)
        {
            sum += value;
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
