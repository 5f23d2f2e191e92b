using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Recommendations;

namespace MovieRecs.Cli;

/// <summary>The <c>movierecs</c> commands. <see cref="Run"/> is the whole program, so tests call it in-process.</summary>
internal static partial class Cli
{
    private const string Usage = """
        movierecs: recommendations from implicit feedback (implicit ALS) on MovieLens data.

        usage: movierecs <command> [options]   (every command takes --json and --help)

          generate  --preset ml-100k|ml-1m|ml-10m|ml-20m|ml-25m --out DIR [--seed 42] [--format ml-1m|csv]
          train     DATA --out MODEL(.mrals|.npz) [--min-rating 3 --factors 100 --regularization 0.01 --alpha 1
                    --iterations 15 --seed 42 --threads 2 --solver cg|cholesky --cg-steps 3]
          recommend MODEL --data DIR (--user ID | --titles "t1" "t2" ...) [--count 10]
          similar   MODEL --data DIR (--movie ID | --title T) [--count 15]
          explain   MODEL --data DIR (--user ID | --titles ...) (--movie ID | --title T) [--count 10]
          evaluate  DATA [--split u1 | --test-fraction 0.2] [ALS options] [--k 10]
                    [--sweep iterations=1..15|factors=16,32,64,128 [--plot FILE.png --metric precision|recall|map|ndcg|auc|all
                    --plot-size 960x600]]
          info      MODEL

        evaluate --sweep prints the metrics at each value (lists and ranges mix: iterations=0..5,10,15); an iterations
        sweep trains once, continuing from the previous point. --plot draws a PNG line chart of the --metric list
        (e.g. map,ndcg; default precision, implicit's precision@k, beside the popularity baseline).

        DATA is a MovieLens release folder (any release) or a ratings file; MODEL is written in MovieRecs' own
        format, or as implicit's .npz (with user_ids and item_ids) when it ends in .npz.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var parsed = Arguments.Parse(args);
            if (parsed.Command is null || parsed.Has("help"))
            {
                output.WriteLine(Usage);
                return parsed.Command is null && !parsed.Has("help") ? 2 : 0;
            }

            var report = new Report(parsed.Has("json"));
            var code = parsed.Command switch
            {
                "generate" => Generate(parsed, report),
                "train" => Train(parsed, report),
                "recommend" => Recommend(parsed, report),
                "similar" => Similar(parsed, report),
                "explain" => Explain(parsed, report),
                "evaluate" => Evaluate(parsed, report),
                "info" => Info(parsed, report),
                _ => throw new UsageException($"unknown command {Arguments.Quote(parsed.Command)} (try --help)"),
            };
            report.Flush(output);
            return code;
        }
        catch (Exception e) when (e is UsageException or InvalidDataException or IOException or ArgumentException or KeyNotFoundException
                                      or UnauthorizedAccessException or FormatException or OverflowException or ArithmeticException)
        {
            error.WriteLine($"movierecs: {OneLine(e)}");
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still one line, never a stack trace; a distinct exit code marks it as unexpected.
            error.WriteLine($"movierecs: unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return 70;
        }
    }

    // The message's first line, without the " (Parameter 'name')" that ArgumentException appends: the name is the
    // library's, not an option of the tool, and the message already says what is wrong.
    private static string OneLine(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
        {
            message = message[..^$" (Parameter '{name}')".Length];
        }

        return message.Split('\n')[0];
    }

    private static int Generate(Arguments a, Report report)
    {
        var preset = a.Get("preset") ?? throw new UsageException("generate needs --preset");
        var options = preset switch
        {
            "ml-100k" => SyntheticMovieLensOptions.Ml100k,
            "ml-1m" => SyntheticMovieLensOptions.Ml1m,
            "ml-10m" => SyntheticMovieLensOptions.Ml10m,
            "ml-20m" => SyntheticMovieLensOptions.Ml20m,
            "ml-25m" => SyntheticMovieLensOptions.Ml25m,
            _ => throw new UsageException($"unknown preset {Arguments.Quote(preset)} (ml-100k, ml-1m, ml-10m, ml-20m, ml-25m)"),
        } with { Seed = a.Int("seed", 42) };
        var folder = a.Get("out") ?? throw new UsageException("generate needs --out DIR");
        var clock = Stopwatch.StartNew();
        var data = SyntheticMovieLens.Generate(options);
        report.Stage("generate", clock);
        Directory.CreateDirectory(folder);
        if (a.Get("format") is "csv")
        {
            data.WriteCsvFiles(folder);
        }
        else
        {
            data.WriteMl1mFiles(folder);
        }

        report.Stage("write", clock);
        report.Value("ratings", data.Ratings.Count);
        report.Value("movies", data.Movies.Count);
        report.Line($"Wrote {data.Ratings.Count:N0} ratings of {data.Movies.Count:N0} movies to {folder}");
        return 0;
    }

    private static int Train(Arguments a, Report report)
    {
        var dataPath = a.Positional(0, "DATA");
        var modelPath = a.Get("out") ?? throw new UsageException("train needs --out MODEL");
        var clock = Stopwatch.StartNew();
        // Streamed: only the kept ratings are held, never the whole table (ml-20m: about 0.35 GB instead of 1.2 GB).
        var (ratingsPath, release) = RatingsFile(dataPath);
        var interactions = InteractionMatrix.Read(ratingsPath, release, new InteractionOptions { MinRating = a.Float("min-rating", 3f) });
        report.Stage("read", clock);
        var options = AlsOptionsFrom(a);
        var progress = new IterationReport(report);
        var model = new AlsTrainer(options).Fit(interactions.UserItems, progress);
        report.Stage("fit", clock);
        if (modelPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            ImplicitModelFile.Save(model, modelPath, interactions.Users, interactions.Items);
        }
        else
        {
            AlsModelFile.Save(model, modelPath, interactions.Users, interactions.Items);
        }

        report.Stage("save", clock);
        report.Value("users", model.UserCount);
        report.Value("items", model.ItemCount);
        report.Value("nonZeros", interactions.UserItems.NonZeroCount);
        report.Value("losses", progress.Losses);
        report.Line($"Trained on {interactions.UserItems.RowCount:N0} users x {interactions.UserItems.ColumnCount:N0} movies ({interactions.UserItems.NonZeroCount:N0} ratings >= {a.Float("min-rating", 3f)}); saved {modelPath}");
        return 0;
    }

    private static int Recommend(Arguments a, Report report)
    {
        var (model, users, items, movies, ratings) = LoadModelAndData(a);
        var count = a.Int("count", 10);
        var (liked, values) = Liked(a, users, items, movies, ratings);
        var result = a.Get("user") is not null
            ? model.Recommend(users!.IndexOf(a.Int("user", 0)), liked, count)
            : model.RecommendForNewUser(liked, values, count);
        PrintMovies(report, "recommendations", "score", result, items, movies);
        return 0;
    }

    private static int Similar(Arguments a, Report report)
    {
        var (model, _, items, movies, _) = LoadModelAndData(a);
        var item = MovieColumn(a, items, movies);
        PrintMovies(report, "similar", "similarity", model.SimilarItems(item, a.Int("count", 15)), items, movies);
        return 0;
    }

    private static int Explain(Arguments a, Report report)
    {
        var (model, users, items, movies, ratings) = LoadModelAndData(a);
        var (liked, values) = Liked(a, users, items, movies, ratings);
        var item = MovieColumn(a, items, movies);
        var explanation = model.Explain(liked, values, item, a.Int("count", 10));
        report.Value("movie", items[item]);
        report.Value("score", explanation.Score);
        report.Line($"Score of {movies[items[item]].Title}: {explanation.Score.ToString("F4", CultureInfo.InvariantCulture)} (sum of the contributions)");
        PrintMovies(report, "contributions", "contribution", explanation.Contributions, items, movies);
        return 0;
    }

    private static int Evaluate(Arguments a, Report report)
    {
        var dataPath = a.Positional(0, "DATA");
        var sweep = SweepRequestFrom(a);
        var clock = Stopwatch.StartNew();
        var interactionOptions = new InteractionOptions { MinRating = a.Float("min-rating", 3f) };
        TrainTestSplit split;
        if (a.Get("split") is { } name)
        {
            var (train, test) = MovieLensReader.ReadMl100kSplit(dataPath, name);
            split = RatingsSplit.FromTables(train, test, interactionOptions);
        }
        else
        {
            var (ratingsPath, release) = RatingsFile(dataPath);
            split = TrainTestSplit.Random(InteractionMatrix.Read(ratingsPath, release, interactionOptions).UserItems, a.Double("test-fraction", 0.2), a.Int("seed", 42));
        }

        report.Stage("split", clock);
        if (sweep is not null)
        {
            var dataName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataPath)));
            var label = a.Get("split") is { } splitName
                ? $"{dataName} {splitName}"
                : string.Create(CultureInfo.InvariantCulture, $"{dataName}, random {a.Double("test-fraction", 0.2) * 100:0.#}% test");
            return EvaluateSweep(a, report, split, sweep, label);
        }

        var model = new AlsTrainer(AlsOptionsFrom(a)).Fit(split.Train);
        report.Stage("fit", clock);
        var k = a.Int("k", 10);
        var als = RankingEvaluator.Evaluate(model, split, k);
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k);
        report.Stage("evaluate", clock);
        report.Value("als", als);
        report.Value("popularity", popularity);
        report.Table(
            ["model", $"precision@{k} (implicit's)", "precision", "recall", "MAP", "NDCG", "AUC"],
            [Row("ALS", als), Row("popularity", popularity)]);
        return 0;

        static string[] Row(string name, RankingMetrics m) =>
            [name, F(m.ImplicitPrecision), F(m.Precision), F(m.Recall), F(m.MeanAveragePrecision), F(m.Ndcg), F(m.Auc)];
    }

    private static int Info(Arguments a, Report report)
    {
        var path = a.Positional(0, "MODEL");
        var contents = LoadModel(path);
        var model = contents.Model;
        report.Value("users", model.UserCount);
        report.Value("items", model.ItemCount);
        report.Value("factors", model.Factors);
        report.Value("regularization", model.Options.Regularization);
        report.Value("alpha", model.Options.Alpha);
        report.Value("iterations", model.Options.Iterations);
        report.Value("trainingLoss", model.TrainingLoss);
        report.Value("userIds", contents.Users is not null);
        report.Value("itemIds", contents.Items is not null);
        report.Table(
            ["field", "value"],
            [
                ["file", path], ["users", model.UserCount.ToString("N0", CultureInfo.InvariantCulture)],
                ["items", model.ItemCount.ToString("N0", CultureInfo.InvariantCulture)], ["factors", I(model.Factors)],
                ["regularization", model.Options.Regularization.ToString(CultureInfo.InvariantCulture)],
                ["alpha", model.Options.Alpha.ToString(CultureInfo.InvariantCulture)], ["iterations", I(model.Options.Iterations)],
                ["training loss", model.TrainingLoss?.ToString("G6", CultureInfo.InvariantCulture) ?? "-"],
                ["user ids", contents.Users is null ? "no" : "yes"], ["item ids", contents.Items is null ? "no" : "yes"],
            ]);
        return 0;
    }

    private static AlsOptions AlsOptionsFrom(Arguments a) => new()
    {
        Factors = a.Int("factors", 100),
        Regularization = a.Double("regularization", 0.01),
        Alpha = a.Double("alpha", 1.0),
        Iterations = a.Int("iterations", 15),
        Seed = a.Int("seed", 42),
        MaxDegreeOfParallelism = a.Int("threads", -1),
        Solver = a.Get("solver") switch
        {
            null or "cg" => AlsSolver.ConjugateGradient,
            "cholesky" => AlsSolver.Cholesky,
            var other => throw new UsageException($"unknown solver {Arguments.Quote(other)} (cg or cholesky)"),
        },
        CgSteps = a.Int("cg-steps", 3),
        ComputeLoss = true,
    };

    /// <summary>The ratings file of a folder or a file, and its release (told by the library from the files and their first lines).</summary>
    private static (string Path, MovieLensRelease Release) RatingsFile(string path)
    {
        if (Directory.Exists(path))
        {
            var release = MovieLensReader.DetectRelease(path);
            var name = release switch
            {
                MovieLensRelease.Ml100k => "u.data",
                MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "ratings.dat",
                _ => "ratings.csv",
            };
            var file = Path.Combine(path, name);
            return File.Exists(file) ? (file, release) : throw new UsageException($"no {name} in {path}");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        return (path, MovieLensReader.DetectRatingsFileRelease(path));
    }

    private static (RatingsTable Ratings, IReadOnlyList<Movie> Movies) LoadData(string path)
    {
        if (Directory.Exists(path))
        {
            var dataset = MovieLensDataset.Load(path);
            return (dataset.Ratings, dataset.Movies);
        }

        var (file, release) = RatingsFile(path);
        return (MovieLensReader.ReadRatings(file, release), []);
    }

    private static ModelFileContent LoadModel(string path) =>
        path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? ImplicitModelFile.Load(path) : AlsModelFile.Load(path);

    private static (AlsModel Model, IdIndex<int>? Users, IdIndex<int> Items, Dictionary<int, Movie> Movies, RatingsTable Ratings) LoadModelAndData(Arguments a)
    {
        var contents = LoadModel(a.Positional(0, "MODEL"));
        var items = contents.Items ?? throw new UsageException("the model file has no item ids; train it with movierecs to query by movie");
        var (ratings, movies) = LoadData(a.Get("data") ?? throw new UsageException("this command needs --data DIR (the release the model was trained on)"));
        return (contents.Model, contents.Users, items, movies.ToDictionary(m => m.Id), ratings);
    }

    private static (int[] Items, float[] Values) Liked(Arguments a, IdIndex<int>? users, IdIndex<int> items, Dictionary<int, Movie> movies, RatingsTable ratings)
    {
        var minimum = a.Float("min-rating", 3f);
        var columns = new List<int>();
        var values = new List<float>();
        if (a.Get("user") is not null)
        {
            var userId = a.Int("user", 0);
            if (users is null || !users.Contains(userId))
            {
                throw new UsageException($"user {userId} is not in the model");
            }

            for (var i = 0; i < ratings.Count; i++)
            {
                if (ratings.UserIds[i] == userId && ratings.Ratings[i] >= minimum && items.TryGetIndex(ratings.MovieIds[i], out var column) && !columns.Contains(column))
                {
                    columns.Add(column);
                    values.Add(ratings.Ratings[i]);
                }
            }
        }
        else
        {
            var titles = new MovieTitleIndex(movies.Values);
            foreach (var title in a.All("titles"))
            {
                var column = items.IndexOf(titles.Find(title).Id);
                if (!columns.Contains(column))
                {
                    columns.Add(column);
                    values.Add(5f);
                }
            }

            if (columns.Count == 0)
            {
                throw new UsageException("give --user ID or --titles \"title\" ...");
            }
        }

        return (columns.ToArray(), values.ToArray());
    }

    private static int MovieColumn(Arguments a, IdIndex<int> items, Dictionary<int, Movie> movies)
    {
        if (a.Get("title") is { } title)
        {
            return items.IndexOf(new MovieTitleIndex(movies.Values).Find(title).Id);
        }

        return items.IndexOf(a.Int("movie", -1) is var id and >= 0 ? id : throw new UsageException("give --movie ID or --title T"));
    }

    private static void PrintMovies(Report report, string name, string scoreName, IReadOnlyList<ScoredItem> scored, IdIndex<int> items, Dictionary<int, Movie> movies)
    {
        var rows = scored.Select((s, i) => new[] { I(i + 1), I(items[s.Item]), s.Score.ToString("F4", CultureInfo.InvariantCulture), movies[items[s.Item]].Title }).ToList();
        report.Value(name, scored.Select(s => new { movieId = items[s.Item], title = movies[items[s.Item]].Title, score = s.Score }).ToList());
        report.Table(["#", "movie", scoreName, "title"], rows);
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Collects tables and lines (text mode) or values and stage timings (JSON mode), then writes once.</summary>
    private sealed class Report(bool json)
    {
        private readonly List<string> _lines = [];
        private readonly Dictionary<string, object?> _values = [];
        private readonly Dictionary<string, double> _stages = [];

        public bool Json => json;

        public void Stage(string name, Stopwatch clock)
        {
            _stages[name] = Math.Round(clock.Elapsed.TotalSeconds, 4);
            clock.Restart();
        }

        public void Stage(string name, TimeSpan elapsed) => _stages[name] = Math.Round(elapsed.TotalSeconds, 4);

        public void Value(string name, object? value) => _values[name] = value;

        public void Line(string text) => _lines.Add(text);

        public void Table(string[] header, IReadOnlyList<string[]> rows)
        {
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            string Format(string[] cells) => string.Join("  ", cells.Select((c, i) =>
                i == cells.Length - 1 ? c : double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? c.PadLeft(widths[i]) : c.PadRight(widths[i])));
            _lines.Add(Format(header));
            _lines.Add(string.Join("  ", widths.Select(w => new string('-', w))));
            _lines.AddRange(rows.Select(Format));
        }

        public void Flush(TextWriter output)
        {
            if (json)
            {
                var document = new Dictionary<string, object?>(_values) { ["stageSeconds"] = _stages };
                output.WriteLine(JsonSerializer.Serialize(document));
                return;
            }

            _lines.ForEach(output.WriteLine);
            if (_stages.Count > 0)
            {
                output.WriteLine(string.Join(", ", _stages.Select(s => $"{s.Key} {s.Value.ToString("F2", CultureInfo.InvariantCulture)} s")));
            }
        }
    }

    /// <summary>Prints one line per iteration with the loss (text mode) and keeps the losses for JSON.</summary>
    private sealed class IterationReport(Report report) : IProgress<AlsIterationProgress>
    {
        public List<double> Losses { get; } = [];

        public void Report(AlsIterationProgress value)
        {
            Losses.Add(value.Loss ?? double.NaN);
            report.Line($"iteration {value.Iteration,3}/{value.TotalIterations}  loss {value.Loss?.ToString("G6", CultureInfo.InvariantCulture) ?? "-"}  {value.IterationTime.TotalSeconds:F3} s");
        }
    }
}
