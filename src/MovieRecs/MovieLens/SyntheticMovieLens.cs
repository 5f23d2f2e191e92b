using System.Collections.ObjectModel;

namespace MovieRecs.MovieLens;

/// <summary>
/// A seeded, MovieLens-shaped synthetic data set: ratings with the counts of a chosen release, power-law movie
/// popularity, heavy-tailed user activity (at least 20 ratings per user), the ml-1m rating marginals and a
/// low-rank taste structure that a matrix-factorization model can learn, plus synthetic movies and users and
/// writers of the MovieLens file formats. For tests, benchmarks and demos where the real data is absent or too
/// small; it contains no GroupLens data.
/// </summary>
/// <remarks>
/// <para>
/// Model. Each user u and movie m has a hidden taste vector (rank <see cref="SyntheticMovieLensOptions.LatentRank"/>);
/// each movie belongs to one of the 18 ml-1m genres, whose own taste vectors the movies' vectors scatter around.
/// A user picks the movies to rate one after the other without repeats: with probability 0.3 by global popularity,
/// otherwise a genre by the softmax of its affinity with the user, then a movie of that genre by popularity.
/// Its rating is the quantile of taste affinity + user bias + movie bias + noise, cut to the target marginals.
/// Timestamps strictly increase along each user's ratings, in sessions, inside the release's time window.
/// </para>
/// <para>
/// Determinism. The same options give a bit-identical result on every machine and thread count: the library's own
/// xoshiro256** generator with one stream per user and phase, its own portable logarithm and exponential, and
/// reductions in a fixed order. Output: ratings are grouped by user id ascending, each user's in time order.
/// </para>
/// <para>
/// Cost. Time O(ratings + users × 18 + movies); the ml-20m shape takes seconds (see the benchmarks). Memory:
/// the four columns of <see cref="Ratings"/> (24 bytes a rating) plus about 8 bytes a rating of scratch during
/// generation; nothing per rating is an object. The instance is immutable and thread-safe.
/// </para>
/// </remarks>
public sealed partial class SyntheticMovieLens
{
    private readonly ReadOnlyCollection<Movie> _movies;
    private readonly byte[] _userGender;
    private readonly byte[] _userAge;
    private readonly byte[] _userOccupation;
    private readonly int[] _userZip;

    private SyntheticMovieLens(
        SyntheticMovieLensOptions options,
        RatingsTable ratings,
        Movie[] movies,
        byte[] userGender,
        byte[] userAge,
        byte[] userOccupation,
        int[] userZip)
    {
        Options = options;
        Ratings = ratings;
        _movies = new ReadOnlyCollection<Movie>(movies);
        _userGender = userGender;
        _userAge = userAge;
        _userOccupation = userOccupation;
        _userZip = userZip;
    }

    /// <summary>The options this data set was generated from.</summary>
    public SyntheticMovieLensOptions Options { get; }

    /// <summary>
    /// The ratings: user ids 1..<see cref="SyntheticMovieLensOptions.Users"/>, movie ids
    /// 1..<see cref="SyntheticMovieLensOptions.Movies"/>, grouped by user, each user's in increasing time.
    /// </summary>
    public RatingsTable Ratings { get; }

    /// <summary>
    /// The movies, index i holding id i + 1: titles like <c>"Synthetic Movie 123 (1994)"</c>, genres from the
    /// ml-1m genre list (alphabetical within a movie, as MovieLens lists them).
    /// </summary>
    public IReadOnlyList<Movie> Movies => _movies;

    /// <summary>The genres a synthetic movie can have: the 18 genres of ml-1m, in MovieLens's order.</summary>
    public static IReadOnlyList<string> GenreNames { get; } = new ReadOnlyCollection<string>(
    [
        "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]);

    /// <summary>Generates a data set.</summary>
    /// <param name="options">The shape and seed, e.g. <see cref="SyntheticMovieLensOptions.Ml1m"/>.</param>
    /// <param name="progress">Receives the completed fraction (0 to 1) now and then, possibly from worker
    /// threads; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see
    /// <see cref="SyntheticMovieLensOptions.Validate"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>Bit-identical for equal options on every machine, whatever
    /// <see cref="SyntheticMovieLensOptions.MaxDegreeOfParallelism"/> is.</remarks>
    public static SyntheticMovieLens Generate(
        SyntheticMovieLensOptions options,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        return new Generator(options, progress, cancellationToken).Run();
    }
}
