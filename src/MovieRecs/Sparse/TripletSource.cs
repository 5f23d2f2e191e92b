namespace MovieRecs.Sparse;

/// <summary>
/// Coordinate triplets to build from, as one span triple or as a list of array chunks (the latter lets a
/// <see cref="SparseMatrixBuilder"/> hold more than 2^31 triplets).
/// </summary>
internal readonly ref struct TripletSource
{
    private readonly ReadOnlySpan<int> _majors;
    private readonly ReadOnlySpan<int> _minors;
    private readonly ReadOnlySpan<float> _values;
    private readonly IReadOnlyList<TripletChunk>? _chunks;
    private readonly bool _chunkMajorIsRow;

    public TripletSource(ReadOnlySpan<int> majors, ReadOnlySpan<int> minors, ReadOnlySpan<float> values, string majorName, string minorName, string valuesName)
    {
        _majors = majors;
        _minors = minors;
        _values = values;
        MajorName = majorName;
        MinorName = minorName;
        ValuesName = valuesName;
    }

    public TripletSource(IReadOnlyList<TripletChunk> chunks, bool majorIsRow)
    {
        _chunks = chunks;
        _chunkMajorIsRow = majorIsRow;
        MajorName = majorIsRow ? "rows" : "columns";
        MinorName = majorIsRow ? "columns" : "rows";
        ValuesName = "values";
    }

    public string MajorName { get; }

    public string MinorName { get; }

    public string ValuesName { get; }

    public int ChunkCount => _chunks?.Count ?? 1;

    public void GetChunk(int chunk, out ReadOnlySpan<int> majors, out ReadOnlySpan<int> minors, out ReadOnlySpan<float> values, out long offset)
    {
        if (_chunks is null)
        {
            majors = _majors;
            minors = _minors;
            values = _values;
            offset = 0;
            return;
        }

        var c = _chunks[chunk];
        var rows = c.Rows.AsSpan(0, c.Count);
        var columns = c.Columns.AsSpan(0, c.Count);
        majors = _chunkMajorIsRow ? rows : columns;
        minors = _chunkMajorIsRow ? columns : rows;
        values = c.Values.AsSpan(0, c.Count);
        offset = c.Offset;
    }
}

/// <summary>One chunk of triplets held by a <see cref="SparseMatrixBuilder"/>.</summary>
internal sealed class TripletChunk(int capacity, long offset)
{
    public int[] Rows { get; } = GC.AllocateUninitializedArray<int>(capacity);

    public int[] Columns { get; } = GC.AllocateUninitializedArray<int>(capacity);

    public float[] Values { get; } = GC.AllocateUninitializedArray<float>(capacity);

    public long Offset { get; } = offset;

    public int Count { get; set; }

    public int Capacity => Rows.Length;
}
