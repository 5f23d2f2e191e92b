using BenchmarkDotNet.Attributes;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Building the user x item CSR matrix from unsorted triplets, against a naive build that sorts composite
/// (row, column) keys, plus the O(nnz) conversion to CSC (the trainer's item side). Shapes: ml-1m (6,040 x 3,706, 1M ratings) and ml-25m
/// (162,541 x 59,047, 25M ratings), triplets in random order or grouped by user.
/// </summary>
[MemoryDiagnoser]
public class SparseBuildBenchmarks
{
    private int[] _rows = [];
    private int[] _columns = [];
    private float[] _values = [];
    private int _rowCount;
    private int _columnCount;
    private CsrMatrix _matrix = null!;

    [Params("ml-1m", "ml-25m")]
    public string Shape { get; set; } = "ml-1m";

    /// <summary>"random": triplets shuffled; "by-user": grouped by row, as MovieLens files are.</summary>
    [Params("random", "by-user")]
    public string Order { get; set; } = "random";

    [GlobalSetup]
    public void Setup()
    {
        (_rowCount, _columnCount, var count) = Shape == "ml-1m" ? (6_040, 3_706, 1_000_209) : (162_541, 59_047, 25_000_095);
        var random = new Random(42);
        _rows = new int[count];
        _columns = new int[count];
        _values = new float[count];
        for (var i = 0; i < count; i++)
        {
            _rows[i] = random.Next(_rowCount);
            _columns[i] = random.Next(_columnCount);
            _values[i] = random.Next(1, 11) * 0.5f;
        }

        if (Order == "by-user")
        {
            var keys = (int[])_rows.Clone();
            Array.Sort(keys, _columns);
            Array.Sort(_rows, _values);
        }

        _matrix = CsrMatrix.FromTriplets(_rowCount, _columnCount, _rows, _columns, _values);
    }

    [Benchmark(Baseline = true, Description = "naive: sort (row,col) keys, then scan")]
    public long NaiveSortBuild()
    {
        var keys = new long[_rows.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ((long)_rows[i] << 32) | (uint)_columns[i];
        }

        var values = (float[])_values.Clone();
        Array.Sort(keys, values);
        var pointers = new long[_rowCount + 1];
        var columns = new int[keys.Length];
        var merged = new float[keys.Length];
        var n = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (n > 0 && keys[i] == keys[i - 1])
            {
                merged[n - 1] += values[i];
                continue;
            }

            columns[n] = (int)keys[i];
            merged[n] = values[i];
            pointers[(keys[i] >> 32) + 1]++;
            n++;
        }

        return n;
    }

    [Benchmark(Description = "CsrMatrix.FromTriplets")]
    public long FromTriplets() => CsrMatrix.FromTriplets(_rowCount, _columnCount, _rows, _columns, _values).NonZeroCount;

    [Benchmark(Description = "CsrMatrix.ToCsc")]
    public long ToCsc() => _matrix.ToCsc().NonZeroCount;
}
