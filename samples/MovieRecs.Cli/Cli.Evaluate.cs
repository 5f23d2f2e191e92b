using System.CommandLine;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.Bpr;
using MovieRecs.Evaluation;
using MovieRecs.LogisticMf;
using MovieRecs.MovieLens;
using MovieRecs.Neighbors;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Cli;

/// <summary><c>evaluate</c>: one fit scored against a held-out split, or a sweep over iterations or factor counts with an optional chart.</summary>
internal static partial class Cli
{
    /// <summary>What an evaluation was asked for, checked while parsing, before any data is read.</summary>
    private sealed record EvaluateRequest(
        string DataPath, string? Split, double TestFraction, float MinRating, AlsOptions Options, int K, SweepSpec? Sweep, string? PlotPath, PlotSize PlotSize, int[] Metrics)
    {
        /// <summary>The <c>--model</c> asked for (null: ALS beside the popularity baseline).</summary>
        public string? Model { get; init; }

        /// <summary>The item-item settings of <c>--model bm25|tfidf|cosine|all</c> (the similarity is set per model).</summary>
        public ItemKnnOptions Knn { get; init; } = ItemKnnOptions.Default;

        /// <summary>The <c>--weight</c> applied to ALS's training matrix: none, bm25 or tfidf.</summary>
        public string Weight { get; init; } = "none";

        /// <summary>The <c>--bm25-k1</c> given, if any (its default depends on what it weights).</summary>
        public double? Bm25K1 { get; init; }

        /// <summary>The <c>--bm25-b</c> given, if any (its default depends on what it weights).</summary>
        public double? Bm25B { get; init; }

        /// <summary>Fits ALS on the training matrix, weighted first when <c>--weight</c> asks.</summary>
        public AlsModel FitAls(CsrMatrix train) => new AlsTrainer(Options).Fit(Weighted(train));

        /// <summary>The matrix ALS trains on: the training matrix, weighted when <c>--weight</c> asks.</summary>
        public CsrMatrix Weighted(CsrMatrix train) => Weight switch
        {
            // As implicit's tutorials weight: the item x user matrix, items as the documents.
            "bm25" => SparseWeighting.Bm25Weight(train.Transpose(), Bm25K1 ?? 100, Bm25B ?? 0.8).Transpose(),
            "tfidf" => SparseWeighting.TfIdfWeight(train.Transpose()).Transpose(),
            _ => train,
        };

        /// <summary>The BPR settings of <c>--model bpr|all</c>.</summary>
        public BprOptions Bpr { get; init; } = new();

        /// <summary>The logistic MF settings of <c>--model lmf|all</c>.</summary>
        public LogisticMfOptions LogisticMf { get; init; } = new();
    }

    /// <summary>The values of <c>--model</c>; <c>all</c> evaluates every other one.</summary>
    private static readonly string[] EvaluateModels = ["als", "bpr", "lmf", "bm25", "tfidf", "cosine", "popularity", "all"];

    private static int Evaluate(Report report, EvaluateRequest request)
    {
        var interactionOptions = new InteractionOptions { MinRating = request.MinRating };
        TrainTestSplit split;
        if (request.Split is { } name)
        {
            InputPaths.Check(request.DataPath);
            if (!Directory.Exists(request.DataPath))
            {
                throw new UsageException($"--split {name} reads {name}.base and {name}.test of the ml-100k folder, not a file: {CliOptions.Quote(request.DataPath)}");
            }

            // Every movie of u.item gets a column, as in implicit's matrices indexed by raw movie id: the document
            // count of TF-IDF and BM25 and the sampling of logistic MF depend on it.
            var (train, test) = MovieLensReader.ReadMl100kSplit(request.DataPath, name);
            var itemFile = Path.Combine(request.DataPath, "u.item");
            var movies = File.Exists(itemFile) ? MovieLensReader.ReadMovies(itemFile, MovieLensRelease.Ml100k) : null;
            split = RatingsSplit.FromTables(train, test, interactionOptions, movies);
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

        if (request.Model is { } modelName)
        {
            return EvaluateModelsOn(report, request, split, modelName);
        }

        var model = request.FitAls(split.Train);
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

    /// <summary><c>evaluate --model</c>: fits and scores each model named, one table row (and JSON value) per model.</summary>
    private static int EvaluateModelsOn(Report report, EvaluateRequest request, TrainTestSplit split, string modelName)
    {
        string[] names = modelName == "all" ? EvaluateModels[..^1] : [modelName];
        var rows = new List<string[]>();
        foreach (var name in names)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IRecommender model = name switch
            {
                "als" => request.FitAls(split.Train),
                "popularity" => new PopularityRecommender(split.Train),
                "bpr" => BprModel.Fit(split.Train, request.Bpr),
                "lmf" => LogisticMfModel.Fit(split.Train, request.LogisticMf),
                _ => ItemKnnModel.Fit(split.Train, request.Knn with
                {
                    Similarity = name switch { "cosine" => ItemSimilarity.Cosine, "tfidf" => ItemSimilarity.TfIdf, _ => ItemSimilarity.Bm25 },
                }),
            };
            var fit = clock.Elapsed;
            report.Stage("fit " + name, fit);
            var m = RankingEvaluator.Evaluate(model, split, request.K);
            report.Value(name, Report.Metrics(m));
            rows.Add([name, F(m.ImplicitPrecision), F(m.Precision), F(m.Recall), F(m.MeanAveragePrecision), F(m.Ndcg), F(m.Auc), fit.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)]);
        }

        report.Table(["model", $"precision@{request.K} (implicit's)", "precision", "recall", "MAP", "NDCG", "AUC", "fit (s)"], rows);
        return 0;
    }

    private sealed partial class Commands
    {
        private Command Evaluate()
        {
            var data = Data();
            var split = CliOptions.Choice("--split", "One of ml-100k's published splits (DATA is the ml-100k folder); every movie of its u.item is indexed, as in a matrix indexed by raw movie id.", ["u1", "u2", "u3", "u4", "u5", "ua", "ub"]);
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
            var model = CliOptions.Choice("--model", "The model to evaluate: als, bpr (Bayesian Personalized Ranking), lmf (logistic matrix factorization), bm25, tfidf, cosine (item-item), popularity, or all (one table row each); without it, ALS beside the popularity baseline.", EvaluateModels);
            model.HelpName = "MODEL";
            var neighbors = CliOptions.Count("--neighbors", "Item-item models: the neighbours kept per item (implicit's K).", 20);
            var k1 = CliOptions.Parsed("--bm25-k1", "BM25: the term-frequency saturation K1 (default 1.2 for the bm25 item-item model, 100 for --weight bm25).", "K1", text => ParseNonNegative("--bm25-k1", text));
            var b = CliOptions.Parsed("--bm25-b", "BM25: the length normalisation B, 0 to 1 (default 0.75 for the bm25 item-item model, 0.8 for --weight bm25).", "B", text => ParseUnit("--bm25-b", text));
            var learningRate = CliOptions.LearningRate();
            var weight = CliOptions.Choice("--weight", "ALS: weights the training matrix first, as implicit's bm25_weight or tfidf_weight of the item x user matrix (default none).", ["none", "bm25", "tfidf"], "none");
            weight.HelpName = "WEIGHT";
            var command = Define("evaluate", "Splits the ratings, fits ALS (or the --model given) on the training part and ranks the held-out part, beside a popularity baseline.",
                [data, split, testFraction, .. als.All, k, model, learningRate, neighbors, k1, b, weight, sweep, plot, metric, plotSize],
                [
                    "movierecs evaluate ml-100k --split u1",
                    "movierecs evaluate ml-100k --test-fraction 0.2 --factors 64 --json",
                    "movierecs evaluate ml-100k --split u1 --model bm25 --neighbors 20 --bm25-k1 1.2 --bm25-b 0.75",
                    "movierecs evaluate ml-100k --split u1 --model bpr --factors 100 --learning-rate 0.01 --iterations 100 --threads 2",
                    "movierecs evaluate ml-100k --split u1 --model lmf --factors 30 --iterations 30",
                    "movierecs evaluate ml-100k --split u1 --model all --json",
                    "movierecs evaluate ml-100k --split u1 --model als --weight bm25 --bm25-k1 100 --bm25-b 0.8",
                    "movierecs evaluate ml-100k --split u1 --sweep iterations=0..15 --metric all --plot sweep.png",
                    "movierecs evaluate ml-100k --sweep factors=16,32,64,128 --metric map,ndcg --plot factors.png --plot-size 1200x750",
                ]);
            metric.Validators.Add(result =>
            {
                if (result.Tokens.Count > 0 && !result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Any())
                {
                    result.AddError("--metric: no metric given (precision, recall, map, ndcg, auc or all)");
                    return;
                }

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
                    result.AddError($"--plot: no such folder: {CliOptions.Quote(Path.GetDirectoryName(path) is { Length: > 0 } given ? given : folder)}");
                }
            });
            command.Validators.Add(result =>
            {
                // --model given without its value is the parser's error alone.
                var modelName = result.GivenText(model) ?? (result.Given(model) ? "all" : null);
                if (result.Given(split) && result.Given(testFraction))
                {
                    result.AddError("--split and --test-fraction cannot be combined: --split takes a published split, --test-fraction makes a random one");
                }
                else if (result.Given(learningRate) && modelName is not ("bpr" or "lmf" or "all"))
                {
                    result.AddError("--learning-rate sets BPR's and logistic MF's step size; give it with --model bpr, lmf or all");
                }
                else if (result.Given(sweep) && result.Given(model))
                {
                    result.AddError("--sweep varies ALS; it cannot be combined with --model");
                }
                else if (result.Given(weight) && modelName is { } named && named is not ("als" or "all"))
                {
                    result.AddError($"--weight weights ALS's training matrix; it does not apply to --model {named}");
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
                result.GetValue(k), result.GetValue(sweep), result.GetValue(plot), result.GetValue(plotSize) ?? PlotSize.Default, MetricIndexes(result.GetValue(metric) ?? []))
            {
                Model = result.GetValue(model),
                Weight = result.GetValue(weight) ?? "none",
                Bm25K1 = result.GetValue(k1),
                Bm25B = result.GetValue(b),
                Knn = new ItemKnnOptions
                {
                    K = result.GetValue(neighbors),
                    K1 = result.GetValue(k1) ?? ItemKnnOptions.Default.K1,
                    B = result.GetValue(b) ?? ItemKnnOptions.Default.B,
                },
                Bpr = new BprOptions
                {
                    Factors = result.GetValue(als.Factors),
                    LearningRate = result.GetValue(learningRate),
                    Regularization = result.GetValue(als.Regularization),
                    Iterations = result.Given(als.Iterations) ? result.GetValue(als.Iterations) : new BprOptions().Iterations,
                    Seed = result.GetValue(als.Seed),
                    MaxDegreeOfParallelism = result.GetValue(als.Threads),
                },
                LogisticMf = new LogisticMfOptions
                {
                    Factors = result.Given(als.Factors) ? result.GetValue(als.Factors) : new LogisticMfOptions().Factors,
                    LearningRate = result.Given(learningRate) ? result.GetValue(learningRate) : new LogisticMfOptions().LearningRate,
                    Regularization = result.Given(als.Regularization) ? result.GetValue(als.Regularization) : new LogisticMfOptions().Regularization,
                    Iterations = result.Given(als.Iterations) ? result.GetValue(als.Iterations) : new LogisticMfOptions().Iterations,
                    Seed = result.GetValue(als.Seed),
                    MaxDegreeOfParallelism = result.GetValue(als.Threads),
                },
            })));
            return command;
        }

        private static double? ParseNonNegative(string name, string text) => ParseNumber(name, text, double.MaxValue, "a non-negative number");

        private static double? ParseUnit(string name, string text) => ParseNumber(name, text, 1, "a number from 0 to 1");

        // A plain number, as every numeric option takes: no white space, thousands separators or hex.
        private static double? ParseNumber(string name, string text, double maximum, string expected) =>
            double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= 0 && value <= maximum
                ? value
                : throw new UsageException($"{name} expects {expected}, not {CliOptions.Quote(text)}");

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
