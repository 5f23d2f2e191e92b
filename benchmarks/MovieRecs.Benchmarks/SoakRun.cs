using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Reliability.Soak;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The concurrency soak at full size, outside BenchmarkDotNet: <c>soak [queries] [factors] [threads]</c> (defaults
/// 100000, 100, 8) fits a model on the synthetic ml-1m preset (ratings &gt;= 3, 80/20 random split, 15 iterations,
/// CG 3), answers a seeded mix of 5,000 distinct queries one at a time (twice: the first pass warms up, the
/// second is timed), then lets the query threads draw
/// <c>queries</c> queries from that mix against one shared copy of the model while another thread evaluates it
/// (<see cref="RankingEvaluator"/>, K = 10, one thread) over and over. Every answer is compared bit for bit with the
/// serial one and every evaluation with the serial evaluation; prints throughput and per-kind p50/p99 latency and
/// exits 1 on any difference or exception.
/// </summary>
internal static class SoakRun
{
    private const int DistinctQueries = 5_000;

    public static int Run(string[] args)
    {
        var queries = args.Length >= 1 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var factors = args.Length >= 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var threads = args.Length >= 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        if (queries < threads || factors < 1 || threads < 1)
        {
            Console.Error.WriteLine("usage: soak [queries >= threads] [factors >= 1] [threads >= 1]");
            return 2;
        }

        Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores");
        var clock = Stopwatch.StartNew();
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m);
        var split = TrainTestSplit.Random(InteractionMatrix.Build(data.Ratings).UserItems, 0.2, seed: 1);
        Console.WriteLine($"data: synthetic ml-1m, ratings >= 3, 80/20 split: train {split.Train.RowCount:N0} x {split.Train.ColumnCount:N0}, {split.Train.NonZeroCount:N0} non-zeros ({clock.Elapsed.TotalSeconds:F1} s)");

        clock.Restart();
        var options = new AlsOptions { Factors = factors, Iterations = 15, CgSteps = 3, Seed = 1 };
        var fitted = new AlsTrainer(options).Fit(split.Train);
        Console.WriteLine($"fit: {factors} factors, 15 iterations, CG 3 ({clock.Elapsed.TotalSeconds:F1} s)");

        // The first serial pass also compiles the code; the second is timed and must give the same answers.
        var workload = SoakWorkload.Create(split.Train, DistinctQueries, seed: 11);
        var (expected, _) = SoakRunner.RunSerial(fitted, workload);
        clock.Restart();
        var (again, serialLatencies) = SoakRunner.RunSerial(fitted, workload);
        var serialSeconds = clock.Elapsed.TotalSeconds;
        var serialDiffer = Enumerable.Range(0, expected.Length).Count(q => !SoakWorkload.SameBits(expected[q], again[q]));
        Console.WriteLine($"serial: {DistinctQueries:N0} distinct queries on one thread, {DistinctQueries / serialSeconds:N0} queries/s (second pass; {serialDiffer} answers differ from the first)");

        clock.Restart();
        var oneThread = new EvaluationOptions { MaxDegreeOfParallelism = 1 };
        var expectedMetrics = RankingEvaluator.Evaluate(fitted, split, 10, oneThread);
        Console.WriteLine($"serial evaluation: {expectedMetrics.UserCount:N0} users, ndcg@10 {expectedMetrics.Ndcg:F4} ({clock.Elapsed.TotalSeconds:F2} s)");

        var shared = SoakWorkload.ColdCopy(fitted);
        var report = SoakRunner.Run(
            shared, workload, expected, threads, queries / threads, seed: 13,
            () => RankingEvaluator.Evaluate(shared, split, 10, oneThread), expectedMetrics);

        Console.WriteLine();
        Console.WriteLine($"concurrent: {report.Queries:N0} queries on {threads} threads + 1 evaluating thread in {report.Elapsed.TotalSeconds:F2} s = {report.QueriesPerSecond:N0} queries/s; {report.Evaluations} evaluations meanwhile");
        Console.WriteLine();
        Console.WriteLine("| query | count | p50 µs | p99 µs | alone p50 µs | alone p99 µs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var k = 0; k < report.Latencies.Count; k++)
        {
            var latency = report.Latencies[k];
            var alone = serialLatencies[k];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {latency.Kind} | {latency.Count:N0} | {latency.P50Microseconds:F0} | {latency.P99Microseconds:F0} | {alone.P50Microseconds:F0} | {alone.P99Microseconds:F0} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"answers differing from the serial ones: {report.Mismatches}; evaluations differing: {report.EvaluationMismatches}; exceptions: {report.Errors.Count}");
        foreach (var detail in report.MismatchDetails)
        {
            Console.WriteLine(detail);
        }

        foreach (var error in report.Errors.Take(5))
        {
            Console.WriteLine(error);
        }

        return serialDiffer == 0 && report.Mismatches == 0 && report.EvaluationMismatches == 0 && report.Errors.Count == 0 ? 0 : 1;
    }
}
