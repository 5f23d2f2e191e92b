using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// A one-shot end-to-end run at scale, outside BenchmarkDotNet (one run of minutes, measured by wall clock and the
/// process's peak resident set):
/// <c>scale generate ml-20m DIR</c> writes the synthetic preset in the ml-25m CSV layout (its own process, so the
/// generator's memory is not counted), then <c>scale run DIR [factors] [--table] [--no-collect]</c> streams the
/// ratings file into the interaction matrix with <see cref="InteractionMatrix.Read(string, MovieLensRelease, InteractionOptions?, IReadOnlyList{Movie}?, IProgress{long}?, CancellationToken)"/>
/// (ratings &gt;= 3 kept; with <c>--table</c> it loads the whole table first and builds from it), fits ALS
/// (15 iterations, CG 3, 2 threads) and recommends top-10 for every user, printing each stage's time and the peak
/// working set. Between stages the runner collects garbage and compacts the large object heap, unless
/// <c>--no-collect</c> is given.
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
            var fromTable = args.Contains("--table");
            var collect = !args.Contains("--no-collect");
            var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var factors = positional.Length >= 3 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 100;
            var path = Path.Combine(positional[1], "ratings.csv");
            Console.WriteLine($"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {GCSettings.LatencyMode}");
            var total = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            InteractionMatrix interactions;
            if (fromTable)
            {
                // The two-step path for comparison: load the whole table (20 bytes per rating), then build.
                var ratings = MovieLensReader.ReadRatings(path, MovieLensRelease.Ml25m);
                Report("read ratings.csv into a table", clock, $"{ratings.Count:N0} ratings");
                interactions = InteractionMatrix.Build(ratings);
                ratings = null;
                Report("keep >= 3, index, build CSR", clock, Describe(interactions));
            }
            else
            {
                interactions = InteractionMatrix.Read(path, MovieLensRelease.Ml25m);
                Report("stream ratings.csv, keep >= 3, index, build CSR", clock, Describe(interactions));
            }

            if (collect)
            {
                ReleaseGarbage();
            }

            var model = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 15, CgSteps = 3, MaxDegreeOfParallelism = 2, Seed = 1 })
                .Fit(interactions.UserItems);
            Report($"fit (factors {factors}, 15 iterations, CG 3, 2 threads)", clock, string.Empty);
            if (collect)
            {
                ReleaseGarbage();
            }

            var recommendations = model.RecommendAll(interactions.UserItems, 10);
            Report("recommend top-10 for every user", clock, $"{recommendations.Length:N0} users");
            Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s; peak working set {PeakWorkingSetMiB():N0} MiB");
            return 0;
        }

        Console.Error.WriteLine("usage: scale generate <ml-1m|ml-10m|ml-20m|ml-25m> <dir> | scale run <dir> [factors] [--table] [--no-collect]");
        return 2;
    }

    private static void Report(string stage, Stopwatch clock, string detail)
    {
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(
            $"{stage,-52} {clock.Elapsed.TotalSeconds,7:F1} s  {detail}  (peak {process.PeakWorkingSet64 >> 20:N0} MiB, "
            + $"now {process.WorkingSet64 >> 20:N0} MiB, GC heap {GC.GetTotalMemory(false) >> 20:N0} MiB)");
        clock.Restart();
    }

    private static string Describe(InteractionMatrix interactions) =>
        $"{interactions.UserItems.RowCount:N0} x {interactions.UserItems.ColumnCount:N0}, {interactions.UserItems.NonZeroCount:N0} non-zeros";

    /// <summary>
    /// Collects the previous stage's temporaries and compacts the large object heap, so that the next stage's large
    /// arrays reuse that memory instead of growing the process (the stages' peaks are then what each stage needs).
    /// </summary>
    private static void ReleaseGarbage()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static long PeakWorkingSetMiB()
    {
        // VmHWM is the kernel's high-water mark of the resident set; Process.PeakWorkingSet64 reads the same on Linux.
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 >> 20;
    }
}
