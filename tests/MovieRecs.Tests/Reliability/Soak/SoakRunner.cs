using System.Collections.Concurrent;
using System.Diagnostics;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.Recommendations;

namespace MovieRecs.Tests.Reliability.Soak;

/// <summary>The latency of one kind of query over a soak run.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Count">How many queries of this kind ran.</param>
/// <param name="P50Microseconds">The median latency (nearest rank).</param>
/// <param name="P99Microseconds">The 99th percentile latency (nearest rank).</param>
internal sealed record SoakLatency(SoakQueryKind Kind, int Count, double P50Microseconds, double P99Microseconds);

/// <summary>What a soak run saw: throughput, latencies, and every disagreement with the serial answers.</summary>
internal sealed class SoakReport
{
    public required long Queries { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Answers that differ from the serial answer (items, order or score bits).</summary>
    public required int Mismatches { get; init; }

    /// <summary>The first few disagreements, described.</summary>
    public required IReadOnlyList<string> MismatchDetails { get; init; }

    /// <summary>Exceptions thrown by any query or evaluation.</summary>
    public required IReadOnlyList<Exception> Errors { get; init; }

    /// <summary>Evaluations completed while the query threads ran (at least one).</summary>
    public required int Evaluations { get; init; }

    /// <summary>Evaluations whose metrics differ from the serial evaluation.</summary>
    public required int EvaluationMismatches { get; init; }

    public required IReadOnlyList<SoakLatency> Latencies { get; init; }

    public double QueriesPerSecond => Queries / Elapsed.TotalSeconds;
}

/// <summary>
/// Runs a <see cref="SoakWorkload"/> on one shared model from many dedicated threads at once, while another thread
/// evaluates the same model again and again, and checks every answer against the serial one.
/// </summary>
/// <remarks>
/// Each thread draws its own seeded sequence of queries (so the threads run different kinds at the same moment);
/// all start together behind a gate. A query is timed with two <see cref="Stopwatch"/> timestamps around the API
/// call only; comparing the answer happens after the second timestamp.
/// </remarks>
internal static class SoakRunner
{
    private const int MaxDetails = 5;

    /// <summary>Runs the soak.</summary>
    /// <param name="model">The shared model.</param>
    /// <param name="workload">The queries.</param>
    /// <param name="expected">The serial answer of each query of <paramref name="workload"/>.</param>
    /// <param name="threads">The number of query threads.</param>
    /// <param name="queriesPerThread">The number of queries each thread runs.</param>
    /// <param name="seed">Seeds each thread's sequence.</param>
    /// <param name="evaluate">Evaluates the model (run in a loop on its own thread), or null for none.</param>
    /// <param name="expectedMetrics">The serial evaluation result.</param>
    public static SoakReport Run(
        AlsModel model, SoakWorkload workload, ScoredItem[][] expected, int threads, int queriesPerThread, int seed,
        Func<RankingMetrics>? evaluate, RankingMetrics? expectedMetrics)
    {
        var sequences = new int[threads][];
        var ticks = new long[threads][];
        for (var t = 0; t < threads; t++)
        {
            var random = new Random(HashCode.Combine(seed, t));
            sequences[t] = new int[queriesPerThread];
            for (var j = 0; j < queriesPerThread; j++)
            {
                sequences[t][j] = random.Next(workload.Queries.Count);
            }

            ticks[t] = new long[queriesPerThread];
        }

        var errors = new ConcurrentQueue<Exception>();
        var details = new ConcurrentQueue<string>();
        var mismatches = 0;
        var evaluations = 0;
        var evaluationMismatches = 0;
        var stop = false;
        using var gate = new ManualResetEventSlim(false);

        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var thread = t;
            workers[t] = new Thread(() =>
            {
                var buffer = new float[workload.MaxPairs()];
                var sequence = sequences[thread];
                var times = ticks[thread];
                gate.Wait();
                try
                {
                    for (var j = 0; j < sequence.Length; j++)
                    {
                        var query = workload.Queries[sequence[j]];
                        var begin = Stopwatch.GetTimestamp();
                        var raw = SoakWorkload.Execute(model, query, buffer);
                        times[j] = Stopwatch.GetTimestamp() - begin;
                        var answer = SoakWorkload.Normalize(query, raw);
                        if (!SoakWorkload.SameBits(expected[sequence[j]], answer))
                        {
                            Interlocked.Increment(ref mismatches);
                            if (details.Count < MaxDetails)
                            {
                                details.Enqueue(
                                    $"thread {thread}, step {j}, query {sequence[j]} ({query.Kind}): expected "
                                    + $"[{string.Join(", ", expected[sequence[j]])}] but got [{string.Join(", ", answer)}]");
                            }
                        }
                    }
                }
                catch (Exception error)
                {
                    errors.Enqueue(error);
                }
            })
            { IsBackground = true, Name = $"soak query {t}" };
            workers[t].Start();
        }

        Thread? evaluator = null;
        if (evaluate is not null)
        {
            evaluator = new Thread(() =>
            {
                gate.Wait();
                try
                {
                    do
                    {
                        var metrics = evaluate();
                        if (metrics != expectedMetrics)
                        {
                            if (Interlocked.Increment(ref evaluationMismatches) <= MaxDetails)
                            {
                                details.Enqueue($"evaluation: expected {expectedMetrics} but got {metrics}");
                            }
                        }

                        Interlocked.Increment(ref evaluations);
                    }
                    while (!Volatile.Read(ref stop));
                }
                catch (Exception error)
                {
                    errors.Enqueue(error);
                }
            })
            { IsBackground = true, Name = "soak evaluator" };
            evaluator.Start();
        }

        var started = Stopwatch.GetTimestamp();
        gate.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Volatile.Write(ref stop, true);
        evaluator?.Join();

        return new SoakReport
        {
            Queries = (long)threads * queriesPerThread,
            Elapsed = elapsed,
            Mismatches = mismatches,
            MismatchDetails = [.. details],
            Errors = [.. errors],
            Evaluations = evaluations,
            EvaluationMismatches = evaluationMismatches,
            Latencies = Latencies(workload, sequences, ticks),
        };
    }

    /// <summary>Times every query of <paramref name="workload"/> once, one after the other, on the calling thread.</summary>
    /// <returns>The answers and the latency of each kind.</returns>
    public static (ScoredItem[][] Answers, IReadOnlyList<SoakLatency> Latencies) RunSerial(AlsModel model, SoakWorkload workload)
    {
        var buffer = new float[workload.MaxPairs()];
        var count = workload.Queries.Count;
        var answers = new ScoredItem[count][];
        var sequence = new int[count];
        var times = new long[count];
        for (var q = 0; q < count; q++)
        {
            var query = workload.Queries[q];
            var begin = Stopwatch.GetTimestamp();
            var raw = SoakWorkload.Execute(model, query, buffer);
            times[q] = Stopwatch.GetTimestamp() - begin;
            answers[q] = SoakWorkload.Normalize(query, raw);
            sequence[q] = q;
        }

        return (answers, Latencies(workload, [sequence], [times]));
    }

    private static SoakLatency[] Latencies(SoakWorkload workload, int[][] sequences, long[][] ticks)
    {
        var byKind = SoakWorkload.Kinds.Select(_ => new List<long>()).ToArray();
        for (var t = 0; t < sequences.Length; t++)
        {
            for (var j = 0; j < sequences[t].Length; j++)
            {
                byKind[(int)workload.Queries[sequences[t][j]].Kind].Add(ticks[t][j]);
            }
        }

        var result = new SoakLatency[byKind.Length];
        for (var k = 0; k < byKind.Length; k++)
        {
            var sorted = byKind[k].ToArray();
            Array.Sort(sorted);
            result[k] = new SoakLatency(SoakWorkload.Kinds[k], sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        }

        return result;
    }

    /// <summary>The nearest-rank percentile of sorted stopwatch ticks, in microseconds (0 when empty).</summary>
    private static double Percentile(long[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (int)Math.Ceiling(fraction * sorted.Length));
        return sorted[rank - 1] * 1e6 / Stopwatch.Frequency;
    }
}
