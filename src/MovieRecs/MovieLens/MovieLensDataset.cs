using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>The ratings, movies and (where the release has them) users of one MovieLens release, loaded from its folder.</summary>
/// <remarks>Immutable and thread-safe once loaded.</remarks>
public sealed class MovieLensDataset
{
    private MovieLensDataset(string folder, MovieLensRelease release, RatingsTable ratings, IReadOnlyList<Movie> movies, IReadOnlyList<MovieLensUser> users)
    {
        Folder = folder;
        Release = release;
        Ratings = ratings;
        Movies = movies;
        Users = users;
    }

    /// <summary>The folder the dataset was loaded from.</summary>
    public string Folder { get; }

    /// <summary>The release, detected or given.</summary>
    public MovieLensRelease Release { get; }

    /// <summary>All ratings of the release's ratings file, in file order.</summary>
    public RatingsTable Ratings { get; }

    /// <summary>The movies of the release's movies file, in file order.</summary>
    public IReadOnlyList<Movie> Movies { get; }

    /// <summary>The users of ml-100k and ml-1m; empty for the other releases or when the users file is absent.</summary>
    public IReadOnlyList<MovieLensUser> Users { get; }

    /// <summary>Detects the release of <paramref name="folder"/> and loads it.</summary>
    /// <param name="folder">The folder of an unpacked release.</param>
    /// <param name="progress">Receives the bytes read so far of the ratings file (the large one), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each 1 MiB block of ratings.</param>
    /// <returns>The loaded dataset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no MovieLens release, or its ratings or movies file is missing; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file, the line and its text.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>See <see cref="MovieLensReader.DetectRelease(string)"/> for the detection rules. Memory: about 20 bytes per rating, plus the movies.</remarks>
    public static MovieLensDataset Load(string folder, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var release = MovieLensReader.DetectRelease(folder);
        return Load(folder, release, progress, cancellationToken);
    }

    /// <summary>Loads the ratings, movies and users (where present) of <paramref name="release"/> from <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder of an unpacked release.</param>
    /// <param name="release">The release the folder holds.</param>
    /// <param name="progress">Receives the bytes read so far of the ratings file (the large one), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each 1 MiB block of ratings.</param>
    /// <returns>The loaded dataset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The ratings or movies file is missing; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file, the line and its text.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static MovieLensDataset Load(string folder, MovieLensRelease release, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ReleaseFormat.Validate(release, nameof(release));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"MovieLens folder not found: {MessageText.Escape(folder)}");
        }

        var movies = MovieLensReader.ReadMovies(Path.Combine(folder, ReleaseFormat.MoviesFileName(release)), release);
        IReadOnlyList<MovieLensUser> users = [];
        if (ReleaseFormat.UsersFileName(release) is { } usersFile && File.Exists(Path.Combine(folder, usersFile)))
        {
            users = MovieLensReader.ReadUsers(Path.Combine(folder, usersFile), release);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var ratings = MovieLensReader.ReadRatings(Path.Combine(folder, ReleaseFormat.RatingsFileName(release)), release, progress, cancellationToken);
        return new MovieLensDataset(folder, release, ratings, ToReadOnly(movies), ToReadOnly(users));
    }

    private static IReadOnlyList<T> ToReadOnly<T>(IReadOnlyList<T> list) => Array.AsReadOnly([.. list]);
}
