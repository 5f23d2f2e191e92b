using MovieRecs.Internal;

namespace MovieRecs.Sparse;

/// <summary>
/// Accumulates coordinate (COO) triplets, in any order and in as many calls as needed, then builds a
/// <see cref="CsrMatrix"/> or <see cref="CscMatrix"/>. Unlike <see cref="CsrMatrix.FromTriplets"/>, the total
/// may exceed 2^31 triplets (they are held in chunks).
/// </summary>
/// <remarks>Not thread-safe: one writer at a time. Building does not consume the builder; it can go on
/// accumulating and build again.</remarks>
public sealed class SparseMatrixBuilder
{
    private readonly List<TripletChunk> _chunks = [];
    private readonly int _chunkCapacity;

    /// <summary>Creates a builder for a matrix of the given shape.</summary>
    /// <param name="rowCount">The number of rows (at least 0).</param>
    /// <param name="columnCount">The number of columns (at least 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public SparseMatrixBuilder(int rowCount, int columnCount)
        : this(rowCount, columnCount, 1 << 22)
    {
    }

    internal SparseMatrixBuilder(int rowCount, int columnCount, int chunkCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        RowCount = rowCount;
        ColumnCount = columnCount;
        _chunkCapacity = chunkCapacity;
    }

    /// <summary>The number of rows of the matrix being built.</summary>
    public int RowCount { get; }

    /// <summary>The number of columns of the matrix being built.</summary>
    public int ColumnCount { get; }

    /// <summary>The number of triplets added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one triplet. Indices and value are validated when the matrix is built.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    /// <param name="value">The value.</param>
    public void Add(int row, int column, float value)
    {
        var chunk = CurrentChunk();
        var i = chunk.Count;
        chunk.Rows[i] = row;
        chunk.Columns[i] = column;
        chunk.Values[i] = value;
        chunk.Count = i + 1;
        Count++;
    }

    /// <summary>Adds a batch of triplets (copied).</summary>
    /// <param name="rows">The row index of each triplet.</param>
    /// <param name="columns">The column index of each triplet.</param>
    /// <param name="values">The value of each triplet.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void AddRange(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values)
    {
        CsrMatrix.CheckTripletLengths(rows.Length, columns.Length, values.Length);
        while (!rows.IsEmpty)
        {
            var chunk = CurrentChunk();
            var take = Math.Min(chunk.Capacity - chunk.Count, rows.Length);
            rows[..take].CopyTo(chunk.Rows.AsSpan(chunk.Count));
            columns[..take].CopyTo(chunk.Columns.AsSpan(chunk.Count));
            values[..take].CopyTo(chunk.Values.AsSpan(chunk.Count));
            chunk.Count += take;
            Count += take;
            rows = rows[take..];
            columns = columns[take..];
            values = values[take..];
        }
    }

    /// <summary>Builds the CSR matrix of the triplets added so far.</summary>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A triplet's index is out of range (the message names its position).</exception>
    /// <exception cref="ArgumentException">A value is not finite, or a duplicate is found with <see cref="DuplicateHandling.Throw"/>.</exception>
    public CsrMatrix ToCsr(SparseBuildOptions? options = null) =>
        new(CompressedStorage.FromTriplets(RowCount, ColumnCount, new TripletSource(_chunks, majorIsRow: true), options ?? SparseBuildOptions.Default, "row", "column"));

    /// <summary>Builds the CSC matrix of the triplets added so far.</summary>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A triplet's index is out of range.</exception>
    /// <exception cref="ArgumentException">A value is not finite, or a duplicate is found with <see cref="DuplicateHandling.Throw"/>.</exception>
    public CscMatrix ToCsc(SparseBuildOptions? options = null) =>
        new(CompressedStorage.FromTriplets(ColumnCount, RowCount, new TripletSource(_chunks, majorIsRow: false), options ?? SparseBuildOptions.Default, "column", "row"));

    private TripletChunk CurrentChunk()
    {
        if (_chunks.Count == 0 || _chunks[^1].Count == _chunks[^1].Capacity)
        {
            if (Count == long.MaxValue)
            {
                ThrowHelper.ThrowInvalidOperation("The builder is full.");
            }

            _chunks.Add(new TripletChunk(_chunkCapacity, Count));
        }

        return _chunks[^1];
    }
}
