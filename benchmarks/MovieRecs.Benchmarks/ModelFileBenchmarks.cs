using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Als;
using MovieRecs.Persistence;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Saving and loading a fitted model of 100,000 users and 20,000 items in memory streams: the own format
/// (<see cref="AlsModelFile.Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>, checksummed) and
/// implicit's .npz, against naive <see cref="BinaryWriter"/>/<see cref="BinaryReader"/> loops (one call per float,
/// no checksum). 64 factors need no row padding; 100 factors are padded to 104 in memory.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ModelFileBenchmarks
{
    private const int Users = 100_000;
    private const int Items = 20_000;

    private AlsModel _model = null!;
    private IdIndex<int> _userIds = null!;
    private IdIndex<int> _itemIds = null!;
    private byte[] _own = [];
    private byte[] _npz = [];
    private byte[] _naive = [];
    private string _folder = string.Empty;
    private string _ownPath = string.Empty;

    [Params(64, 100)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var users = new float[Users * Factors];
        var items = new float[Items * Factors];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        for (var i = 0; i < items.Length; i++)
        {
            items[i] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        _model = AlsModel.FromFactors(new AlsOptions { Factors = Factors, Regularization = 0.05, Alpha = 40 }, users, items);
        _userIds = IdIndex.Create(Enumerable.Range(0, Users).Select(i => (i * 7) + 1));
        _itemIds = IdIndex.Create(Enumerable.Range(0, Items).Select(i => (i * 3) + 2));
        _own = Bytes(stream => AlsModelFile.Save(_model, stream, _userIds, _itemIds));
        _npz = Bytes(stream => ImplicitModelFile.Save(_model, stream, _userIds, _itemIds));
        _naive = Bytes(NaiveWrite);
        _folder = Directory.CreateTempSubdirectory("movierecs-bench-").FullName;
        _ownPath = Path.Combine(_folder, "model.mrals");
        File.WriteAllBytes(_ownPath, _own);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [BenchmarkCategory("Save"), Benchmark(Baseline = true, Description = "naive: BinaryWriter per float")]
    public long NaiveSave() => Bytes(NaiveWrite).Length;

    [BenchmarkCategory("Save"), Benchmark(Description = "AlsModelFile.Save (CRC-32)")]
    public long Save()
    {
        using var stream = new MemoryStream(_own.Length);
        AlsModelFile.Save(_model, stream, _userIds, _itemIds);
        return stream.Length;
    }

    [BenchmarkCategory("Save"), Benchmark(Description = "AlsModelFile.Save to a path (atomic, flushed to disk)")]
    public long SavePath()
    {
        var path = Path.Combine(_folder, "saved.mrals");
        AlsModelFile.Save(_model, path, _userIds, _itemIds);
        return new FileInfo(path).Length;
    }

    [BenchmarkCategory("Save"), Benchmark(Description = "ImplicitModelFile.Save")]
    public long SaveNpz()
    {
        using var stream = new MemoryStream(_npz.Length);
        ImplicitModelFile.Save(_model, stream, _userIds, _itemIds);
        return stream.Length;
    }

    [BenchmarkCategory("Load"), Benchmark(Baseline = true, Description = "naive: BinaryReader per float, FromFactors")]
    public int NaiveLoad()
    {
        using var reader = new BinaryReader(new MemoryStream(_naive, writable: false));
        var factors = reader.ReadInt32();
        var users = new int[reader.ReadInt32()];
        var items = new int[reader.ReadInt32()];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = reader.ReadInt32();
        }

        for (var i = 0; i < items.Length; i++)
        {
            items[i] = reader.ReadInt32();
        }

        var userFactors = new float[users.Length * factors];
        var itemFactors = new float[items.Length * factors];
        for (var i = 0; i < userFactors.Length; i++)
        {
            userFactors[i] = reader.ReadSingle();
        }

        for (var i = 0; i < itemFactors.Length; i++)
        {
            itemFactors[i] = reader.ReadSingle();
        }

        var model = AlsModel.FromFactors(new AlsOptions { Factors = factors }, userFactors, itemFactors);
        return model.UserCount + IdIndex.Create(users).Count + IdIndex.Create(items).Count;
    }

    [BenchmarkCategory("Load"), Benchmark(Description = "AlsModelFile.Load (seekable)")]
    public int Load() => AlsModelFile.Load(new MemoryStream(_own, writable: false)).Model.UserCount;

    [BenchmarkCategory("Load"), Benchmark(Description = "AlsModelFile.Load (file path, page cache)")]
    public int LoadPath() => AlsModelFile.Load(_ownPath).Model.UserCount;

    [BenchmarkCategory("Load"), Benchmark(Description = "AlsModelFile.Load (forward-only stream)")]
    public int LoadForwardOnly() => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(_own, writable: false), int.MaxValue)).Model.UserCount;

    [BenchmarkCategory("Load"), Benchmark(Description = "ImplicitModelFile.Load")]
    public int LoadNpz() => ImplicitModelFile.Load(new MemoryStream(_npz, writable: false)).Model.UserCount;

    private static byte[] Bytes(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private void NaiveWrite(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Factors);
        writer.Write(Users);
        writer.Write(Items);
        foreach (var id in _userIds)
        {
            writer.Write(id);
        }

        foreach (var id in _itemIds)
        {
            writer.Write(id);
        }

        for (var user = 0; user < Users; user++)
        {
            foreach (var value in _model.GetUserFactors(user))
            {
                writer.Write(value);
            }
        }

        for (var item = 0; item < Items; item++)
        {
            foreach (var value in _model.GetItemFactors(item))
            {
                writer.Write(value);
            }
        }
    }
}
