using System.Globalization;
using System.Text.Json.Nodes;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Spark;

namespace MovieRecs.Cli;

/// <summary>What <c>generate</c>, <c>train</c> and <c>info</c> do, once their options are parsed and checked.</summary>
internal static partial class Cli
{
    /// <summary>
    /// Generates and writes a release. Ctrl+C (or <paramref name="cancellationToken"/>) stops it with nothing
    /// written: the files are written as one set, so the folder is left as it was; a second Ctrl+C ends the process.
    /// </summary>
    private static int Generate(Report report, string preset, string folder, int seed, bool csv, CancellationToken cancellationToken)
    {
        var options = preset switch
        {
            "ml-100k" => SyntheticMovieLensOptions.Ml100k,
            "ml-1m" => SyntheticMovieLensOptions.Ml1m,
            "ml-10m" => SyntheticMovieLensOptions.Ml10m,
            "ml-20m" => SyntheticMovieLensOptions.Ml20m,
            _ => SyntheticMovieLensOptions.Ml25m,
        } with { Seed = seed };
        if (Path.Exists(folder) && !Directory.Exists(folder))
        {
            throw new UsageException($"--out {CliOptions.Quote(folder)} is a file; generate writes a folder of files");
        }

        using var interrupt = new Interrupt(cancellationToken);
        try
        {
            var data = SyntheticMovieLens.Generate(options, null, interrupt.Token);
            report.Stage("generate");
            if (csv)
            {
                data.WriteCsvFiles(folder, interrupt.Token);
            }
            else
            {
                data.WriteMl1mFiles(folder, interrupt.Token);
            }

            report.Stage("write");
            report.Value("ratings", data.Ratings.Count);
            report.Value("movies", data.Movies.Count);
            report.Line($"Wrote {data.Ratings.Count:N0} ratings of {data.Movies.Count:N0} movies to {folder}");
            return 0;
        }
        catch (OperationCanceledException e) when (interrupt.Token.IsCancellationRequested)
        {
            throw new OperationCanceledException($"interrupted: nothing was written to {CliOptions.Quote(folder)}", e, interrupt.Token);
        }
    }

    private static int Train(Report report, string dataPath, string modelPath, string? format, float minRating, AlsOptions options)
    {
        format ??= modelPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? "npz" : "own";
        CheckModelOutput(modelPath, format);
        // Streamed: only the kept ratings are held, never the whole table (ml-20m: about 0.35 GB instead of 1.2 GB).
        var (ratingsPath, release) = RatingsFile(dataPath);
        var interactions = InteractionMatrix.Read(ratingsPath, release, new InteractionOptions { MinRating = minRating });
        report.Stage("read");
        var progress = new IterationReport(report);
        var model = new AlsTrainer(options).Fit(interactions.UserItems, progress);
        report.Stage("fit");
        switch (format)
        {
            case "spark":
                // MovieLens' column names, so that Spark's transform scores a ratings DataFrame as it is read.
                SparkModelDirectory.Save(
                    model, modelPath, interactions.Users, interactions.Items, new SparkModelSaveOptions { UserColumn = "userId", ItemColumn = "movieId", Overwrite = true });
                break;
            case "npz":
                ImplicitModelFile.Save(model, modelPath, interactions.Users, interactions.Items);
                break;
            default:
                AlsModelFile.Save(model, modelPath, interactions.Users, interactions.Items);
                break;
        }

        report.Stage("save");
        report.Value("users", model.UserCount);
        report.Value("items", model.ItemCount);
        report.Value("nonZeros", interactions.UserItems.NonZeroCount);
        report.Value("losses", new JsonArray([.. progress.Losses.Select(loss => Report.Number(loss))]));
        report.Value("trainingLoss", Report.Number(model.TrainingLoss));
        report.Value("format", format);
        report.Line($"Trained on {interactions.UserItems.RowCount:N0} users x {interactions.UserItems.ColumnCount:N0} movies ({interactions.UserItems.NonZeroCount:N0} ratings >= {minRating.ToString(CultureInfo.InvariantCulture)}); saved {modelPath}{(format == "spark" ? " (a Spark ALSModel directory)" : string.Empty)}");
        return 0;
    }

    /// <summary>
    /// Refuses, before any data is read, a <c>--out</c> the model could not be saved to or must not replace: a missing
    /// folder, a folder where a file goes (or a file where a Spark directory goes), and a folder that is not a Spark
    /// ALSModel directory, which <c>--format spark</c> would otherwise delete with everything in it.
    /// </summary>
    private static void CheckModelOutput(string path, string format)
    {
        var folder = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UsageException($"--out: no such folder: {CliOptions.Quote(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) ?? folder)}");
        }

        if (format != "spark")
        {
            if (Directory.Exists(path))
            {
                throw new UsageException($"--out {CliOptions.Quote(path)} is a folder; the model is a file (a Spark ALSModel directory is written with --format spark)");
            }

            return;
        }

        if (File.Exists(path))
        {
            throw new UsageException($"--out {CliOptions.Quote(path)} is a file; --format spark writes a directory");
        }

        if (Directory.Exists(path) && !Directory.Exists(Path.Combine(path, "metadata")) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new UsageException($"--out {CliOptions.Quote(path)} is a folder that is not a Spark ALSModel directory (it has no metadata folder): it is not replaced; give a new name or remove it");
        }
    }

    private static int Info(Report report, string path)
    {
        var contents = ServingData.LoadModel(path);
        report.Stage("load");
        var model = contents.Model;
        var spark = Directory.Exists(path) ? SparkModelDirectory.ReadMetadata(path) : null;
        var format = spark is not null ? "spark" : path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? "npz" : "own";
        var convention = model.Options.Convention == AlsConvention.Spark ? "spark" : "implicit";
        report.Value("format", format);
        report.Value("convention", convention);
        report.Value("users", model.UserCount);
        report.Value("items", model.ItemCount);
        report.Value("factors", model.Factors);
        report.Value("regularization", model.Options.Regularization);
        report.Value("alpha", model.Options.Alpha);
        report.Value("iterations", model.Options.Iterations);
        report.Value("trainingLoss", Report.Number(model.TrainingLoss));
        report.Value("userIds", contents.Users is not null);
        report.Value("itemIds", contents.Items is not null);
        report.Table(
            ["field", "value"],
            [
                ["file", path], ["users", N(model.UserCount)], ["items", N(model.ItemCount)], ["factors", I(model.Factors)],
                ["regularization", model.Options.Regularization.ToString(CultureInfo.InvariantCulture)],
                ["alpha", model.Options.Alpha.ToString(CultureInfo.InvariantCulture)], ["iterations", I(model.Options.Iterations)],
                ["training loss", model.TrainingLoss?.ToString("G6", CultureInfo.InvariantCulture) ?? "-"],
                ["user ids", contents.Users is null ? "no" : "yes"], ["item ids", contents.Items is null ? "no" : "yes"],
                ["format", spark is null ? format : $"Spark {spark.SparkVersion} ALSModel {spark.Uid} (columns {spark.UserColumn}, {spark.ItemColumn})"],
                ["convention", convention],
            ]);
        if (spark is not null)
        {
            report.Value("sparkVersion", spark.SparkVersion);
            report.Value("uid", spark.Uid);
            report.Value("userColumn", spark.UserColumn);
            report.Value("itemColumn", spark.ItemColumn);
            report.Line("Spark saves no training hyperparameters: regularization, alpha and iterations are Spark's defaults, used for fold-in and explanations.");
        }
        return 0;
    }

    /// <summary>The ratings file of a folder or a file, and its release (told by the library from the files and their first lines).</summary>
    private static (string Path, MovieLensRelease Release) RatingsFile(string path)
    {
        InputPaths.Check(path);
        if (Directory.Exists(path))
        {
            var release = MovieLensReader.DetectRelease(path);
            var name = MovieLensReader.GetRatingsFileName(release);
            var file = Path.Combine(path, name);
            if (!Path.Exists(file))
            {
                throw new UsageException($"no {name} in {CliOptions.Quote(path)}");
            }

            InputPaths.Check(file);
            return (file, release);
        }

        return (path, MovieLensReader.DetectRatingsFileRelease(path));
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

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
