// The MovieLens tutorial, end to end: load ratings, keep ratings >= 3 as implicit feedback, add a new user from
// five favourite titles, train implicit ALS, then print similar movies, recommendations and an explanation.
//
//   dotnet run -c Release --project samples/Quickstart [-- --data <dir>] [--favourite "title" ...]
//
// Data: --data <dir>, else the MOVIERECS_DATA folder, else the download cache, else a download of ml-1m; with none
// of these (offline), the synthetic ml-1m-shaped data set of the library.
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
        case "-h" or "--help":
            Console.WriteLine("usage: Quickstart [--data <dir>] [--favourite \"title\"]...");
            return 0;
        default:
            Console.Error.WriteLine($"error: unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

try
{
    var clock = Stopwatch.StartNew();
    var (ratings, movies, source) = await LoadDataAsync(dataArgument);
    Console.WriteLine($"Data: {source}: {ratings.Count:N0} ratings, {movies.Count:N0} movies ({clock.Elapsed.TotalSeconds:F2} s)");

    // Ratings >= 3 are positive feedback and the rating is the confidence; every movie gets a column.
    var interactions = InteractionMatrix.Build(ratings, InteractionOptions.Default, movies);
    var titles = new MovieTitleIndex(movies);
    var chosen = ChooseFavourites(favourites, tutorialFavourites, titles, interactions, movies, source);
    var me = interactions.NextUserId;
    interactions = interactions.AppendUser(me, titles, chosen);
    var meRow = interactions.Users.IndexOf(me);
    Console.WriteLine($"Matrix: {interactions.UserItems.RowCount:N0} users x {interactions.UserItems.ColumnCount:N0} movies, {interactions.UserItems.NonZeroCount:N0} ratings >= 3");
    Console.WriteLine($"New user {me} likes: {string.Join("; ", chosen.Select(t => titles.Find(t).Title))}");

    // Train: factors 100, regularization 0.01, alpha 1, 15 iterations, as in the tutorial.
    var options = new AlsOptions { Factors = 100, Regularization = 0.01, Alpha = 1.0, Iterations = 15, Seed = 42 };
    var training = Stopwatch.StartNew();
    var model = new AlsTrainer(options).Fit(interactions.UserItems, new ProgressBar());
    Console.WriteLine($"Trained in {training.Elapsed.TotalSeconds:F2} s");

    var byColumn = movies.ToDictionary(m => m.Id);
    string TitleOf(int column) => byColumn[interactions.Items[column]].Title;

    var anchor = titles.TryFind("terminator 2: judgment day (1991)", out var t2) && interactions.Items.Contains(t2.Id)
        ? t2 : titles.Find(chosen[0]);
    var similar = model.SimilarItems(interactions.Items.IndexOf(anchor.Id), 15);
    PrintTable($"Movies most similar to {anchor.Title}", ["#", "similarity", "title"],
        similar.Select((s, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), s.Score.ToString("F3", CultureInfo.InvariantCulture), TitleOf(s.Item) }));

    var liked = interactions.UserItems.GetColumnIndices(meRow);
    var recommendations = model.Recommend(meRow, liked, 20);
    PrintTable($"Top 20 for user {me} (already-liked filtered)", ["#", "score", "title"],
        recommendations.Select((r, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), r.Score.ToString("F3", CultureInfo.InvariantCulture), TitleOf(r.Item) }));

    var top = recommendations[0];
    var explanation = model.Explain(liked, interactions.UserItems.GetValues(meRow), top.Item, 10);
    PrintTable($"Why {TitleOf(top.Item)}? (score {explanation.Score:F3} = sum of the contributions)", ["liked movie", "contribution"],
        explanation.Contributions.Select(c => new[] { TitleOf(c.Item), c.Score.ToString("F4", CultureInfo.InvariantCulture) }));

    Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F2} s.");
    return 0;
}
catch (Exception e) when (e is MovieNotFoundException or AmbiguousMovieTitleException or InvalidDataException or IOException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static async Task<(RatingsTable Ratings, IReadOnlyList<Movie> Movies, string Source)> LoadDataAsync(string? dataArgument)
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var folder = await new MovieLensDownloader().EnsureAsync(MovieLensRelease.Ml1m, null, timeout.Token);
        var dataset = MovieLensDataset.Load(folder);
        return (dataset.Ratings, dataset.Movies, "ml-1m (downloaded)");
    }
    catch (Exception e) when (e is MovieLensDownloadException or OperationCanceledException or HttpRequestException)
    {
        Console.WriteLine($"Offline: {e.Message.Split('\n')[0]}");
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

// Explicit titles must all resolve (a typo is an error listing the closest titles). The tutorial's defaults are
// kept where the release has them; on synthetic data, the five most popular movies stand in.
static List<string> ChooseFavourites(List<string> given, string[] defaults, MovieTitleIndex titles, InteractionMatrix interactions, IReadOnlyList<Movie> movies, string source)
{
    if (given.Count > 0)
    {
        given.ForEach(t => titles.Find(t));
        return given;
    }

    if (source.StartsWith("synthetic", StringComparison.Ordinal))
    {
        return MostPopularTitles(interactions, movies);
    }

    var found = defaults.Where(t => titles.TryFind(t, out _)).ToList();
    foreach (var missing in defaults.Except(found))
    {
        Console.WriteLine($"Note: '{missing}' is not in this release; suggestions: {string.Join("; ", titles.Suggest(missing, 3).Select(m => m.Title))}");
    }

    return found.Count > 0 ? found : MostPopularTitles(interactions, movies);
}

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
