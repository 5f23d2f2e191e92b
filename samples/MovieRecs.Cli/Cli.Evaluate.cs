using System.CommandLine;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;

namespace MovieRecs.Cli;

/// <summary><c>evaluate</c>: one fit scored against a held-out split, or a sweep over iterations or factor counts with an optional chart.</summary>
internal static partial class Cli
{
    /// <summary>What an evaluation was asked for, checked while parsing, before any data is read.</summary>
    private sealed record EvaluateRequest(
        string DataPath, string? Split, double TestFraction, float MinRating, AlsOptions Options, int K, SweepSpec? Sweep, string? PlotPath, PlotSize PlotSize, int[] Metrics);

    private static int Evaluate(Report report, EvaluateRequest request)
    {
        var interactionOptions = new InteractionOptions { MinRating = request.MinRating };
        TrainTestSplit split;
        if (request.Split is { } name)
        {
            var (train, test) = MovieLensReader.ReadMl100kSplit(request.DataPath, name);
            split = RatingsSplit.FromTables(train, test, interactionOptions);
        }
        else
        {
            var (ratingsPath, release) = RatingsFile(request.DataPath);
            split = TrainTestSplit.Random(InteractionMatrix.Read(ratingsPath, release, interactionOptions).UserItems, request.TestFraction, request.Options.Seed);
        }

        report.Stage("split");
        if (request.Sweep is not null)
        {
            return EvaluateSweep(report, request, split);
        }

        var model = new AlsTrainer(request.Options).Fit(split.Train);
        report.Stage("fit");
        var k = request.K;
        var als = RankingEvaluator.Evaluate(model, split, k);
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k);
        report.Stage("evaluate");
        report.Value("als", Report.Metrics(als));
        report.Value("popularity", Report.Metrics(popularity));
        report.Table(
            ["model", $"precision@{k} (implicit's)", "precision", "recall", "MAP", "NDCG", "AUC"],
            [Row("ALS", als), Row("popularity", popularity)]);
        return 0;

        static string[] Row(string name, RankingMetrics m) =>
            [name, F(m.ImplicitPrecision), F(m.Precision), F(m.Recall), F(m.MeanAveragePrecision), F(m.Ndcg), F(m.Auc)];
    }

    private sealed partial class Commands
    {
        private Command Evaluate()
        {
            var data = Data();
            var split = CliOptions.Choice("--split", "One of ml-100k's published splits (DATA is the ml-100k folder).", ["u1", "u2", "u3", "u4", "u5", "ua", "ub"]);
            var testFraction = CliOptions.TestFraction();
            var als = new AlsOptionSet("Random initial factors, and the random split.");
            var k = CliOptions.Count("--k", "Ranking cut-off of the metrics.", 10);
            var sweep = CliOptions.Parsed("--sweep", "Varies one hyperparameter: iterations=1..15, iterations=0..5,10,15 or factors=16,32,64,128.", "SPEC", SweepSpec.Parse);
            var plot = new Option<string>("--plot") { Description = "Draws a PNG line chart of the --metric list over the swept values (needs --sweep).", HelpName = "FILE.png" };
            var metric = new Option<string[]>("--metric")
            {
                Description = "The metrics to plot: precision (implicit's precision@k), recall, map, ndcg, auc, or all (several as a list: map,ndcg).",
                HelpName = "LIST",
                AllowMultipleArgumentsPerToken = true,
                Arity = ArgumentArity.OneOrMore,
                DefaultValueFactory = _ => ["precision"],
            };
            metric.CompletionSources.Add([.. PlotMetrics.Select(m => m.Name), "all"]);
            var plotSize = CliOptions.Parsed("--plot-size", "The image size in pixels, 320x240 to 4096x4096 (default 960x600).", "WIDTHxHEIGHT", PlotSize.Parse);
            var command = Define("evaluate", "Splits the ratings, fits ALS on the training part and ranks the held-out part, beside a popularity baseline.",
                [data, split, testFraction, .. als.All, k, sweep, plot, metric, plotSize],
                [
                    "movierecs evaluate ml-100k --split u1",
                    "movierecs evaluate ml-100k --test-fraction 0.2 --factors 64 --json",
                    "movierecs evaluate ml-100k --split u1 --sweep iterations=0..15 --metric all --plot sweep.png",
                    "movierecs evaluate ml-100k --sweep factors=16,32,64,128 --metric map,ndcg --plot factors.png --plot-size 1200x750",
                ]);
            metric.Validators.Add(result =>
            {
                foreach (var name in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (name != "all" && Array.FindIndex(PlotMetrics, m => m.Name == name) < 0)
                    {
                        result.AddError($"--metric: unknown metric {CliOptions.Quote(name)} (precision, recall, map, ndcg, auc or all)");
                        return;
                    }
                }
            });
            plot.Validators.Add(result =>
            {
                var path = result.GetValueOrDefault<string>();
                if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                {
                    result.AddError($"--plot writes a PNG file; give a name ending in .png, not {CliOptions.Quote(path)}");
                }
                else if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
                {
                    result.AddError($"--plot: no such folder: {folder}");
                }
            });
            command.Validators.Add(result =>
            {
                if (result.Given(split) && result.Given(testFraction))
                {
                    result.AddError("--split and --test-fraction cannot be combined: --split takes a published split, --test-fraction makes a random one");
                }
                else if (SweepOf(result.GetResult(sweep)) is not { } spec)
                {
                    if (result.Given(plot) || result.Given(metric) || result.Given(plotSize))
                    {
                        result.AddError("--plot, --metric and --plot-size need --sweep (e.g. --sweep iterations=1..15)");
                    }
                }
                else if (spec.Parameter == SweepSpec.Iterations && result.Given(als.Iterations))
                {
                    result.AddError("--iterations conflicts with --sweep iterations=...; leave it out");
                }
                else if (spec.Parameter == SweepSpec.Factors && result.Given(als.Factors))
                {
                    result.AddError("--factors conflicts with --sweep factors=...; leave it out");
                }
            });
            command.SetAction(result => Execute(result, report => Cli.Evaluate(report, new EvaluateRequest(
                result.GetRequiredValue(data), result.GetValue(split), result.GetValue(testFraction), result.GetValue(als.MinRating), als.From(result),
                result.GetValue(k), result.GetValue(sweep), result.GetValue(plot), result.GetValue(plotSize) ?? PlotSize.Default, MetricIndexes(result.GetValue(metric) ?? [])))));
            return command;
        }

        /// <summary>The sweep given, or null when none was given or it is malformed (its own error says so).</summary>
        private static SweepSpec? SweepOf(System.CommandLine.Parsing.OptionResult? result)
        {
            try
            {
                return result is { Implicit: false, Tokens.Count: > 0 } ? SweepSpec.Parse(result.Tokens[0].Value) : null;
            }
            catch (UsageException)
            {
                return null;
            }
        }

        /// <summary>The rows of <see cref="PlotMetrics"/> named (each once, in order; "all" is precision, MAP, NDCG and AUC).</summary>
        private static int[] MetricIndexes(string[] values)
        {
            var indexes = new List<int>();
            foreach (var name in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                int[] wanted = name == "all" ? [0, 2, 3, 4] : [Array.FindIndex(PlotMetrics, m => m.Name == name)];
                indexes.AddRange(wanted.Where(i => !indexes.Contains(i)));
            }

            return [.. indexes];
        }
    }

    /// <summary>The size of a <c>--plot</c> image, <c>WIDTHxHEIGHT</c> in pixels.</summary>
    private sealed record PlotSize(int Width, int Height)
    {
        public static PlotSize Default { get; } = new(960, 600);

        public static PlotSize Parse(string text)
        {
            var parts = text.Split('x');
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
                && width is >= 320 and <= 4096 && height is >= 240 and <= 4096
                ? new PlotSize(width, height)
                : throw new UsageException($"--plot-size expects WIDTHxHEIGHT in pixels, 320x240 to 4096x4096 (e.g. 1200x750), not {CliOptions.Quote(text)}");
        }
    }
}
