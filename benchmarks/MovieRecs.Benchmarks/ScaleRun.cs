using System.Diagnostics;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// A one-shot end-to-end run at scale, outside BenchmarkDotNet (one run of minutes, measured by wall clock and the
/// process's peak resident set):
/// <c>scale generate ml-20m DIR</c> writes the synthetic preset in the ml-25m CSV layout (its own process, so the
/// generator's memory is not counted), then <c>scale run DIR [factors]</c> reads the ratings file, keeps ratings
/// &gt;= 3, builds the CSR matrix, fits ALS (15 iterations, CG 3, 2 threads) and recommends top-10 for every user,
/// printing each stage's time and the peak working set.
/// </summary>
internal static class ScaleRun
{
    public static int Run(string[] args)
    {
        if (args.Length >= 3 && args[0] == "generate")
        {
            var options = SyntheticMovieLensOptions.ForRelease(args[1] switch
            {
                "ml-1m" => MovieLensRelease.Ml1m,
                "ml-10m" => MovieLensRelease.Ml10m,
                "ml-20m" => MovieLensRelease.Ml20m,
                "ml-25m" => MovieLensRelease.Ml25m,
                _ => throw new ArgumentException($"unknown preset '{args[1]}'", nameof(args)),
            });
            var clock = Stopwatch.StartNew();
            var data = SyntheticMovieLens.Generate(options);
            Directory.CreateDirectory(args[2]);
            data.WriteCsvFiles(args[2]);
            Console.WriteLine($"generated {data.Ratings.Count:N0} ratings into {args[2]} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }

        if (args.Length >= 2 && args[0] == "run")
        {
            var factors = args.Length >= 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
            var total = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            var ratings = MovieLensReader.ReadRatings(Path.Combine(args[1], "ratings.csv"), MovieLensRelease.Ml25m);
            Report("read ratings.csv", clock, $"{ratings.Count:N0} ratings");
            var interactions = InteractionMatrix.Build(ratings);
            ratings = null;
            GC.Collect();
            Report("keep >= 3, index, build CSR", clock, $"{interactions.UserItems.RowCount:N0} x {interactions.UserItems.ColumnCount:N0}, {interactions.UserItems.NonZeroCount:N0} non-zeros");
            var model = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 15, CgSteps = 3, MaxDegreeOfParallelism = 2, Seed = 1 })
                .Fit(interactions.UserItems);
            Report($"fit (factors {factors}, 15 iterations, CG 3, 2 threads)", clock, string.Empty);
            var recommendations = model.RecommendAll(interactions.UserItems, 10);
            Report("recommend top-10 for every user", clock, $"{recommendations.Length:N0} users");
            Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s; peak working set {PeakWorkingSetMiB():N0} MiB");
            return 0;
        }

        Console.Error.WriteLine("usage: scale generate <ml-1m|ml-10m|ml-20m|ml-25m> <dir> | scale run <dir> [factors]");
        return 2;
    }

    private static void Report(string stage, Stopwatch clock, string detail)
    {
        Console.WriteLine($"{stage,-48} {clock.Elapsed.TotalSeconds,7:F1} s  {detail}  (peak {PeakWorkingSetMiB():N0} MiB)");
        clock.Restart();
    }

    private static long PeakWorkingSetMiB()
    {
        // VmHWM is the kernel's high-water mark of the resident set; Process.PeakWorkingSet64 reads the same on Linux.
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 >> 20;
    }
}
