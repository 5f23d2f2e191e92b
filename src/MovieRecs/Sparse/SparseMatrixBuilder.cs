namespace MovieRecs.Sparse;

/// <summary>
/// Accumulates coordinate (COO) triplets, in any order and in as many calls as needed, then builds a
/// <see cref="CsrMatrix"/> (whose <see cref="CsrMatrix.ToCsc"/> gives the column-major form).
/// </summary>
/// <remarks>
/// The triplets are held in three arrays that grow by half when full (12 bytes per triplet, plus the unused
/// capacity). A builder holds at most <see cref="Array.MaxLength"/> (2,147,483,591) triplets, the most one matrix can
/// hold. Not thread-safe: one writer at a time. Building does not consume the builder; it can go on accumulating and
/// build again.
/// </remarks>
public sealed class SparseMatrixBuilder
{
    private int[] _rows = [];
    private int[] _columns = [];
    private float[] _values = [];
    private int _count;

    /// <summary>Creates a builder for a matrix of the given shape.</summary>
    /// <param name="rowCount">The number of rows, in [0, 2,147,483,590] (one less than <see cref="Array.MaxLength"/>).</param>
    /// <param name="columnCount">The number of columns, in [0, 2,147,483,590].</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above 2,147,483,590.</exception>
    public SparseMatrixBuilder(int rowCount, int columnCount)
    {
        SparseGuards.CheckDimension(rowCount, nameof(rowCount));
        SparseGuards.CheckDimension(columnCount, nameof(columnCount));
        RowCount = rowCount;
        ColumnCount = columnCount;
    }

    /// <summary>The number of rows of the matrix being built.</summary>
    public int RowCount { get; }

    /// <summary>The number of columns of the matrix being built.</summary>
    public int ColumnCount { get; }

    /// <summary>The number of triplets added so far.</summary>
    public long Count => _count;

    /// <summary>Adds one triplet. Indices and value are validated when the matrix is built.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The builder already holds <see cref="Array.MaxLength"/> triplets.</exception>
    public void Add(int row, int column, float value)
    {
        var i = _count;
        if (i == _rows.Length)
        {
            Grow(i + 1L);
        }

        _rows[i] = row;
        _columns[i] = column;
        _values[i] = value;
        _count = i + 1;
    }

    /// <summary>Adds a batch of triplets (copied).</summary>
    /// <param name="rows">The row index of each triplet.</param>
    /// <param name="columns">The column index of each triplet.</param>
    /// <param name="values">The value of each triplet.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="InvalidOperationException">The builder would hold more than <see cref="Array.MaxLength"/> triplets.</exception>
    public void AddRange(ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<float> values)
    {
        SparseGuards.CheckTripletLengths(rows.Length, columns.Length, values.Length);
        if ((long)_count + rows.Length > _rows.Length)
        {
            Grow((long)_count + rows.Length);
        }

        rows.CopyTo(_rows.AsSpan(_count));
        columns.CopyTo(_columns.AsSpan(_count));
        values.CopyTo(_values.AsSpan(_count));
        _count += rows.Length;
    }

    /// <summary>Builds the CSR matrix of the triplets added so far.</summary>
    /// <param name="options">Duplicate and zero handling; <see cref="SparseBuildOptions.Default"/> when null.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A triplet's index is out of range (the message names its position).</exception>
    /// <exception cref="ArgumentException">A value is not finite, duplicates sum beyond float's range, or a duplicate is
    /// found with <see cref="DuplicateHandling.Throw"/>.</exception>
    public CsrMatrix ToCsr(SparseBuildOptions? options = null) =>
        CsrMatrix.FromTriplets(RowCount, ColumnCount, _rows.AsSpan(0, _count), _columns.AsSpan(0, _count), _values.AsSpan(0, _count), options);

    private void Grow(long needed)
    {
        var capacity = SparseGuards.GrowCapacity(_rows.Length, needed, "triplets");
        Array.Resize(ref _rows, capacity);
        Array.Resize(ref _columns, capacity);
        Array.Resize(ref _values, capacity);
    }
}
