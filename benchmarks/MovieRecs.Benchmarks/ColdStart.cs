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
/// <c>coldstart [fit|serve|all|batch|jit] [--threads N] [--repeat N]</c> times the first call of each workload on the synthetic
/// ml-1m preset (the same inputs as <see cref="AlsFitBenchmarks"/> and <see cref="ServingBenchmarks"/>), then the
/// median of <c>N</c> further calls (warm), and for single-user recommend and explain the p50 and p99 of one call per
/// user. Each launch is one sample of the first call: run it several times and take the median of the first calls.
/// <c>batch</c> times batch recommend's first call, then its parts (scoring alone, selection per user) with the paired
/// and the unpaired tile; <c>jit</c> prints what compiling each method of the batch path costs.
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

        if (workload is "jit")
        {
            // What compiling each method of the batch path costs, one at a time, in a fresh process after a short fit.
            _ = new AlsTrainer(new AlsOptions { Factors = 100, Iterations = 1, Seed = 1, MaxDegreeOfParallelism = threads }).Fit(userItems);
            var flags = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance;
            foreach (var type in new[] { typeof(AlsModel), typeof(ScoringKernels), typeof(SeededTopK), typeof(TopK), typeof(PairedRows) })
            {
                foreach (var method in type.GetMethods(flags | System.Reflection.BindingFlags.DeclaredOnly))
                {
                    if (method.IsAbstract || method.ContainsGenericParameters || !(method.Name.Contains("Recommend", StringComparison.Ordinal) || method.Name.Contains("Select", StringComparison.Ordinal)
                        || method.Name.Contains("Score", StringComparison.Ordinal) || method.Name.Contains("Tile", StringComparison.Ordinal) || method.Name.Contains("Bound", StringComparison.Ordinal)
                        || method.Name.Contains("Pair", StringComparison.Ordinal) || method.Name.Contains("Build", StringComparison.Ordinal) || method.Name.Contains("Sift", StringComparison.Ordinal)
                        || method.Name.Contains("AtLeast", StringComparison.Ordinal) || method.Name.Contains("Reduce", StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    var before = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
                    var took = (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - before).TotalMilliseconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name}.{method.Name}: {took:F2} ms"));
                }
            }
        }

        if (workload is "batch")
        {
            var model = new AlsTrainer(new AlsOptions { Factors = 100, Iterations = 15, Seed = 1, MaxDegreeOfParallelism = threads }).Fit(userItems);
            Measure("recommend top-10, all users, liked filtered", repeat, () => model.RecommendAll(userItems, 10));
            Measure("recommend top-10, all users, liked filtered, unpaired 512-bit tile (before)", repeat, () => model.RecommendAllUnpaired(userItems, 10));
            BatchParts(model, userItems, threads, repeat);
        }

        return 0;
    }

    /// <summary>
    /// Where batch recommend's time goes: the scoring alone (every block of users scored, nothing selected) with the
    /// paired and the unpaired tile, alternating, against the whole call; the rest is selection and results.
    /// </summary>
    private static void BatchParts(AlsModel model, CsrMatrix userItems, int threads, int repeat)
    {
        var users = userItems.RowCount;
        var stride = model.Stride;
        var paired = model.PairedItemCopy();
        var padded = paired.Groups * PairedRows.GroupRows;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var buffers = new System.Collections.Concurrent.ConcurrentBag<float[]>();
        void ScoreAll(bool pairRows)
        {
            Parallel.For(0, (users + 63) / 64, parallel, b =>
            {
                var scores = buffers.TryTake(out var taken) ? taken : new float[ScoringKernels.BlockQueries * padded];
                var end = Math.Min(users, (b + 1) * 64);
                for (var u = b * 64; u < end; u += ScoringKernels.BlockQueries)
                {
                    var count = Math.Min(ScoringKernels.BlockQueries, end - u);
                    var queries = model.UserFactorStorage.Slice(u * stride, count * stride);
                    if (pairRows)
                    {
                        ScoringKernels.ScoreBlockPaired(model.Width, queries, count, stride, paired, model.ItemFactorStorage, scores, padded);
                    }
                    else
                    {
                        ScoringKernels.ScoreBlock(model.Width, queries, count, model.ItemFactorStorage, stride, model.ItemCount, scores, padded, model.Factors);
                    }
                }

                buffers.Add(scores);
            });
        }

        var flops = 2.0 * users * model.ItemCount * paired.Steps * 8;
        var times = new double[4][];
        for (var v = 0; v < 4; v++)
        {
            times[v] = new double[repeat];
        }

        ScoreAll(true);
        ScoreAll(false);
        var clock = new Stopwatch();
        for (var r = 0; r < repeat; r++)
        {
            for (var v = 0; v < 4; v++)
            {
                clock.Restart();
                switch (v)
                {
                    case 0: ScoreAll(true); break;
                    case 1: ScoreAll(false); break;
                    case 2: GC.KeepAlive(model.RecommendAll(userItems, 10)); break;
                    default: GC.KeepAlive(model.RecommendAllUnpaired(userItems, 10)); break;
                }

                times[v][r] = clock.Elapsed.TotalMilliseconds;
            }
        }

        SelectionParts(model, userItems, threads);
        string[] names = ["scoring only, paired tile", "scoring only, unpaired tile", "whole call, paired tile", "whole call, unpaired tile"];
        for (var v = 0; v < 4; v++)
        {
            Array.Sort(times[v]);
            var median = times[v][repeat / 2];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{names[v]}: median {median:F2} ms (min {times[v][0]:F2}), {flops / median / 1e6:F0} GFLOP/s"));
        }
    }

    /// <summary>
    /// The selection of batch recommend alone, per user (liked items marked, then the top 10), with the heap over all
    /// scores and with the seeded selection, on the same scores, alternating which goes first; summed over threads.
    /// </summary>
    private static void SelectionParts(AlsModel model, CsrMatrix userItems, int threads)
    {
        var users = userItems.RowCount;
        var stride = model.Stride;
        var paired = model.PairedItemCopy();
        var padded = paired.Groups * PairedRows.GroupRows;
        var items = model.ItemCount;
        long heapTicks = 0, seededTicks = 0, mismatches = 0;
        Parallel.For(0, (users + 63) / 64, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
        {
            var scores = new float[ScoringKernels.BlockQueries * padded];
            var outItems = new int[10];
            var outScores = new float[10];
            var seededItems = new int[10];
            var seededScores = new float[10];
            var heapItems = new int[64];
            var heapScores = new float[64];
            var candidates = new int[SeededTopK.MaxCandidates];
            var candidateScores = new float[SeededTopK.MaxCandidates];
            long heap = 0, seeded = 0, wrong = 0;
            var end = Math.Min(users, (b + 1) * 64);
            for (var u0 = b * 64; u0 < end; u0 += ScoringKernels.BlockQueries)
            {
                var count = Math.Min(ScoringKernels.BlockQueries, end - u0);
                ScoringKernels.ScoreBlockPaired(model.Width, model.UserFactorStorage.Slice(u0 * stride, count * stride), count, stride, paired, model.ItemFactorStorage, scores, padded);
                for (var j = 0; j < count; j++)
                {
                    var row = scores.AsSpan(j * padded, items);
                    foreach (var item in userItems.GetColumnIndices(u0 + j))
                    {
                        row[item] = float.NaN;
                    }

                    for (var pass = 0; pass < 2; pass++)
                    {
                        var useSeeded = (pass + j) % 2 == 0;
                        var start = Stopwatch.GetTimestamp();
                        if (useSeeded)
                        {
                            SeededTopK.Select(row, seededItems, seededScores, heapItems, heapScores, candidates, candidateScores);
                            seeded += Stopwatch.GetTimestamp() - start;
                        }
                        else
                        {
                            TopK.Select(row, outItems, outScores, heapItems, heapScores);
                            heap += Stopwatch.GetTimestamp() - start;
                        }
                    }

                    wrong += outItems.AsSpan().SequenceEqual(seededItems) && outScores.AsSpan().SequenceEqual(seededScores) ? 0 : 1;
                }
            }

            Interlocked.Add(ref heapTicks, heap);
            Interlocked.Add(ref seededTicks, seeded);
            Interlocked.Add(ref mismatches, wrong);
        });
        var toMicroseconds = 1e6 / Stopwatch.Frequency / users;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"selection per user (thread time): heap over all scores {heapTicks * toMicroseconds:F2} us, seeded {seededTicks * toMicroseconds:F2} us; results differ for {mismatches} users"));
    }

    private static void Measure(string name, int repeat, Func<object> action)
    {
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(action());
        var first = clock.Elapsed.TotalMilliseconds;
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds;
        var methods = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
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
            $"{name}: first {first:F1} ms ({methods} methods compiled in {jit:F1} ms), warm median {median:F1} ms (min {warm[0]:F1}), first/warm {first / median:F2}"));
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
