using System.Globalization;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Spark;

namespace MovieRecs.Cli;

/// <summary>
/// A saved model and the data it is served with (<c>--data</c>): the movies, for titles, and the ratings when the
/// data has them; the model's ids checked against both (<see cref="ModelDataCheck"/>).
/// </summary>
internal sealed class ServingData
{
    private readonly Dictionary<int, Movie> _movies;

    private ServingData(ModelFileContent content, IdIndex<int> items, IReadOnlyList<Movie> movies, RatingsTable? ratings, string dataPath)
    {
        Model = content.Model;
        Users = content.Users;
        Items = items;
        Movies = movies;
        Ratings = ratings;
        DataPath = dataPath;
        _movies = movies.ToDictionary(m => m.Id);
    }

    public AlsModel Model { get; }

    public IdIndex<int>? Users { get; }

    public IdIndex<int> Items { get; }

    public IReadOnlyList<Movie> Movies { get; }

    public RatingsTable? Ratings { get; }

    public string DataPath { get; }

    /// <summary>A model by its path: a folder is a Spark ALSModel directory (served with Spark's default
    /// hyperparameters and convention for fold-in and explanations), a name ending in .npz an implicit archive, any
    /// other file the own format.</summary>
    public static ModelFileContent LoadModel(string path)
    {
        InputPaths.Check(path);
        return Directory.Exists(path) ? SparkModelDirectory.Load(path)
            : path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? ImplicitModelFile.Load(path)
            : AlsModelFile.Load(path);
    }

    /// <summary>Loads the model (stage <c>load</c>) and the data (stage <c>data</c>) and checks that they belong together (stage <c>check</c>).</summary>
    public static ServingData Load(string modelPath, string dataPath, Report report)
    {
        var content = LoadModel(modelPath);
        var items = content.Items ?? throw new UsageException("the model file holds no movie ids, so its answers cannot be named as movies; train it with movierecs train");
        report.Stage("load");
        var (movies, ratings) = ReadData(dataPath);
        report.Stage("data");
        ModelDataCheck.ThrowIfMismatched(content, movies, ratings, dataPath);
        report.Stage("check");
        return new ServingData(content, items, movies, ratings, dataPath);
    }

    public Movie Movie(int column) => _movies[Items[column]];

    /// <summary>The model's column of a movie id, or a message naming the id as a movie the model lacks.</summary>
    public int Column(int movieId) =>
        Items.TryGetIndex(movieId, out var column)
            ? column
            : throw new UsageException(_movies.TryGetValue(movieId, out var movie)
                ? $"movie {movieId} ({movie.Title}) is not in the model ({N(Items.Count)} movies): it had no ratings kept for training"
                : $"movie {movieId} is not in the model ({N(Items.Count)} movies) nor in {DataPath}");

    /// <summary>The model's column of a movie given by title (matched loosely; an unknown title lists the closest).</summary>
    public int Column(string title) => Column(new MovieTitleIndex(Movies).Find(title).Id);

    /// <summary>The model's row of a user id, or a message naming the id as a user the model lacks.</summary>
    public int Row(int userId) =>
        Users is null
            ? throw new UsageException("the model file holds no user ids; recommend with --titles instead")
            : Users.TryGetIndex(userId, out var row) ? row : throw new UsageException($"user {userId} is not in the model ({N(Users.Count)} users)");

    /// <summary>The movies (columns) a user rated at least <paramref name="minRating"/> in the data, with their ratings.</summary>
    public (int[] Columns, float[] Values) Liked(int userId, float minRating)
    {
        _ = Row(userId);
        var ratings = Ratings ?? throw new UsageException($"{DataPath} holds no ratings: --user needs the user's ratings (give the release folder or its ratings file)");
        var columns = new List<int>();
        var values = new List<float>();
        for (var i = 0; i < ratings.Count; i++)
        {
            if (ratings.UserIds[i] == userId && ratings.Ratings[i] >= minRating && Items.TryGetIndex(ratings.MovieIds[i], out var column) && !columns.Contains(column))
            {
                columns.Add(column);
                values.Add(ratings.Ratings[i]);
            }
        }

        return ([.. columns], [.. values]);
    }

    /// <summary>
    /// The movies and, where present, the ratings of a release folder, a folder with only a movies file, or a
    /// ratings file (the movies file of its release beside it).
    /// </summary>
    private static (IReadOnlyList<Movie> Movies, RatingsTable? Ratings) ReadData(string path)
    {
        string folder;
        MovieLensRelease release;
        string? ratingsPath;
        InputPaths.Check(path);
        if (Directory.Exists(path))
        {
            folder = path;
            release = MovieLensReader.DetectRelease(path);
            ratingsPath = Path.Combine(path, MovieLensReader.GetRatingsFileName(release));
            ratingsPath = Path.Exists(ratingsPath) ? ratingsPath : null;
        }
        else
        {
            // The folder as the user wrote it ("." for a bare file name), not .NET's absolute path.
            folder = Path.GetDirectoryName(path) is { Length: > 0 } parent ? parent : ".";
            ratingsPath = path;
            release = MovieLensReader.DetectRatingsFileRelease(path);
        }

        var moviesPath = Path.Combine(folder, MovieLensReader.GetMoviesFileName(release));
        if (!Path.Exists(moviesPath))
        {
            throw new UsageException($"no {MovieLensReader.GetMoviesFileName(release)} in {CliOptions.Quote(folder)}: the titles come from the release's movies file");
        }

        InputPaths.Check(moviesPath);
        if (ratingsPath is not null)
        {
            InputPaths.Check(ratingsPath);
        }

        var movies = MovieLensReader.ReadMovies(moviesPath, release);
        return (movies, ratingsPath is null ? null : MovieLensReader.ReadRatings(ratingsPath, release));
    }

    private static string N(int count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
