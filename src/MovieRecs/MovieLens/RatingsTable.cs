using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// Ratings in columnar form: one entry per rating, the i-th element of each column belonging together.
/// This is what the bulk readers and the synthetic generator return, and what
/// the interaction-matrix builder consumes.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. The columns are exposed as read-only spans; the table owns its arrays.
/// Ids are the external MovieLens ids (not dense indexes). Timestamps are Unix seconds (0 when the source has none).
/// </remarks>
public sealed class RatingsTable
{
    private readonly int[] _userIds;
    private readonly int[] _movieIds;
    private readonly float[] _ratings;
    private readonly long[] _timestamps;
    private readonly int _count;

    /// <summary>Creates a table from its columns, copying them.</summary>
    /// <param name="userIds">External user id of each rating.</param>
    /// <param name="movieIds">External movie id of each rating.</param>
    /// <param name="ratings">The rating value of each rating (finite).</param>
    /// <param name="timestamps">Unix timestamp in seconds of each rating.</param>
    /// <exception cref="ArgumentException">The columns differ in length, or a rating is not finite.</exception>
    public RatingsTable(ReadOnlySpan<int> userIds, ReadOnlySpan<int> movieIds, ReadOnlySpan<float> ratings, ReadOnlySpan<long> timestamps)
        : this(userIds.ToArray(), movieIds.ToArray(), ratings.ToArray(), timestamps.ToArray(), validate: true)
    {
    }

    /// <summary>Takes ownership of the arrays (no copy). Callers inside the library only.</summary>
    internal RatingsTable(int[] userIds, int[] movieIds, float[] ratings, long[] timestamps, bool validate)
        : this(userIds, movieIds, ratings, timestamps, userIds.Length, validate)
    {
    }

    /// <summary>Takes ownership of the arrays, of which the first <paramref name="count"/> entries are used
    /// (a loader's over-allocated columns become a table without a trimming copy).</summary>
    internal RatingsTable(int[] userIds, int[] movieIds, float[] ratings, long[] timestamps, int count, bool validate)
    {
        if (movieIds.Length != userIds.Length)
        {
            ThrowHelper.ThrowArgument(nameof(movieIds), $"movieIds has {movieIds.Length} entries but userIds has {userIds.Length}.");
        }

        if (ratings.Length != userIds.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ratings), $"ratings has {ratings.Length} entries but userIds has {userIds.Length}.");
        }

        if (timestamps.Length != userIds.Length)
        {
            ThrowHelper.ThrowArgument(nameof(timestamps), $"timestamps has {timestamps.Length} entries but userIds has {userIds.Length}.");
        }

        if ((uint)count > (uint)userIds.Length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(count), count, $"count must be in [0, {userIds.Length}].");
        }

        if (validate)
        {
            for (var i = 0; i < count; i++)
            {
                if (!float.IsFinite(ratings[i]))
                {
                    ThrowHelper.ThrowArgument(nameof(ratings), $"ratings[{i}] is {ratings[i]}; ratings must be finite.");
                }
            }
        }

        _userIds = userIds;
        _movieIds = movieIds;
        _ratings = ratings;
        _timestamps = timestamps;
        _count = count;
    }

    /// <summary>The number of ratings.</summary>
    public int Count => _count;

    /// <summary>The length of the backing columns (at least <see cref="Count"/>).</summary>
    internal int Capacity => _userIds.Length;

    /// <summary>External user id of each rating.</summary>
    public ReadOnlySpan<int> UserIds => _userIds.AsSpan(0, _count);

    /// <summary>External movie id of each rating.</summary>
    public ReadOnlySpan<int> MovieIds => _movieIds.AsSpan(0, _count);

    /// <summary>Rating value of each rating (for MovieLens 0.5 to 5).</summary>
    public ReadOnlySpan<float> Ratings => _ratings.AsSpan(0, _count);

    /// <summary>Unix timestamp (seconds) of each rating.</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps.AsSpan(0, _count);
}
