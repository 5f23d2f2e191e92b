using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// What an application gets in a fresh process with .NET's default runtime settings (this project sets no JIT switch):
/// <c>coldstart [fit|serve|all] [--threads N] [--repeat N]</c> times the first call of each workload on the synthetic
/// ml-1m preset (the same inputs as <see cref="AlsFitBenchmarks"/> and <see cref="ServingBenchmarks"/>), then the
/// median of <c>N</c> further calls (warm), and for single-user recommend and explain the p50 and p99 of one call per
/// user. Each launch is one sample of the first call: run it several times and take the median of the first calls.
/// </summary>
internal static class ColdStart
{
    private static readonly string[] SdkVariables =
        ["DOTNET_CLI_", "DOTNET_NOLOGO", "DOTNET_GENERATE_ASPNET_CERTIFICATE", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "DOTNET_ROOT", "DOTNET_HOST_PATH"];

    public static int Run(string[] args)
    {
        var workload = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !char.IsDigit(a[0])) ?? "all";
        var threads = Option(args, "--threads", 2);
        var repeat = Option(args, "--repeat", 5);
        // The project's runtimeconfig sets nothing; the environment could, so the runtime's variables are listed (the
        // SDK's own DOTNET_ variables, which the runtime does not read, are left out). The list should be empty.
        var runtimeVariables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("DOTNET_", StringComparison.Ordinal) && !SdkVariables.Any(sdk => name.StartsWith(sdk, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Console.WriteLine(
            $"runtime settings from the environment: {(runtimeVariables.Length == 0 ? "none" : string.Join(", ", runtimeVariables))}; " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        var userItems = BenchmarkData.Ml1mUserItems;
        Console.WriteLine($"data: {userItems}");
        if (workload is "fit" or "all")
        {
            var options = new AlsOptions
            {
                Factors = 100, Regularization = 0.01, Alpha = 1.0, Iterations = 15, CgSteps = 3, Seed = 1, MaxDegreeOfParallelism = threads,
            };
            Measure($"CG fit, {threads} thread(s)", repeat, () => new AlsTrainer(options).Fit(userItems));
        }

        if (workload is "serve" or "all")
        {
            var model = new AlsTrainer(new AlsOptions { Factors = 100, Iterations = 15, Seed = 1, MaxDegreeOfParallelism = threads }).Fit(userItems);
            Measure("recommend top-10, all users, liked filtered", repeat, () => model.RecommendAll(userItems, 10));
            Measure("similar items top-10, all items", repeat, () => model.SimilarItemsAll(10));
            var wide = model.Width;
            var narrow = model.WithKernelWidth(SimdWidth.Vector256);
            Measure($"recommend top-10, all users, liked filtered, {narrow.Width} kernels (before the 512-bit tile)", repeat, () => narrow.RecommendAll(userItems, 10));
            Measure($"recommend top-10, all users, liked filtered, {wide} kernels", repeat, () => model.RecommendAll(userItems, 10));
            PerCall("one user's top-10, full scan", userItems, (user, liked, values, destination) => model.RecommendFullScan(user, liked, destination));
            PerCall("one user's top-10", userItems, (user, liked, values, destination) => model.Recommend(user, liked, destination));
            PerCall("explain the top item", userItems, (user, liked, values, destination) =>
                model.Explain(liked, values, (user * 7919) % model.ItemCount, 10).Contributions.Count);
        }

        return 0;
    }

    private static void Measure(string name, int repeat, Func<object> action)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(action());
        var first = clock.Elapsed.TotalMilliseconds;
        var warm = new double[repeat];
        for (var r = 0; r < repeat; r++)
        {
            clock.Restart();
            GC.KeepAlive(action());
            warm[r] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(warm);
        var median = warm[repeat / 2];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: first {first:F1} ms, warm median {median:F1} ms (min {warm[0]:F1}), first/warm {first / median:F2}"));
    }

    private delegate int Call(int user, ReadOnlySpan<int> liked, ReadOnlySpan<float> values, Span<ScoredItem> destination);

    private static void PerCall(string name, CsrMatrix userItems, Call call)
    {
        var destination = new ScoredItem[10];
        var times = new double[userItems.RowCount];
        var ticksToMicroseconds = 1e6 / Stopwatch.Frequency;
        for (var u = 0; u < userItems.RowCount; u++)
        {
            var start = Stopwatch.GetTimestamp();
            call(u, userItems.GetColumnIndices(u), userItems.GetValues(u), destination);
            times[u] = (Stopwatch.GetTimestamp() - start) * ticksToMicroseconds;
        }

        var first = times[0];
        var sorted = times[1..];
        Array.Sort(sorted);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: first call {first:F0} us; one call per user after it ({sorted.Length:N0} calls): p50 {Percentile(sorted, 0.50):F1} us, p99 {Percentile(sorted, 0.99):F1} us"));

        // The same again, now that everything has had its chance to tier up.
        for (var u = 0; u < userItems.RowCount; u++)
        {
            var start = Stopwatch.GetTimestamp();
            call(u, userItems.GetColumnIndices(u), userItems.GetValues(u), destination);
            times[u] = (Stopwatch.GetTimestamp() - start) * ticksToMicroseconds;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}, second pass: p50 {Percentile(times, 0.50):F1} us, p99 {Percentile(times, 0.99):F1} us"));
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
