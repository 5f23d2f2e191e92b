using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Persistence;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Reading and writing .npy/.npz: a 100,000 x 64 factor matrix (25.6 MB as float32) in memory streams, and an
/// implicit ALS model of ml-1m's shape (6,040 users, 3,706 items, 64 factors). Baselines: the naive reader that
/// loads the whole file into a byte array and copies the payload out, the two-step float64 read followed by a
/// conversion, a row-major read for the layout variants, and a BinaryWriter loop for writing.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class NpyBenchmarks
{
    private const int Rows = 100_000;
    private const int Columns = 64;

    private byte[] _float32 = [];
    private byte[] _float64 = [];
    private byte[] _fortran = [];
    private byte[] _bigEndian = [];
    private byte[] _modelStored = [];
    private byte[] _modelDeflated = [];
    private NpyArray _matrix = null!;
    private float[] _values = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new float[Rows * Columns];
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = (float)((random.NextDouble() - 0.5) * 0.1);
        }

        _matrix = NpyArray.Create<float>(_values, Rows, Columns);
        _float32 = ToBytes(_matrix);
        _float64 = ToBytes(NpyArray.Create<double>(_values.Select(v => (double)v).ToArray(), Rows, Columns));

        // Same matrix in Fortran order, and in big-endian, built from the row-major bytes.
        var payloadStart = _float32.Length - (_values.Length * 4);
        var fortranPayload = new byte[_values.Length * 4];
        var bigEndianPayload = new byte[_values.Length * 4];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                var value = _values[(r * Columns) + c];
                BinaryPrimitives.WriteSingleLittleEndian(fortranPayload.AsSpan(((c * Rows) + r) * 4), value);
                BinaryPrimitives.WriteSingleBigEndian(bigEndianPayload.AsSpan(((r * Columns) + c) * 4), value);
            }
        }

        _fortran = WithHeader(_float32.AsSpan(0, payloadStart), fortranPayload, "'fortran_order': False", "'fortran_order': True ");
        _bigEndian = WithHeader(_float32.AsSpan(0, payloadStart), bigEndianPayload, "'<f4'", "'>f4'");

        var users = new float[6_040 * Columns];
        var items = new float[3_706 * Columns];
        users.AsSpan().Fill(0.01f);
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = (float)random.NextDouble();
        }

        var model = new ImplicitModelData(users.Select((_, i) => _values[i]).ToArray(), items, Columns, 0.05, 40, 15);
        _modelStored = ToModelBytes(model, NpzCompression.Stored);
        _modelDeflated = ToModelBytes(model, NpzCompression.Deflated);
    }

    [BenchmarkCategory("Read float32"), Benchmark(Baseline = true, Description = "naive: whole file to byte[], copy payload out")]
    public int NaiveReadFloat32()
    {
        using var stream = new MemoryStream(_float32, writable: false);
        var all = new byte[stream.Length];
        stream.ReadExactly(all);
        var headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(all.AsSpan(8));
        var values = new float[Rows * Columns];
        Buffer.BlockCopy(all, headerEnd, values, 0, values.Length * 4);
        return values.Length;
    }

    [BenchmarkCategory("Read float32"), Benchmark(Description = "NpyArray.Read (into the array)")]
    public int ReadFloat32() => NpyArray.Read(new MemoryStream(_float32, writable: false)).Length;

    [BenchmarkCategory("Read float64 as float32"), Benchmark(Baseline = true, Description = "read float64, then ToSingleArray")]
    public int ReadFloat64ThenConvert() => NpyArray.Read(new MemoryStream(_float64, writable: false)).ToSingleArray().Length;

    [BenchmarkCategory("Read float64 as float32"), Benchmark(Description = "NpyArray.Read, ConvertFloatsToSingle")]
    public int ReadFloat64AsSingle() =>
        NpyArray.Read(new MemoryStream(_float64, writable: false), new NpyReadOptions { ConvertFloatsToSingle = true }).Length;

    [BenchmarkCategory("Read layouts"), Benchmark(Baseline = true, Description = "row-major little-endian")]
    public int ReadRowMajor() => NpyArray.Read(new MemoryStream(_float32, writable: false)).Length;

    [BenchmarkCategory("Read layouts"), Benchmark(Description = "Fortran order (column blocks)")]
    public int ReadFortran() => NpyArray.Read(new MemoryStream(_fortran, writable: false)).Length;

    [BenchmarkCategory("Read layouts"), Benchmark(Description = "big-endian (swap in place)")]
    public int ReadBigEndian() => NpyArray.Read(new MemoryStream(_bigEndian, writable: false)).Length;

    [BenchmarkCategory("Read layouts"), Benchmark(Description = "forward-only stream (staged)")]
    public int ReadForwardOnly() => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(_float32, writable: false), int.MaxValue)).Length;

    [BenchmarkCategory("Write float32"), Benchmark(Baseline = true, Description = "naive: BinaryWriter per float")]
    public long NaiveWriteFloat32()
    {
        using var stream = new MemoryStream(_float32.Length);
        using var writer = new BinaryWriter(stream);
        writer.Write(_float32.AsSpan(0, _float32.Length - (_values.Length * 4)));
        foreach (var value in _values)
        {
            writer.Write(value);
        }

        writer.Flush();
        return stream.Length;
    }

    [BenchmarkCategory("Write float32"), Benchmark(Description = "NpyArray.Write")]
    public long WriteFloat32()
    {
        using var stream = new MemoryStream(_float32.Length);
        _matrix.Write(stream);
        return stream.Length;
    }

    [BenchmarkCategory("implicit model"), Benchmark(Baseline = true, Description = "ImplicitModelFile.Read, stored")]
    public int ReadModelStored() => ImplicitModelFile.Read(new MemoryStream(_modelStored, writable: false)).UserCount;

    [BenchmarkCategory("implicit model"), Benchmark(Description = "ImplicitModelFile.Read, deflated")]
    public int ReadModelDeflated() => ImplicitModelFile.Read(new MemoryStream(_modelDeflated, writable: false)).UserCount;

    [BenchmarkCategory("implicit model"), Benchmark(Description = "ImplicitModelFile.Write, stored")]
    public long WriteModelStored()
    {
        using var stream = new MemoryStream(_modelStored.Length);
        ImplicitModelFile.Write(stream, ImplicitModelFile.Read(new MemoryStream(_modelStored, writable: false)));
        return stream.Length;
    }

    private static byte[] ToBytes(NpyArray array)
    {
        using var stream = new MemoryStream();
        array.Write(stream);
        return stream.ToArray();
    }

    private static byte[] ToModelBytes(ImplicitModelData model, NpzCompression compression)
    {
        using var stream = new MemoryStream();
        ImplicitModelFile.Write(stream, model, compression);
        return stream.ToArray();
    }

    /// <summary>The header with one piece of text replaced by another of the same length, then the payload.</summary>
    private static byte[] WithHeader(ReadOnlySpan<byte> header, byte[] payload, string find, string replace)
    {
        var text = System.Text.Encoding.Latin1.GetString(header).Replace(find, replace, StringComparison.Ordinal);
        return [.. System.Text.Encoding.Latin1.GetBytes(text), .. payload];
    }
}
