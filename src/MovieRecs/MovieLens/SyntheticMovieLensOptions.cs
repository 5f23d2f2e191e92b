using System.Globalization;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// The shape and seed of a synthetic MovieLens-like data set made by <see cref="SyntheticMovieLens.Generate"/>.
/// Start from a preset (<see cref="Ml100k"/>, <see cref="Ml1m"/>, <see cref="Ml10m"/>, <see cref="Ml20m"/>,
/// <see cref="Ml25m"/>, <see cref="ForRelease"/>) or <see cref="Custom"/>, and change members with a
/// <see langword="with"/> expression.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Every member has a default; <see cref="Validate"/> checks them together and is called
/// by <see cref="SyntheticMovieLens.Generate"/>.
/// </remarks>
public sealed record SyntheticMovieLensOptions
{
    /// <summary>A short name written into reports, e.g. <c>"ml-1m"</c> or <c>"custom"</c>. Default <c>"custom"</c>.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Number of users; ids are 1..<see cref="Users"/> and every user rates at least
    /// <see cref="MinRatingsPerUser"/> movies. Default 943 (the ml-100k shape).</summary>
    public int Users { get; init; } = 943;

    /// <summary>Number of movies; ids are 1..<see cref="Movies"/> and every movie is rated at least once when
    /// <see cref="Ratings"/> ≥ <see cref="Movies"/>. Default 1,682.</summary>
    public int Movies { get; init; } = 1682;

    /// <summary>Exact number of ratings, with no duplicate (user, movie) pair. Default 100,000.</summary>
    public int Ratings { get; init; } = 100_000;

    /// <summary>
    /// Whether ratings use half stars (0.5 to 5 by 0.5, as ml-10m and later) instead of whole stars (1 to 5, as
    /// ml-100k and ml-1m). The marginals follow ml-1m (1: 5.6 %, 2: 10.8 %, 3: 26.1 %, 4: 34.9 %, 5: 22.6 %);
    /// with half stars the same 83.6 % share stays at 3 or above. Default <see langword="false"/>.
    /// </summary>
    public bool HalfStarRatings { get; init; }

    /// <summary>The seed. The same options give a bit-identical data set on every machine. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>
    /// Rank of the hidden user and movie taste vectors that drive which movies a user rates and how high.
    /// A factorization model with about this many factors can learn the data. Default 16; 1 to 256.
    /// </summary>
    public int LatentRank { get; init; } = 16;

    /// <summary>Fewest ratings of a user (MovieLens keeps users with at least 20). Default 20.</summary>
    public int MinRatingsPerUser { get; init; } = 20;

    /// <summary>
    /// Exponent s of the movie popularity law: the movie of popularity rank r has weight
    /// (r + r₀)<sup>−s</sup>·e<sup>−3r/M</sup> with r₀ = 6 % of the movies. 0 makes every movie equally
    /// popular; larger values concentrate the ratings on the head. Default 1.3, which matches the shares of ml-100k
    /// (its top 10 % of the movies take 43 % of the ratings, its top 1 % take 7 %); the larger presets use more,
    /// as their long catalogues have longer tails. 0 to 4.
    /// </summary>
    public double PopularityExponent { get; init; } = 1.3;

    /// <summary>Earliest rating time. Default 1997-09-20 (the start of ml-100k).</summary>
    public DateTimeOffset FirstRatingTime { get; init; } = new(1997, 9, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Latest rating time. Default 1998-04-23 (the end of ml-100k).</summary>
    public DateTimeOffset LastRatingTime { get; init; } = new(1998, 4, 23, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Upper bound on worker threads; results do not depend on it (each user draws from its own random stream).
    /// Default −1: all processors.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>The ml-100k shape: 943 users, 1,682 movies, 100,000 whole-star ratings (1997–1998).</summary>
    public static SyntheticMovieLensOptions Ml100k { get; } = new() { Name = "ml-100k" };

    /// <summary>The ml-1m shape: 6,040 users, 3,706 rated movies, 1,000,209 whole-star ratings (2000–2003).</summary>
    public static SyntheticMovieLensOptions Ml1m { get; } = new()
    {
        Name = "ml-1m",
        Users = 6040,
        Movies = 3706,
        Ratings = 1_000_209,
        FirstRatingTime = new(2000, 4, 25, 0, 0, 0, TimeSpan.Zero),
        LastRatingTime = new(2003, 2, 28, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The ml-10m shape: 69,878 users, 10,677 movies, 10,000,054 half-star ratings (1995–2009).</summary>
    public static SyntheticMovieLensOptions Ml10m { get; } = new()
    {
        Name = "ml-10m",
        Users = 69_878,
        Movies = 10_677,
        Ratings = 10_000_054,
        HalfStarRatings = true,
        PopularityExponent = 1.7,
        FirstRatingTime = new(1995, 1, 9, 0, 0, 0, TimeSpan.Zero),
        LastRatingTime = new(2009, 1, 5, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The ml-20m shape: 138,493 users, 26,744 movies, 20,000,263 half-star ratings (1995–2015).</summary>
    public static SyntheticMovieLensOptions Ml20m { get; } = new()
    {
        Name = "ml-20m",
        Users = 138_493,
        Movies = 26_744,
        Ratings = 20_000_263,
        HalfStarRatings = true,
        PopularityExponent = 2.1,
        FirstRatingTime = new(1995, 1, 9, 0, 0, 0, TimeSpan.Zero),
        LastRatingTime = new(2015, 3, 31, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The ml-25m shape: 162,541 users, 59,047 movies, 25,000,095 half-star ratings (1995–2019).</summary>
    public static SyntheticMovieLensOptions Ml25m { get; } = new()
    {
        Name = "ml-25m",
        Users = 162_541,
        Movies = 59_047,
        Ratings = 25_000_095,
        HalfStarRatings = true,
        PopularityExponent = 2.3,
        FirstRatingTime = new(1995, 1, 9, 0, 0, 0, TimeSpan.Zero),
        LastRatingTime = new(2019, 11, 21, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The preset with the shape of <paramref name="release"/>.</summary>
    /// <param name="release">ml-100k, ml-1m, ml-10m, ml-20m or ml-25m.</param>
    /// <returns>The preset options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> has no preset (ml-32m and the
    /// "latest" releases change or are not modelled): use <see cref="Custom"/>.</exception>
    public static SyntheticMovieLensOptions ForRelease(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => Ml100k,
        MovieLensRelease.Ml1m => Ml1m,
        MovieLensRelease.Ml10m => Ml10m,
        MovieLensRelease.Ml20m => Ml20m,
        MovieLensRelease.Ml25m => Ml25m,
        _ => ThrowHelper.ThrowArgumentOutOfRange<SyntheticMovieLensOptions>(
            nameof(release), release, $"There is no synthetic preset for {release}; use SyntheticMovieLensOptions.Custom."),
    };

    /// <summary>A custom shape with the other members at their defaults (whole stars, ml-100k dates).</summary>
    /// <param name="users">Number of users (≥ 1).</param>
    /// <param name="movies">Number of movies (≥ 1).</param>
    /// <param name="ratings">Number of ratings, between users × <see cref="MinRatingsPerUser"/> and users × movies.</param>
    /// <returns>The options; <see cref="Validate"/> checks the combination.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    public static SyntheticMovieLensOptions Custom(int users, int movies, int ratings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(users);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(movies);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratings);
        return new SyntheticMovieLensOptions
        {
            Name = "custom",
            Users = users,
            Movies = movies,
            Ratings = ratings,
            MinRatingsPerUser = Math.Min(20, movies),
        };
    }

    /// <summary>Checks every member and their combination.</summary>
    /// <exception cref="ArgumentException">A member is out of range or the shape is impossible (more ratings than
    /// user × movie pairs, fewer than <see cref="MinRatingsPerUser"/> per user, or a time window shorter than one
    /// second per movie, which strictly increasing per-user timestamps need).</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            ThrowHelper.ThrowArgument(nameof(Name), "Name must not be empty.");
        }

        Positive(Users, nameof(Users));
        Positive(Movies, nameof(Movies));
        Positive(Ratings, nameof(Ratings));
        if (MinRatingsPerUser < 1 || MinRatingsPerUser > Movies)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(MinRatingsPerUser), MinRatingsPerUser,
                $"MinRatingsPerUser is {MinRatingsPerUser}; it must be between 1 and Movies ({Movies}).");
        }

        if ((long)Users * MinRatingsPerUser > Ratings)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Ratings), Ratings, string.Create(CultureInfo.InvariantCulture,
                $"Ratings is {Ratings}, fewer than Users ({Users}) × MinRatingsPerUser ({MinRatingsPerUser})."));
        }

        if ((long)Users * Movies < Ratings)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Ratings), Ratings, string.Create(CultureInfo.InvariantCulture,
                $"Ratings is {Ratings}, more than the {(long)Users * Movies} distinct (user, movie) pairs of {Users} users and {Movies} movies."));
        }

        if (LatentRank is < 1 or > 256)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(LatentRank), LatentRank, $"LatentRank is {LatentRank}; it must be between 1 and 256.");
        }

        if (!(PopularityExponent >= 0 && PopularityExponent <= 4))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(PopularityExponent), PopularityExponent,
                string.Create(CultureInfo.InvariantCulture, $"PopularityExponent is {PopularityExponent}; it must be between 0 and 4."));
        }

        var windowSeconds = LastRatingTime.ToUnixTimeSeconds() - FirstRatingTime.ToUnixTimeSeconds();
        if (FirstRatingTime.ToUnixTimeSeconds() < 0 || windowSeconds < Movies)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(LastRatingTime), LastRatingTime, string.Create(CultureInfo.InvariantCulture,
                $"The rating time window {FirstRatingTime:O} to {LastRatingTime:O} must start after 1970 and last at least Movies ({Movies}) seconds."));
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism is {MaxDegreeOfParallelism}; it must be -1 (all processors) or positive.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, value, $"{name} is {value}; it must be positive.");
        }
    }
}
