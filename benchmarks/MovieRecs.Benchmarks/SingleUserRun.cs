using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// <c>single [--passes N] [--threads N] [--similar] [--no-single]</c>: the single-user path against its previous form in
/// one process, on the model <see cref="ColdStart"/> serves (synthetic ml-1m preset, factors 100, 15 iterations).
/// Single-user recommend is timed one call per user, a whole pass over the users per variant, the variants' passes
/// alternating; each pass gives a p50 and a p99, and the median pass is reported, with the pieces of a call, the
/// candidate counts and the slowest calls re-timed. <c>--similar</c> adds where the time of similar items for all
/// items goes (the whole call, the batch and the merge of its heaps without the result arrays, the all-pairs batch
/// with 2 and 1 workers, the strip kernel alone).
/// </summary>
internal static class SingleUserRun
{
    private delegate int Call(int user, ReadOnlySpan<int> liked, Span<ScoredItem> destination);

    public static int Run(string[] args)
    {
        var passes = Option(args, "--passes", 5);
        var threads = Option(args, "--threads", 2);
        var userItems = BenchmarkData.Ml1mUserItems;
        var model = new AlsTrainer(new AlsOptions { Factors = 100, Iterations = 15, Seed = 1, MaxDegreeOfParallelism = threads }).Fit(userItems);
        Console.WriteLine($"data: {userItems}; kernels {model.Width}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        if (args.Contains("--similar"))
        {
            Similar(model, passes);
        }

        if (args.Contains("--no-single"))
        {
            return 0;
        }

        var query = new float[model.Stride];
        int Pruned(int user, ReadOnlySpan<int> liked, Span<ScoredItem> destination, bool twoPass)
        {
            model.UserFactorMatrix.PaddedRow(user).CopyTo(query);
            var written = twoPass
                ? model.RankPrunedTwoPass(model.Width, query, liked, null, destination, "liked")
                : model.RankPruned(model.Width, query, liked, null, destination, "liked");
            return written >= 0 ? written : model.RecommendFullScan(user, liked, destination);
        }

        Call[] variants =
        [
            (user, liked, destination) => model.Recommend(user, liked, destination),
            (user, liked, destination) => Pruned(user, liked, destination, twoPass: false),
            (user, liked, destination) => Pruned(user, liked, destination, twoPass: true),
            (user, liked, destination) => model.RecommendFullScan(user, liked, destination),
        ];
        string[] names =
        [
            "Recommend (public call, one-pass pruning)",
            "RankPruned, one pass",
            "RankPruned, two passes (previous, baseline)",
            "full float32 scan",
        ];
        CheckSame(model, userItems, variants);
        var p50 = new double[variants.Length][];
        var p99 = new double[variants.Length][];
        for (var v = 0; v < variants.Length; v++)
        {
            p50[v] = new double[passes];
            p99[v] = new double[passes];
        }

        var times = new double[userItems.RowCount];
        var destination = new ScoredItem[10];
        var ticksToMicroseconds = 1e6 / Stopwatch.Frequency;
        for (var pass = -1; pass < passes; pass++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                for (var u = 0; u < userItems.RowCount; u++)
                {
                    var start = Stopwatch.GetTimestamp();
                    variants[v](u, userItems.GetColumnIndices(u), destination);
                    times[u] = (Stopwatch.GetTimestamp() - start) * ticksToMicroseconds;
                }

                if (pass == passes - 1)
                {
                    var heaviest = Enumerable.Range(0, userItems.RowCount).OrderByDescending(u => userItems.GetColumnIndices(u).Length).Take(userItems.RowCount / 100).ToArray();
                    var slowest = Enumerable.Range(0, userItems.RowCount).OrderByDescending(u => times[u]).Take(userItems.RowCount / 100).ToArray();
                    if (v == 1)
                    {
                        Diagnose(model, userItems, slowest, variants[v]);
                    }

                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{names[v]}, last pass: the 1% heaviest users (>= {userItems.GetColumnIndices(heaviest[^1]).Length} items) median {heaviest.Select(u => times[u]).Order().ElementAt(heaviest.Length / 2):F2} us; the 1% slowest calls: {slowest.Count(u => heaviest.Contains(u))} of them heaviest users"));
                }

                if (pass >= 0)
                {
                    Array.Sort(times);
                    p50[v][pass] = Percentile(times, 0.50);
                    p99[v][pass] = Percentile(times, 0.99);
                }
            }
        }

        for (var v = 0; v < variants.Length; v++)
        {
            Array.Sort(p50[v]);
            Array.Sort(p99[v]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{names[v]}: p50 {p50[v][passes / 2]:F2} us (passes {p50[v][0]:F2}-{p50[v][^1]:F2}), p99 {p99[v][passes / 2]:F2} us (passes {p99[v][0]:F2}-{p99[v][^1]:F2})"));
        }

        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static void Similar(AlsModel model, int repeat)
    {
        var factors = model.ItemFactorMatrix;
        var norms = new float[factors.Rows];
        SimilarityKernels.RowNorms(model.Width, factors, norms);

        var packedBuffer = SimilarityKernels.PackNormalized(factors, norms);
        var rows = factors.Rows;
        var f = factors.Factors;
        var panels = (rows + SimilarityKernels.PanelWidth - 1) / SimilarityKernels.PanelWidth;
        var strip = new float[AllPairsTopK.StripRows * panels * SimilarityKernels.PanelWidth];
        var queries = new float[AllPairsTopK.StripRows * f];
        var maxima = new System.Runtime.Intrinsics.Vector256<float>[AllPairsTopK.StripRows * 8];
        var strips = (rows + AllPairsTopK.StripRows - 1) / AllPairsTopK.StripRows;
        void ScoreOnly()
        {
            var packed = packedBuffer.Span;
            for (var s = strips - 1; s >= 0; s--)
            {
                var first = s * AllPairsTopK.StripRows;
                var height = Math.Min(AllPairsTopK.StripRows, rows - first);
                var blocks = (height + 5) / 6;
                for (var b = 0; b < blocks; b++)
                {
                    SimilarityKernels.InterleaveRows(packed, f, rows, first + (6 * b), queries.AsSpan(6 * b * f));
                }

                var firstPanel = first / SimilarityKernels.PanelWidth;
                var width = (panels - firstPanel) * SimilarityKernels.PanelWidth;
                SimilarityKernels.ScoreStrip(model.Width, queries, blocks, packed, f, firstPanel, panels, strip, width, maxima, Math.Min(8, panels - firstPanel), firstPanel + 1, panels - 1);
            }
        }

        void RunHeaps(int workers)
        {
            foreach (var h in AllPairsTopK.Run(model.Width, packedBuffer, f, rows, 9, workers, null, default))
            {
                h.Dispose();
            }
        }

        var drained = new MovieRecs.Recommendations.ScoredItem[rows * 9];
        void RunAndDrain(int workers)
        {
            var heaps = AllPairsTopK.Run(model.Width, packedBuffer, f, rows, 9, workers, null, default);
            for (var q = 0; q < rows; q++)
            {
                PairHeaps.DrainAll(heaps, q, drained.AsSpan(q * 9, 9));
            }

            foreach (var h in heaps)
            {
                h.Dispose();
            }
        }

        (string Name, Action Body)[] parts =
        [
            ("SimilarItemsAll(10)", () => model.SimilarItemsAll(10)),
            ("Run + drain, no result arrays, 2 workers", () => RunAndDrain(2)),
            ("AllPairsTopK.Run, 2 workers", () => RunHeaps(2)),
            ("AllPairsTopK.Run, 1 worker", () => RunHeaps(1)),
            ("ScoreStrip only (no offers), 1 thread", ScoreOnly),
        ];
        var flops = 0.0;
        for (var s = 0; s < strips; s++)
        {
            flops += 2.0 * AllPairsTopK.StripRows * (panels - (s * AllPairsTopK.StripRows / SimilarityKernels.PanelWidth)) * SimilarityKernels.PanelWidth * f;
        }

        var times = new double[parts.Length][];
        for (var p = 0; p < parts.Length; p++)
        {
            times[p] = new double[repeat];
            parts[p].Body();
        }

        for (var r = 0; r < repeat; r++)
        {
            for (var p = 0; p < parts.Length; p++)
            {
                var clock = Stopwatch.StartNew();
                parts[p].Body();
                times[p][r] = clock.Elapsed.TotalMilliseconds;
            }
        }

        for (var p = 0; p < parts.Length; p++)
        {
            Array.Sort(times[p]);
            var median = times[p][repeat / 2];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{parts[p].Name}: median {median:F2} ms (min {times[p][0]:F2}), {flops / median / 1e6:F0} GFLOP/s of the strips' {flops / 1e9:F2} GFLOP"));
        }
    }

    /// <summary>Candidates and repeated timings of the slowest calls against those of all users.</summary>
    private static void Diagnose(AlsModel model, CsrMatrix userItems, int[] slowest, Call call)
    {
        var copy = model.QuantizedItemCopy();
        var query = new float[model.Stride];
        var pairCodes = new int[copy.Pairs];
        var mask = new ulong[copy.MaskWords];
        var items = new int[model.ItemCount + 1];
        var uppers = new float[items.Length];
        int Candidates(int u)
        {
            model.UserFactorMatrix.PaddedRow(u).CopyTo(query);
            copy.PrepareQuery(query, pairCodes, out var scale, out var a, out var b);
            copy.ResetMask(mask);
            foreach (var e in userItems.GetColumnIndices(u))
            {
                mask[e >> 6] |= 1UL << (e & 63);
            }

            return copy.Prune(model.Width, pairCodes, scale, a, b, mask, 10, new float[10], items, uppers, model.ItemCount);
        }

        // The pieces of one call, each timed over every user: the query's codes, then also the mask, then also the scan.
        var pieces = new double[3][];
        for (var piece = 0; piece < 3; piece++)
        {
            pieces[piece] = new double[userItems.RowCount];
            for (var u = 0; u < userItems.RowCount; u++)
            {
                var start = Stopwatch.GetTimestamp();
                model.UserFactorMatrix.PaddedRow(u).CopyTo(query);
                copy.PrepareQuery(query, pairCodes, out var scale, out var a, out var b);
                if (piece >= 1)
                {
                    copy.ResetMask(mask);
                    foreach (var e in userItems.GetColumnIndices(u))
                    {
                        mask[e >> 6] |= 1UL << (e & 63);
                    }
                }

                if (piece >= 2)
                {
                    copy.Prune(model.Width, pairCodes, scale, a, b, mask, 10, new float[10], items, uppers, model.ItemCount);
                }

                pieces[piece][u] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }

            Array.Sort(pieces[piece]);
        }

        // The scans alone, hot (one user's query, 2,000 times) and over every user in turn.
        var lowerBounds = new float[copy.Panels * QuantizedItems.PanelItems];
        var upperBounds = new float[lowerBounds.Length];
        var heapScratch = new float[10];
        model.UserFactorMatrix.PaddedRow(0).CopyTo(query);
        copy.PrepareQuery(query, pairCodes, out var s0, out var a0, out var b0);
        (string Name, Action Scan)[] scans =
        [
            ("Bound, 512-bit", () => copy.Bound(SimdWidth.Vector512, pairCodes, s0, a0, b0, lowerBounds, upperBounds)),
            ("Bound, 256-bit", () => copy.Bound(SimdWidth.Vector256, pairCodes, s0, a0, b0, lowerBounds, upperBounds)),
            ("Prune, 512-bit", () => copy.Prune(SimdWidth.Vector512, pairCodes, s0, a0, b0, mask, 10, heapScratch, items, uppers, model.ItemCount)),
            ("Prune, 256-bit", () => copy.Prune(SimdWidth.Vector256, pairCodes, s0, a0, b0, mask, 10, heapScratch, items, uppers, model.ItemCount)),
        ];
        foreach (var (name, scan) in scans)
        {
            var hot = new double[2000];
            for (var r = 0; r < hot.Length; r++)
            {
                var start = Stopwatch.GetTimestamp();
                scan();
                hot[r] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }

            Array.Sort(hot);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, hot: p50 {hot[hot.Length / 2]:F2} us"));
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"pieces (p50): query codes {pieces[0][pieces[0].Length / 2]:F2} us, + mask {pieces[1][pieces[1].Length / 2]:F2} us, + one-pass scan {pieces[2][pieces[2].Length / 2]:F2} us"));
        var all = Enumerable.Range(0, userItems.RowCount).Select(Candidates).Order().ToArray();
        var slow = slowest.Select(Candidates).Order().ToArray();
        var destination = new ScoredItem[10];
        var again = slowest.Select(u =>
        {
            var best = double.MaxValue;
            for (var r = 0; r < 5; r++)
            {
                var start = Stopwatch.GetTimestamp();
                call(u, userItems.GetColumnIndices(u), destination);
                best = Math.Min(best, (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency);
            }

            return best;
        }).Order().ToArray();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"candidates: all users p50 {all[all.Length / 2]}, p99 {all[all.Length * 99 / 100]}, max {all[^1]}; the 1% slowest calls p50 {slow[slow.Length / 2]}, max {slow[^1]}; those users re-timed (best of 5): p50 {again[again.Length / 2]:F2} us, max {again[^1]:F2} us"));
    }

    /// <summary>Every variant's answer for every user must be the full scan's, bit for bit.</summary>
    private static void CheckSame(AlsModel model, CsrMatrix userItems, Call[] variants)
    {
        var expected = new ScoredItem[10];
        var actual = new ScoredItem[10];
        var query = new float[model.Stride];
        var fallbacks = new List<int>();
        for (var u = 0; u < userItems.RowCount; u++)
        {
            var liked = userItems.GetColumnIndices(u);
            model.UserFactorMatrix.PaddedRow(u).CopyTo(query);
            if (model.RankPruned(model.Width, query, liked, null, actual, "liked") < 0)
            {
                fallbacks.Add(liked.Length);
            }

            var n = model.RecommendFullScan(u, liked, expected);
            foreach (var variant in variants)
            {
                if (variant(u, liked, actual) != n || !expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)))
                {
                    throw new InvalidOperationException($"user {u}: a variant differs from the full scan");
                }
            }
        }

        fallbacks.Sort();
        Console.WriteLine($"pruning fell back to the full scan for {fallbacks.Count} users (liked items: {string.Join(" ", fallbacks.Take(40))} ...)");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
