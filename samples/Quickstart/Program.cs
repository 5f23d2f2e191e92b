// The MovieLens tutorial, end to end: load ratings, keep ratings >= 3 as implicit feedback, add the new user "yong"
// from five favourite titles (titles that fit no movie are reported and skipped), train implicit ALS, then print
// similar movies, recommendations and an explanation with the user weights, through the title-level MovieRecommender.
//
//   dotnet run -c Release --project samples/Quickstart [-- --data <dir>] [--favourite "title" ...] [--idle-timeout <seconds>]
//
// Data: --data <dir>, else the MOVIERECS_DATA folder, else the download cache, else a download of ml-1m; with none
// of these (offline), the synthetic ml-1m-shaped data set of the library. The download is given up when nothing
// arrives for --idle-timeout seconds (default 30; a slow but steady download is never cut short).
using System.Diagnostics;
using System.Globalization;
using MovieRecs.Als;
using MovieRecs.MovieLens;

string[] tutorialFavourites =
[
    "jurassic park (1993)", "men in black (1997)", "terminator 2: judgment day (1991)", "terminator, the (1984)", "matrix, the (1999)",
];

string? dataArgument = null;
var favourites = new List<string>();
var idleTimeout = TimeSpan.FromSeconds(30);
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data" when i + 1 < args.Length:
            dataArgument = args[++i];
            break;
        case "--favourite" or "--favorite" when i + 1 < args.Length:
            favourites.Add(args[++i]);
            break;
        case "--idle-timeout" when i + 1 < args.Length:
            if (!double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds is > 0 and <= 86_400))
            {
                Console.Error.WriteLine($"error: --idle-timeout expects seconds from above 0 to 86400, not '{args[i]}'");
                return 2;
            }

            idleTimeout = TimeSpan.FromSeconds(seconds);
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: Quickstart [--data <dir>] [--favourite \"title\"]... [--idle-timeout <seconds>]");
            return 0;
        default:
            Console.Error.WriteLine($"error: unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

try
{
    var clock = Stopwatch.StartNew();
    var (ratings, movies, source) = await LoadDataAsync(dataArgument, idleTimeout);
    Console.WriteLine($"Data: {source}: {ratings.Count:N0} ratings, {movies.Count:N0} movies ({clock.Elapsed.TotalSeconds:F2} s)");

    // Ratings >= 3 are positive feedback and the rating is the confidence; every movie gets a column.
    var interactions = InteractionMatrix.Build(ratings, InteractionOptions.Default, movies);
    var titles = new MovieTitleIndex(movies);
    var liked = ChooseFavourites(favourites, tutorialFavourites, titles, interactions, movies, source);
    interactions = interactions.AppendUser("yong", liked);
    Console.WriteLine($"Matrix: {interactions.UserItems.RowCount:N0} users x {interactions.UserItems.ColumnCount:N0} movies, {interactions.UserItems.NonZeroCount:N0} ratings >= 3");
    Console.WriteLine($"New user yong (id {interactions.Users[interactions.RowOf("yong")]}) likes: {string.Join("; ", liked.Found.Select(m => m.Title))}");

    // Train: factors 100, regularization 0.01, alpha 1, 15 iterations, as in the tutorial.
    var options = new AlsOptions { Factors = 100, Regularization = 0.01, Alpha = 1.0, Iterations = 15, Seed = 42 };
    var training = Stopwatch.StartNew();
    var model = new AlsTrainer(options).Fit(interactions.UserItems, new ProgressBar());
    Console.WriteLine($"Trained in {training.Elapsed.TotalSeconds:F2} s");

    // Titles in, titles out: the model joined with its matrix and the movie list.
    var recommender = new MovieRecommender(model, interactions, movies);

    var anchor = titles.TryFind("terminator 2: judgment day (1991)", out var t2) ? t2 : liked.Found[0];
    var similar = recommender.SimilarMovies(anchor.Id, 15);
    PrintTable($"Movies most similar to {anchor.Title}", ["#", "similarity", "title"],
        similar.Select((s, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), s.Score.ToString("F3", CultureInfo.InvariantCulture), s.Movie.Title }));

    var recommendations = recommender.RecommendForUser("yong", 20);
    PrintTable("Top 20 for yong (already-liked filtered)", ["#", "score", "title"],
        recommendations.Select((r, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), r.Score.ToString("F3", CultureInfo.InvariantCulture), r.Movie.Title }));

    var top = recommendations[0];
    var explanation = recommender.Explain("yong", top.Movie.Id, 10);
    PrintTable($"Why {top.Movie.Title}? (score {explanation.Score:F3} = sum of the contributions)", ["liked movie", "contribution"],
        explanation.Contributions.Select(c => new[] { c.Movie.Title, c.Score.ToString("F4", CultureInfo.InvariantCulture) }));
    Console.WriteLine(
        $"User weights (implicit's user_weights): {model.Factors} x {model.Factors} upper-triangular U of yong's matrix W = UᵀU, diagonal {UserWeightDiagonal(explanation.UserWeights.Span, model.Factors)}");

    Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F2} s.");
    return 0;
}
catch (Exception e) when (e is MovieNotFoundException or AmbiguousMovieTitleException or InvalidDataException or IOException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static async Task<(RatingsTable Ratings, IReadOnlyList<Movie> Movies, string Source)> LoadDataAsync(string? dataArgument, TimeSpan idleTimeout)
{
    foreach (var folder in CandidateFolders(dataArgument))
    {
        var release = FindRelease(folder);
        if (release is not null)
        {
            var dataset = MovieLensDataset.Load(release);
            return (dataset.Ratings, dataset.Movies, $"{Path.GetFileName(release)} ({dataset.Release})");
        }
    }

    if (dataArgument is not null)
    {
        throw new IOException($"No MovieLens ratings found in '{dataArgument}' (looked for ml-1m, ml-100k or a release folder).");
    }

    try
    {
        Console.WriteLine("No MovieLens data found locally: downloading ml-1m from GroupLens ...");
        // A network that never answers is given up after idleTimeout with the downloader's own message, which says
        // where to put the files by hand (a deadline on the whole call would cut a slow download short and say only
        // that a task was cancelled).
        var downloader = new MovieLensDownloader(new MovieLensDownloaderOptions { IdleTimeout = idleTimeout });
        var folder = await downloader.EnsureAsync(MovieLensRelease.Ml1m);
        var dataset = MovieLensDataset.Load(folder);
        return (dataset.Ratings, dataset.Movies, "ml-1m (downloaded)");
    }
    catch (Exception e) when (e is MovieLensDownloadException or HttpRequestException)
    {
        Console.WriteLine($"Offline: {e.Message.Split('\n')[0]}");
        Console.WriteLine("Or give a MovieLens folder with --data <dir> or the MOVIERECS_DATA variable.");
        Console.WriteLine("Running on the synthetic ml-1m-shaped data set instead (same shape, made-up titles).");
        var synthetic = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m);
        return (synthetic.Ratings, synthetic.Movies, "synthetic ml-1m");
    }
}

static IEnumerable<string> CandidateFolders(string? dataArgument)
{
    if (dataArgument is not null)
    {
        yield return dataArgument;
        yield break;
    }

    if (Environment.GetEnvironmentVariable("MOVIERECS_DATA") is { Length: > 0 } fromEnvironment)
    {
        yield return fromEnvironment;
    }

    yield return MovieLensDownloaderOptions.DefaultCacheDirectory;
}

// A folder that is a release with ratings, or holds ml-1m (preferred) or ml-100k.
static string? FindRelease(string folder)
{
    foreach (var candidate in new[] { folder, Path.Combine(folder, "ml-1m"), Path.Combine(folder, "ml-100k") })
    {
        if (Directory.Exists(candidate) && (File.Exists(Path.Combine(candidate, "ratings.dat")) || File.Exists(Path.Combine(candidate, "u.data")) || File.Exists(Path.Combine(candidate, "ratings.csv"))))
        {
            return candidate;
        }
    }

    return null;
}

// Titles are matched leniently: each one that fits no movie (a typo, a film the release lacks) or several is
// reported with its candidates and skipped. The tutorial's defaults are used where the release has them; on
// synthetic data, or when none is found, the five most popular movies stand in. Explicit titles must find at least one.
static TitleMatches ChooseFavourites(List<string> given, string[] defaults, MovieTitleIndex titles, InteractionMatrix interactions, IReadOnlyList<Movie> movies, string source)
{
    var synthetic = source.StartsWith("synthetic", StringComparison.Ordinal);
    var matches = titles.Match(given.Count > 0 ? given : synthetic ? MostPopularTitles(interactions, movies) : defaults);
    foreach (var unresolved in matches.Unresolved)
    {
        Console.WriteLine($"Skipped: {unresolved}");
    }

    if (matches.Found.Count > 0)
    {
        return matches;
    }

    if (given.Count > 0)
    {
        throw new ArgumentException("None of the --favourite titles was found.");
    }

    return titles.Match(MostPopularTitles(interactions, movies));
}

// The diagonal of the user weights U, in brief: its first and last entries.
static string UserWeightDiagonal(ReadOnlySpan<float> weights, int factors) =>
    string.Create(CultureInfo.InvariantCulture, $"{weights[0]:F3} ... {weights[(factors * factors) - 1]:F3}");

static List<string> MostPopularTitles(InteractionMatrix interactions, IReadOnlyList<Movie> movies)
{
    var popularity = interactions.UserItems.GetColumnCounts();
    var byId = movies.ToDictionary(m => m.Id);
    return Enumerable.Range(0, popularity.Length).OrderByDescending(i => popularity[i]).Take(5).Select(i => byId[interactions.Items[i]].Title).ToList();
}

static void PrintTable(string heading, string[] header, IEnumerable<string[]> rows)
{
    var all = rows.Select(r => r.Select(c => c.Length > 60 ? c[..57] + "..." : c).ToArray()).ToList();
    var widths = header.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
    Console.WriteLine();
    Console.WriteLine(heading);
    // Numbers are right-aligned, text left-aligned; the last column is not padded.
    bool IsText(int column) => all.Count > 0 && !double.TryParse(all[0][column], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : IsText(i) ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
    Console.WriteLine(Line(header));
    Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
    all.ForEach(r => Console.WriteLine(Line(r)));
}

/// <summary>A one-line progress bar for training.</summary>
internal sealed class ProgressBar : IProgress<AlsIterationProgress>
{
    public void Report(AlsIterationProgress value)
    {
        const int width = 30;
        var done = (int)Math.Round(width * (double)value.Iteration / value.TotalIterations);
        var line = $"Training [{new string('#', done)}{new string('.', width - done)}] iteration {value.Iteration}/{value.TotalIterations}, {value.Elapsed.TotalSeconds:F2} s";
        if (!Console.IsOutputRedirected)
        {
            Console.Write("\r" + line);
            if (value.Iteration == value.TotalIterations)
            {
                Console.WriteLine();
            }
        }
        else if (value.Iteration == value.TotalIterations)
        {
            Console.WriteLine(line); // logs get the final state only
        }
    }
}
