using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The synthetic MovieLens generator: generation on one thread (baseline) against all cores, for the ml-100k, ml-1m
/// and ml-20m shapes; and writing ratings.dat, against a naive per-line formatted StreamWriter.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SyntheticGeneratorBenchmarks
{
    private SyntheticMovieLensOptions _options = SyntheticMovieLensOptions.Ml100k;
    private SyntheticMovieLens _data = null!;
    private string _folder = string.Empty;

    [Params("ml-100k", "ml-1m", "ml-20m")]
    public string Preset { get; set; } = "ml-100k";

    [GlobalSetup]
    public void Setup()
    {
        _options = Preset switch
        {
            "ml-100k" => SyntheticMovieLensOptions.Ml100k,
            "ml-1m" => SyntheticMovieLensOptions.Ml1m,
            _ => SyntheticMovieLensOptions.Ml20m,
        };
        _data = SyntheticMovieLens.Generate(_options);
        _folder = Path.Combine(Path.GetTempPath(), "movierecs-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Generate")]
    public int GenerateOneThread() => SyntheticMovieLens.Generate(_options with { MaxDegreeOfParallelism = 1 }).Ratings.Count;

    [Benchmark]
    [BenchmarkCategory("Generate")]
    public int GenerateAllCores() => SyntheticMovieLens.Generate(_options).Ratings.Count;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("WriteRatings")]
    public long WriteRatingsNaive()
    {
        var path = Path.Combine(_folder, "naive-ratings.dat");
        using (var writer = new StreamWriter(path, append: false, Encoding.Latin1))
        {
            var table = _data.Ratings;
            for (var i = 0; i < table.Count; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{table.UserIds[i]}::{table.MovieIds[i]}::{table.Ratings[i]}::{table.Timestamps[i]}\n"));
            }
        }

        return new FileInfo(path).Length;
    }

    [Benchmark]
    [BenchmarkCategory("WriteRatings")]
    public long WriteMl1mFiles()
    {
        _data.WriteMl1mFiles(_folder);
        return new FileInfo(Path.Combine(_folder, "ratings.dat")).Length;
    }
}
