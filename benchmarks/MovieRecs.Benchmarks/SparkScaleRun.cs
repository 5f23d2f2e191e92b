using System.Diagnostics;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Spark;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Serving a Spark ALSModel of MovieLens 25M's shape, outside BenchmarkDotNet (each step its own process, measured by
/// wall clock and the process's peak resident set):
/// <c>spark write DIR [factors]</c> saves a seeded synthetic factor model of 162,541 users x 59,047 items (default rank
/// 64) as a Spark ALSModel directory with <see cref="SparkModelDirectory.Save"/> (10 part files per side, as Spark's
/// default 10 blocks write them); <c>spark serve DIR</c> loads it with <see cref="SparkModelDirectory.Load"/>
/// (checksums verified) and recommends top-10 for every user (no filtering: the synthetic model has no ratings).
/// </summary>
internal static class SparkScaleRun
{
    /// <summary>MovieLens 25M's users and movies.</summary>
    private const int Users = 162_541;
    private const int Items = 59_047;

    public static int Run(string[] args)
    {
        if (args.Length >= 2 && args[0] == "write")
        {
            var factors = args.Length >= 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 64;
            var clock = Stopwatch.StartNew();
            var (model, users, items) = Synthetic(factors, seed: 25);
            Report("synthetic factors", clock, model.ToString());
            SparkModelDirectory.Save(model, args[1], users, items, new SparkModelSaveOptions { PartCount = 10, Overwrite = true, UserColumn = "userId", ItemColumn = "movieId" });
            var bytes = Directory.GetFiles(args[1], "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Report("save as a Spark ALSModel directory", clock, $"{bytes / (1 << 20):N0} MiB on disk");
            return 0;
        }

        if (args.Length >= 2 && args[0] == "serve")
        {
            var total = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            var (model, users, items) = SparkModelDirectory.Load(args[1]);
            Report("load (footers, checksums, pages, sort by id)", clock, $"{model} ({users!.Count:N0} user ids, {items!.Count:N0} item ids)");
            var none = CsrMatrix.FromTriplets(model.UserCount, model.ItemCount, [], [], []);
            var recommendations = model.RecommendAll(none, 10, new RecommendOptions { FilterAlreadyLiked = false });
            Report("recommend top-10 for every user", clock, $"{recommendations.Length:N0} users");
            var similar = 0;
            for (var i = 0; i < 1000; i++)
            {
                similar += model.SimilarItems(i, 10).Length;
            }

            Report("similar items for 1,000 items", clock, $"{similar:N0} results");
            Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20:N0} MiB");
            return 0;
        }

        Console.Error.WriteLine("usage: spark write <dir> [factors] | spark serve <dir>");
        return 2;
    }

    /// <summary>Seeded factors of MovieLens 25M's shape: users and items get random vectors, scaled so scores spread.</summary>
    private static (AlsModel Model, IdIndex<int> Users, IdIndex<int> Items) Synthetic(int factors, int seed)
    {
        var random = new Random(seed);
        var userFactors = new float[(long)Users * factors];
        var itemFactors = new float[(long)Items * factors];
        for (var k = 0; k < userFactors.Length; k++)
        {
            userFactors[k] = (float)(random.NextDouble() - 0.5);
        }

        for (var k = 0; k < itemFactors.Length; k++)
        {
            itemFactors[k] = (float)(random.NextDouble() - 0.5);
        }

        var model = AlsModel.FromFactors(new AlsOptions { Factors = factors, Convention = AlsConvention.Spark, Regularization = 0.1 }, userFactors, itemFactors);

        // MovieLens-like ids: users 1..n, movies spread up to about 209,000 as ml-25m's are.
        return (model, IdIndex.Create(Enumerable.Range(1, Users)), IdIndex.Create(Enumerable.Range(0, Items).Select(i => 1 + (int)(i * 3.54))));
    }

    private static void Report(string stage, Stopwatch clock, string detail)
    {
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(
            $"{stage,-46} {clock.Elapsed.TotalSeconds,7:F2} s  {detail}  (peak {process.PeakWorkingSet64 >> 20:N0} MiB, "
            + $"GC heap {GC.GetTotalMemory(false) >> 20:N0} MiB)");
        clock.Restart();
    }
}
