using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.Json.Nodes;
using MovieRecs.Als;
using MovieRecs.Recommendations;

namespace MovieRecs.Cli;

internal static partial class Cli
{
    /// <summary>The command tree: every command, its typed options and checks, and the action that runs it.</summary>
    private sealed partial class Commands
    {
        private const string Description = """
            Recommendations from implicit feedback (implicit ALS) on MovieLens data: generate data, train a model,
            recommend, find similar movies, explain, evaluate. DATA is a MovieLens release folder (any release) or a
            ratings file; MODEL is MovieRecs' own format, implicit's .npz when the name ends in .npz, or a folder: an
            Apache Spark MLlib ALSModel directory (ALSModel.save). Exit codes:
            0 success, 1 a mistake in the command line or the data, 2 no command given, 70 an unexpected failure, 130
            interrupted (Ctrl+C).
            """;

        private readonly TextWriter _output;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<Command, string[]> _examples = [];

        public Commands(TextWriter output, CancellationToken cancellationToken)
        {
            _output = output;
            _cancellationToken = cancellationToken;
            Root = new RootCommand(Description.ReplaceLineEndings(" ").Trim());
            Root.Options.OfType<HelpOption>().Single().Action = new HelpWithExamples(_examples);
            Root.Add(Json);
            Root.Add(Generate());
            Root.Add(Train());
            Root.Add(Recommend());
            Root.Add(Similar());
            Root.Add(Explain());
            Root.Add(Evaluate());
            Root.Add(Info());
            _examples[Root] =
            [
                "movierecs generate --preset ml-100k --out data",
                "movierecs train data --out model.mrals",
                "movierecs recommend model.mrals --data data --user 1",
                "movierecs train --help",
            ];
        }

        public RootCommand Root { get; }

        public Option<bool> Json { get; } = CliOptions.Json();

        private Command Generate()
        {
            var preset = CliOptions.Choice("--preset", "The release whose shape (users, movies, ratings, popularity skew) to copy.", ["ml-100k", "ml-1m", "ml-10m", "ml-20m", "ml-25m"]);
            preset.Required = true;
            var folder = CliOptions.NotEmpty(new Option<string>("--out") { Description = "The folder to write the files to (created if needed).", HelpName = "DIR", Required = true });
            var seed = CliOptions.Seed("The generator's seed.");
            var format = CliOptions.Choice("--format", "ml-1m's .dat files or ml-25m-style .csv files.", ["ml-1m", "csv"], "ml-1m");
            var command = Define("generate", "Writes a synthetic MovieLens-shaped release.", [preset, folder, seed, format],
            [
                "movierecs generate --preset ml-100k --out ml-100k-synthetic",
                "movierecs generate --preset ml-25m --out big --format csv --seed 7",
            ]);
            command.SetAction(result => Execute(result, report => Cli.Generate(
                report, result.GetRequiredValue(preset), result.GetRequiredValue(folder), result.GetValue(seed), result.GetValue(format) == "csv", _cancellationToken)));
            return command;
        }

        private Command Train()
        {
            var data = Data();
            var model = CliOptions.NotEmpty(new Option<string>("--out") { Description = "The model: a file (MovieRecs' own format, or implicit's .npz when the name ends in .npz), or with --format spark a directory.", HelpName = "MODEL", Required = true });
            var format = CliOptions.Choice("--format", "own, npz, or spark: an Apache Spark MLlib ALSModel directory that Spark's ALSModel.load reads (an earlier one is replaced, any other folder refused). Default: npz when MODEL ends in .npz, else own.", ["own", "npz", "spark"]);
            var als = new AlsOptionSet("Random initial factors.");
            var command = Define("train", "Fits implicit ALS on DATA and saves the model with its user and movie ids.", [data, model, format, .. als.All],
            [
                "movierecs train ml-100k --out model.mrals",
                "movierecs train ml-100k/u1.base --out model.npz --factors 64 --iterations 10 --min-rating 4",
                "movierecs train ml-100k --out model.mrals --loss",
                "movierecs train ml-100k --out spark-model --format spark --convention spark",
            ]);
            // Every command tells a model file's format by its name, so a file saved against its name would not load back.
            command.Validators.Add(result =>
            {
                var npzName = result.GivenText(model) is { } name && name.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);
                switch (result.GivenText(format))
                {
                    case "own" when npzName:
                        result.AddError("--format own cannot be saved under a name ending in .npz: the tool would read it back as implicit's .npz; give another name");
                        break;
                    case "npz" when !npzName:
                        result.AddError("--format npz needs a MODEL name ending in .npz: the tool reads any other file as its own format");
                        break;
                }
            });
            command.SetAction(result => Execute(result, report => Cli.Train(
                report, result.GetRequiredValue(data), result.GetRequiredValue(model), result.GetValue(format), result.GetValue(als.MinRating), als.From(result))));
            return command;
        }

        private Command Recommend()
        {
            var (model, dataOption) = ModelAndData();
            var user = CliOptions.Id("--user", "A user of the data: the movies they rated at least --min-rating are left out.");
            var titles = Titles();
            var count = CliOptions.Count("--count", "How many movies.", 10);
            var minRating = CliOptions.MinRating("A --user's ratings at or above it are the movies they like.");
            var command = Define("recommend", "Top movies for a user of the data, or for a new user who likes the given titles.", [model, dataOption, user, titles, count, minRating],
            [
                "movierecs recommend model.mrals --data ml-100k --user 1",
                "movierecs recommend model.mrals --data ml-100k/u.data --titles \"star wars\" \"toy story\" --count 5",
            ]);
            OneOf(command, user, titles);
            command.SetAction(result => Execute(result, report =>
            {
                var served = ServingData.Load(result.GetRequiredValue(model), result.GetRequiredValue(dataOption), report);
                var (liked, values) = Liked(served, result, user, titles, minRating);
                var scored = result.Given(user)
                    ? served.Model.Recommend(served.Row(result.GetValue(user)), liked, result.GetValue(count))
                    : served.Model.RecommendForNewUser(liked, values, result.GetValue(count));
                report.Stage("recommend");
                PrintMovies(report, "recommendations", "score", scored, served);
                return 0;
            }));
            return command;
        }

        private Command Similar()
        {
            var (model, dataOption) = ModelAndData(moviesOnly: true);
            var movie = CliOptions.Id("--movie", "A movie id of the model.");
            var title = CliOptions.NotEmpty(new Option<string>("--title") { Description = "A title, matched loosely (case, accents, articles and the year may differ).", HelpName = "TITLE" });
            var count = CliOptions.Count("--count", "How many movies, the movie itself included.", 15);
            var command = Define("similar", "Movies closest to a movie in cosine similarity of their factors (the movie itself first).", [model, dataOption, movie, title, count],
            [
                "movierecs similar model.mrals --data ml-100k --title \"star wars\" --count 5",
                "movierecs similar model.mrals --data ml-100k --movie 50",
            ]);
            OneOf(command, movie, title);
            command.SetAction(result => Execute(result, report =>
            {
                var served = ServingData.Load(result.GetRequiredValue(model), result.GetRequiredValue(dataOption), report);
                var column = MovieColumn(served, result, movie, title);
                var scored = served.Model.SimilarItems(column, result.GetValue(count));
                report.Stage("similar");
                PrintMovies(report, "similar", "similarity", scored, served);
                return 0;
            }));
            return command;
        }

        private Command Explain()
        {
            var (model, dataOption) = ModelAndData();
            var user = CliOptions.Id("--user", "A user of the data, whose liked movies explain the score.");
            var titles = Titles();
            var movie = CliOptions.Id("--movie", "The movie id whose score to explain.");
            var title = CliOptions.NotEmpty(new Option<string>("--title") { Description = "The title whose score to explain, matched loosely.", HelpName = "TITLE" });
            var count = CliOptions.Count("--count", "How many contributions.", 10);
            var minRating = CliOptions.MinRating("A --user's ratings at or above it are the movies they like.");
            var command = Define("explain", "Splits a recommendation's score into the contributions of the liked movies.", [model, dataOption, user, titles, movie, title, count, minRating],
            [
                "movierecs explain model.mrals --data ml-100k --user 1 --movie 50",
                "movierecs explain model.mrals --data ml-100k --titles \"toy story\" --title \"star wars\"",
            ]);
            OneOf(command, user, titles);
            OneOf(command, movie, title);
            command.SetAction(result => Execute(result, report =>
            {
                var served = ServingData.Load(result.GetRequiredValue(model), result.GetRequiredValue(dataOption), report);
                var (liked, values) = Liked(served, result, user, titles, minRating);
                var column = MovieColumn(served, result, movie, title);
                var explanation = served.Model.Explain(liked, values, column, result.GetValue(count));
                report.Stage("explain");
                report.Value("movie", served.Items[column]);
                report.Value("score", explanation.Score);
                report.Line($"Score of {served.Movie(column).Title}: {explanation.Score.ToString("F4", CultureInfo.InvariantCulture)} (sum of the contributions)");
                PrintMovies(report, "contributions", "contribution", explanation.Contributions, served);
                return 0;
            }));
            return command;
        }

        private Command Info()
        {
            var model = CliOptions.NotEmpty(new Argument<string>("MODEL") { Description = "A model file (own format, or implicit's .npz), or a Spark ALSModel directory." });
            var command = Define("info", "Shape and hyperparameters of a saved model.", [model], ["movierecs info model.mrals", "movierecs info model.npz --json", "movierecs info spark-model"]);
            command.SetAction(result => Execute(result, report => Cli.Info(report, result.GetRequiredValue(model))));
            return command;
        }

        private static Argument<string> Data() =>
            CliOptions.NotEmpty(new Argument<string>("DATA") { Description = "A MovieLens release folder (any release) or a ratings file (u.data, u1.base, ratings.dat, ratings.csv)." });

        private static (Argument<string> Model, Option<string> Data) ModelAndData(bool moviesOnly = false) =>
        (
            CliOptions.NotEmpty(new Argument<string>("MODEL") { Description = "A model saved by movierecs train (own format or .npz, with its ids), or a Spark ALSModel directory." }),
            CliOptions.NotEmpty(new Option<string>("--data")
            {
                Description = "The data the model was trained on: its release folder or ratings file (the movies file beside it)"
                    + (moviesOnly ? "; a folder with only the movies file will do." : "."),
                HelpName = "DATA",
                Required = true,
            })
        );

        private static Option<string[]> Titles() => CliOptions.NotEmpty(new Option<string[]>("--titles")
        {
            Description = "Titles the user likes, matched loosely (case, accents, articles and the year may differ).",
            HelpName = "TITLE",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        });

        /// <summary>A command with its arguments and options, and examples for its help.</summary>
        private Command Define(string name, string description, Symbol[] symbols, string[] examples)
        {
            var command = new Command(name, description);
            foreach (var symbol in symbols)
            {
                switch (symbol)
                {
                    case Argument argument:
                        command.Add(argument);
                        break;
                    case Option option:
                        command.Add(option);
                        break;
                }
            }

            _examples[command] = examples;
            return command;
        }

        /// <summary>Exactly one of two options must be given.</summary>
        private static void OneOf(Command command, Option first, Option second) =>
            command.Validators.Add(result =>
            {
                var (a, b) = (result.Given(first), result.Given(second));
                if (a && b)
                {
                    result.AddError($"{first.Name} and {second.Name} cannot be combined: give one");
                }
                else if (!a && !b)
                {
                    result.AddError($"{command.Name} needs {first.Name} or {second.Name}");
                }
            });

        /// <summary>Runs a command's work with a fresh report and prints the report.</summary>
        private int Execute(ParseResult result, Func<Report, int> work)
        {
            var report = new Report(result.GetValue(Json));
            var code = work(report);
            report.Flush(_output);
            return code;
        }

        private static (int[] Columns, float[] Values) Liked(ServingData served, ParseResult result, Option<int> user, Option<string[]> titles, Option<float> minRating)
        {
            if (result.Given(user))
            {
                return served.Liked(result.GetValue(user), result.GetValue(minRating));
            }

            var columns = new List<int>();
            foreach (var title in result.GetValue(titles) ?? [])
            {
                var column = served.Column(title);
                if (!columns.Contains(column))
                {
                    columns.Add(column);
                }
            }

            var values = new float[columns.Count];
            values.AsSpan().Fill(5f);
            return ([.. columns], values);
        }

        private static int MovieColumn(ServingData served, ParseResult result, Option<int> movie, Option<string> title) =>
            result.Given(movie) ? served.Column(result.GetValue(movie)) : served.Column(result.GetRequiredValue(title));

        private static void PrintMovies(Report report, string name, string scoreName, IReadOnlyList<ScoredItem> scored, ServingData served)
        {
            var list = new JsonArray();
            var rows = new List<string[]>();
            for (var i = 0; i < scored.Count; i++)
            {
                var movie = served.Movie(scored[i].Item);
                list.Add(new JsonObject { ["movieId"] = movie.Id, ["title"] = movie.Title, ["score"] = scored[i].Score });
                rows.Add([I(i + 1), I(movie.Id), scored[i].Score.ToString("F4", CultureInfo.InvariantCulture), movie.Title]);
            }

            report.Value(name, list);
            report.Table(["#", "movie", scoreName, "title"], rows);
        }

        /// <summary>The ALS hyperparameters <c>train</c> and <c>evaluate</c> take, with their defaults.</summary>
        private sealed class AlsOptionSet(string seedDescription)
        {
            public Option<float> MinRating { get; } = CliOptions.MinRating("Ratings below it are left out of the interaction matrix.");

            public Option<int> Factors { get; } = CliOptions.Factors();

            public Option<double> Regularization { get; } = CliOptions.Regularization();

            public Option<double> Alpha { get; } = CliOptions.Alpha();

            public Option<int> Iterations { get; } = CliOptions.Iterations();

            public Option<int> Seed { get; } = CliOptions.Seed(seedDescription);

            public Option<int> Threads { get; } = CliOptions.Threads();

            public Option<string> Solver { get; } = CliOptions.Choice("--solver", "Conjugate gradient (as implicit) or exact Cholesky.", ["cg", "cholesky"], "cg");

            public Option<int> CgSteps { get; } = CliOptions.CgSteps();

            public Option<bool> Loss { get; } = new("--loss")
            {
                Description = "Computes the training loss after every iteration (shown per iteration and saved in the report); it costs about a third of the fit.",
            };

            public Option<string> Convention { get; } = CliOptions.Choice(
                "--convention", "implicit's confidence alpha*r and plain lambda, or Spark MLlib's 1+alpha*r and lambda times each row's count.", ["implicit", "spark"], "implicit");

            public Symbol[] All => [MinRating, Factors, Regularization, Alpha, Iterations, Seed, Threads, Solver, CgSteps, Convention, Loss];

            public AlsOptions From(ParseResult result) => new()
            {
                Factors = result.GetValue(Factors),
                Regularization = result.GetValue(Regularization),
                Alpha = result.GetValue(Alpha),
                Iterations = result.GetValue(Iterations),
                Seed = result.GetValue(Seed),
                MaxDegreeOfParallelism = result.GetValue(Threads),
                Solver = result.GetValue(Solver) == "cholesky" ? AlsSolver.Cholesky : AlsSolver.ConjugateGradient,
                CgSteps = result.GetValue(CgSteps),
                Convention = result.GetValue(Convention) == "spark" ? AlsConvention.Spark : AlsConvention.Implicit,
                ComputeLoss = result.GetValue(Loss),
            };
        }
    }
}
