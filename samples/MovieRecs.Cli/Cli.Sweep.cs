using System.Diagnostics;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.Cli.Plotting;
using MovieRecs.Evaluation;
using MovieRecs.Internal;

namespace MovieRecs.Cli;

/// <summary><c>evaluate --sweep</c>: metrics over iterations or factor counts, as a table, JSON and optionally a PNG chart.</summary>
internal static partial class Cli
{
    private const int DefaultPlotWidth = 960;
    private const int DefaultPlotHeight = 600;

    /// <summary>The metrics <c>--metric</c> can plot: name, legend text, axis text and the value.</summary>
    private static readonly (string Name, string Legend, string Axis, Func<RankingMetrics, double> Value)[] PlotMetrics =
    [
        ("precision", "precision (implicit's)", "precision@{0} (implicit's)", m => m.ImplicitPrecision),
        ("recall", "recall", "recall@{0}", m => m.Recall),
        ("map", "MAP", "MAP@{0}", m => m.MeanAveragePrecision),
        ("ndcg", "NDCG", "NDCG@{0}", m => m.Ndcg),
        ("auc", "AUC", "AUC@{0}", m => m.Auc),
    ];

    /// <summary>What a sweep was asked for, checked before any data is read.</summary>
    private sealed record SweepRequest(SweepSpec Spec, string? PlotPath, int PlotWidth, int PlotHeight, int[] Metrics);

    private static SweepRequest? SweepRequestFrom(Arguments a)
    {
        var plot = a.Get("plot");
        if (a.Get("sweep") is not { } text)
        {
            return plot is null && !a.Has("metric") && !a.Has("plot-size")
                ? null
                : throw new UsageException("--plot, --metric and --plot-size need --sweep (e.g. --sweep iterations=1..15)");
        }

        var spec = SweepSpec.Parse(text);
        if (spec.Parameter == SweepSpec.Iterations && a.Has("iterations"))
        {
            throw new UsageException("--iterations conflicts with --sweep iterations=...; leave it out");
        }

        if (spec.Parameter == SweepSpec.Factors && a.Has("factors"))
        {
            throw new UsageException("--factors conflicts with --sweep factors=...; leave it out");
        }

        if (plot is not null)
        {
            if (!plot.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--plot writes a PNG file; give a name ending in .png, not {Arguments.Quote(plot)}");
            }

            var folder = Path.GetDirectoryName(Path.GetFullPath(plot));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new UsageException($"--plot: no such folder: {folder}");
            }
        }

        var (width, height) = (DefaultPlotWidth, DefaultPlotHeight);
        if (a.Get("plot-size") is { } size)
        {
            var parts = size.Split('x');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out width)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out height)
                || width is < 320 or > 4096 || height is < 240 or > 4096)
            {
                throw new UsageException($"--plot-size expects WIDTHxHEIGHT in pixels, 320x240 to 4096x4096 (e.g. 1200x750), not {Arguments.Quote(size)}");
            }
        }

        var names = a.All("metric").SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var metrics = new List<int>();
        if (names.Count == 0)
        {
            names.Add("precision");
        }

        foreach (var name in names)
        {
            int[] wanted = name == "all"
                ? [0, 2, 3, 4]
                : [Array.FindIndex(PlotMetrics, m => m.Name == name) is var index and >= 0 ? index
                    : throw new UsageException($"--metric: unknown metric {Arguments.Quote(name)} (precision, recall, map, ndcg, auc or all)")];
            metrics.AddRange(wanted.Where(i => !metrics.Contains(i)));
        }

        return new SweepRequest(spec, plot, width, height, [.. metrics]);
    }

    /// <summary>
    /// Fits and evaluates one model per sweep value. An iterations sweep trains once: each point continues from the
    /// previous point's model (warm start), which gives the same factors as a fresh fit of that many iterations.
    /// A factors sweep fits each count from scratch.
    /// </summary>
    private static int EvaluateSweep(Arguments a, Report report, TrainTestSplit split, SweepRequest request, string dataLabel)
    {
        var k = a.Int("k", 10);
        var options = AlsOptionsFrom(a);
        var spec = request.Spec;
        var clock = Stopwatch.StartNew();
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k);
        report.Stage("popularity", clock);

        var points = new List<SweepPoint>();
        var fitTime = TimeSpan.Zero;
        var evaluateTime = TimeSpan.Zero;
        AlsModel? model = null;
        var done = 0;
        foreach (var value in spec.Values)
        {
            var started = Stopwatch.GetTimestamp();
            if (spec.Parameter == SweepSpec.Iterations)
            {
                var trainer = new AlsTrainer(options with { Iterations = value - done });
                model = model is null ? trainer.Fit(split.Train) : trainer.Fit(split.Train, model);
                done = value;
            }
            else
            {
                model = new AlsTrainer(options with { Factors = value }).Fit(split.Train);
            }

            var fitted = Stopwatch.GetTimestamp();
            var metrics = RankingEvaluator.Evaluate(model, split, k);
            var evaluated = Stopwatch.GetTimestamp();
            var point = new SweepPoint(value, metrics, Stopwatch.GetElapsedTime(started, fitted), Stopwatch.GetElapsedTime(fitted, evaluated), model.TrainingLoss);
            fitTime += point.Fit;
            evaluateTime += point.Evaluate;
            points.Add(point);
        }

        report.Stage("fit", fitTime);
        report.Stage("evaluate", evaluateTime);
        clock.Restart();

        report.Value("sweep", spec.Parameter);
        report.Value("k", k);
        report.Value("points", points.Select(p => new Dictionary<string, object?>
        {
            [spec.Parameter] = p.Value,
            ["metrics"] = p.Metrics,
            ["trainingLoss"] = p.Loss is { } loss && double.IsFinite(loss) ? loss : null,
            ["fitSeconds"] = Math.Round(p.Fit.TotalSeconds, 4),
            ["evaluateSeconds"] = Math.Round(p.Evaluate.TotalSeconds, 4),
        }).ToList());
        report.Value("popularity", popularity);

        var rows = points.Select(p => new[]
        {
            I(p.Value), F(p.Metrics.ImplicitPrecision), F(p.Metrics.Precision), F(p.Metrics.Recall), F(p.Metrics.MeanAveragePrecision),
            F(p.Metrics.Ndcg), F(p.Metrics.Auc), p.Loss?.ToString("G6", CultureInfo.InvariantCulture) ?? "-",
            p.Fit.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture), p.Evaluate.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
        }).ToList();
        rows.Add(["popularity", F(popularity.ImplicitPrecision), F(popularity.Precision), F(popularity.Recall), F(popularity.MeanAveragePrecision),
            F(popularity.Ndcg), F(popularity.Auc), "-", "-", "-"]);
        report.Table([spec.Parameter, $"precision@{k} (implicit's)", "precision", "recall", "MAP", "NDCG", "AUC", "loss", "fit s", "evaluate s"], rows);

        if (request.PlotPath is { } path)
        {
            var chart = Chart(request, points, popularity, options, k, dataLabel, split);
            var png = chart.RenderPng(request.PlotWidth, request.PlotHeight);
            AtomicFileWriter.Write(path, "the plot", stream => stream.Write(png), CancellationToken.None);
            report.Stage("plot", clock);
            report.Value("plot", path);
            report.Line($"Wrote {path} ({request.PlotWidth} x {request.PlotHeight})");
        }

        return 0;
    }

    private static LineChart Chart(
        SweepRequest request, List<SweepPoint> points, RankingMetrics popularity, AlsOptions options, int k, string dataLabel, TrainTestSplit split)
    {
        var iterations = request.Spec.Parameter == SweepSpec.Iterations;
        var x = points.Select(p => (double)p.Value).ToArray();
        var series = request.Metrics
            .Select(i => new ChartSeries(PlotMetrics[i].Legend, x, points.Select(p => PlotMetrics[i].Value(p.Metrics)).ToArray()))
            .ToList();
        var single = request.Metrics.Length == 1;
        if (single)
        {
            // One metric: the popularity baseline as a reference line, so the chart shows what ALS adds.
            var baseline = PlotMetrics[request.Metrics[0]].Value(popularity);
            series.Add(new ChartSeries("popularity baseline", [x[0], x[^1]], [baseline, baseline], Reference: true));
        }

        var fixedPart = iterations
            ? $"factors {options.Factors}"
            : $"{options.Iterations} iterations";
        var over = iterations ? "over ALS iterations" : "over factor counts";
        return new LineChart
        {
            Title = single
                ? $"{string.Format(CultureInfo.InvariantCulture, PlotMetrics[request.Metrics[0]].Axis, k)} {over}"
                : $"Ranking metrics at k = {k} {over}",
            Subtitle = string.Create(
                CultureInfo.InvariantCulture,
                $"{dataLabel}: {split.Train.RowCount:N0} users x {split.Train.ColumnCount:N0} movies, {split.Train.NonZeroCount:N0} train / {split.Test.NonZeroCount:N0} test ratings; {fixedPart}, regularization {options.Regularization}, alpha {options.Alpha}, seed {options.Seed}"),
            XLabel = iterations ? "ALS iterations" : "factors",
            YLabel = single ? string.Format(CultureInfo.InvariantCulture, PlotMetrics[request.Metrics[0]].Axis, k) : $"metric at k = {k}",
            LogX = !iterations && x.Length > 1 && x[^1] / x[0] >= 4,
            XTicksAtData = !iterations,
            Series = series,
        };
    }

    private sealed record SweepPoint(int Value, RankingMetrics Metrics, TimeSpan Fit, TimeSpan Evaluate, double? Loss);
}
