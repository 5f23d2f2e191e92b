using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.Internal;

namespace MovieRecs.Cli;

/// <summary><c>evaluate --sweep</c>: metrics over iterations or factor counts, as a table, JSON and optionally a PNG chart.</summary>
internal static partial class Cli
{
    /// <summary>The metrics <c>--metric</c> can plot: name, legend text, axis text and the value.</summary>
    private static readonly (string Name, string Legend, string Axis, Func<RankingMetrics, double> Value)[] PlotMetrics =
    [
        ("precision", "precision (implicit's)", "precision@{0} (implicit's)", m => m.ImplicitPrecision),
        ("recall", "recall", "recall@{0}", m => m.Recall),
        ("map", "MAP", "MAP@{0}", m => m.MeanAveragePrecision),
        ("ndcg", "NDCG", "NDCG@{0}", m => m.Ndcg),
        ("auc", "AUC", "AUC@{0}", m => m.Auc),
    ];

    /// <summary>
    /// Fits and evaluates one model per sweep value. An iterations sweep trains once: each point continues from the
    /// previous point's model (warm start), which gives the same factors as a fresh fit of that many iterations.
    /// A factors sweep fits each count from scratch.
    /// </summary>
    private static int EvaluateSweep(Report report, EvaluateRequest request, TrainTestSplit split)
    {
        var k = request.K;
        var options = request.Options;
        var spec = request.Sweep!;
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k);
        report.Stage("popularity");

        var points = new List<SweepPoint>();
        var fitTime = TimeSpan.Zero;
        var evaluateTime = TimeSpan.Zero;
        AlsModel? model = null;
        var done = 0;
        var train = request.Weighted(split.Train);
        foreach (var value in spec.Values)
        {
            var started = Stopwatch.GetTimestamp();
            if (spec.Parameter == SweepSpec.Iterations)
            {
                var trainer = new AlsTrainer(options with { Iterations = value - done });
                model = model is null ? trainer.Fit(train) : trainer.Fit(train, model);
                done = value;
            }
            else
            {
                model = new AlsTrainer(options with { Factors = value }).Fit(train);
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
        report.Restart();

        report.Value("sweep", spec.Parameter);
        report.Value("k", k);
        report.Value("points", new JsonArray([.. points.Select(p => new JsonObject
        {
            [spec.Parameter] = p.Value,
            ["metrics"] = Report.Metrics(p.Metrics),
            ["trainingLoss"] = Report.Number(p.Loss),
            ["fitSeconds"] = Math.Round(p.Fit.TotalSeconds, 4),
            ["evaluateSeconds"] = Math.Round(p.Evaluate.TotalSeconds, 4),
        })]));
        report.Value("popularity", Report.Metrics(popularity));

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
            var png = Chart(request, points, popularity, split).RenderPng(request.PlotSize.Width, request.PlotSize.Height);
            AtomicFileWriter.Write(path, "the plot", stream => stream.Write(png), CancellationToken.None);
            report.Stage("plot");
            report.Value("plot", path);
            report.Line($"Wrote {path} ({request.PlotSize.Width} x {request.PlotSize.Height})");
        }

        return 0;
    }

    private static SweepChart Chart(EvaluateRequest request, List<SweepPoint> points, RankingMetrics popularity, TrainTestSplit split)
    {
        var (options, k) = (request.Options, request.K);
        var dataName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.DataPath)));
        var dataLabel = request.Split is { } splitName
            ? $"{dataName} {splitName}"
            : string.Create(CultureInfo.InvariantCulture, $"{dataName}, random {request.TestFraction * 100:0.#}% test");
        var iterations = request.Sweep!.Parameter == SweepSpec.Iterations;
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
        return new SweepChart
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
