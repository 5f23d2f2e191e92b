using System.Diagnostics;
using System.Runtime.CompilerServices;
using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>Writes ratings into a caller's span (the streaming reader's batch API).</summary>
internal ref struct SpanRatingSink : IRatingSink
{
    private readonly Span<Rating> _destination;
    private int _count;

    public SpanRatingSink(Span<Rating> destination)
    {
        _destination = destination;
        _count = 0;
    }

    public readonly int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int userId, int movieId, float rating, long timestamp)
    {
        _destination[_count++] = new Rating(userId, movieId, rating, timestamp);
    }
}

/// <summary>Collects ratings into growable columns that become a <see cref="RatingsTable"/> without another parse.</summary>
internal struct ColumnRatingSink : IRatingSink
{
    private int[] _userIds;
    private int[] _movieIds;
    private float[] _ratings;
    private long[] _timestamps;
    private int _count;

    public ColumnRatingSink(int capacity)
    {
        _userIds = GC.AllocateUninitializedArray<int>(capacity);
        _movieIds = GC.AllocateUninitializedArray<int>(capacity);
        _ratings = GC.AllocateUninitializedArray<float>(capacity);
        _timestamps = GC.AllocateUninitializedArray<long>(capacity);
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly int Capacity => _userIds.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int userId, int movieId, float rating, long timestamp)
    {
        var i = _count;
        if ((uint)i >= (uint)_userIds.Length)
        {
            Grow(i + 1);
        }

        _userIds[i] = userId;
        _movieIds[i] = movieId;
        _ratings[i] = rating;
        _timestamps[i] = timestamp;
        _count = i + 1;
    }

    /// <summary>Resizes the columns to hold at least <paramref name="capacity"/> ratings (a good size estimate avoids growing later).</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _userIds.Length)
        {
            Resize(capacity);
        }
    }

    /// <summary>
    /// Hands the columns to a table without copying. When the estimate overshot by more than an eighth, the
    /// columns are trimmed first (one copy) so that the table does not hold much unused memory.
    /// </summary>
    public RatingsTable ToTable()
    {
        if (_userIds.Length - _count > _userIds.Length / 8)
        {
            Resize(_count);
        }

        return new RatingsTable(_userIds, _movieIds, _ratings, _timestamps, _count, validate: false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int minimum)
    {
        // Grow by half (not double): the first block's estimate is usually close, so growth is rare and
        // a smaller step wastes less memory on the largest releases.
        var capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)minimum, _userIds.Length + Math.Max(_userIds.Length / 2L, 1024)));
        if (capacity < minimum)
        {
            throw new InvalidDataException($"More than {Array.MaxLength} ratings do not fit in a RatingsTable.");
        }

        Resize(capacity);
    }

    private void Resize(int capacity)
    {
        Debug.Assert(capacity >= _count);
        _userIds = SinkColumns.Copy(_userIds, capacity, _count);
        _movieIds = SinkColumns.Copy(_movieIds, capacity, _count);
        _ratings = SinkColumns.Copy(_ratings, capacity, _count);
        _timestamps = SinkColumns.Copy(_timestamps, capacity, _count);
    }
}

/// <summary>
/// Receives parsed ratings and keeps those at or above the threshold in arrays that grow by half when full (a size
/// estimate through <see cref="EnsureCapacity"/> avoids growing at all); <see cref="ToKeptRatings"/> hands them over.
/// </summary>
/// <remarks>
/// The arrays live on the pinned object heap. Sized from an estimate of all ratings, they end in capacity that is
/// never written and so never resident; on the large object heap, a compacting collection after the build (the scale
/// runner's, or an application's) would slide the matrix into that freed space and touch it, growing the working set
/// by the unused capacity for a moment (26 MiB at ml-10m). Pinned objects are never moved, nor moved into.
/// </remarks>
internal struct KeptRatingSink : IRatingSink
{
    private readonly float _minRating;
    private int[] _users;
    private int[] _movies;
    private float[] _values;
    private int _count;
    private long _dropped;
    private float _highestDropped;

    public KeptRatingSink(float minRating, int capacity)
    {
        _minRating = minRating;
        _users = GC.AllocateUninitializedArray<int>(capacity, pinned: true);
        _movies = GC.AllocateUninitializedArray<int>(capacity, pinned: true);
        _values = GC.AllocateUninitializedArray<float>(capacity, pinned: true);
        _count = 0;
        _dropped = 0;
        _highestDropped = float.NegativeInfinity;
    }

    /// <summary>The ratings kept so far.</summary>
    public readonly int Count => _count;

    /// <summary>The ratings below the threshold, counted but not kept.</summary>
    public readonly long Dropped => _dropped;

    /// <summary>The highest rating below the threshold (negative infinity when none was dropped).</summary>
    public readonly float HighestDropped => _highestDropped;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int userId, int movieId, float rating, long timestamp)
    {
        if (!(rating >= _minRating))
        {
            _dropped++;
            _highestDropped = MathF.Max(_highestDropped, rating);
            return;
        }

        var i = _count;
        if ((uint)i >= (uint)_users.Length)
        {
            Grow(i + 1L);
        }

        _users[i] = userId;
        _movies[i] = movieId;
        _values[i] = rating;
        _count = i + 1;
    }

    /// <summary>
    /// Resizes the arrays to hold at least <paramref name="capacity"/> ratings (at most <see cref="Array.MaxLength"/>).
    /// Capacity beyond what is kept is allocated but never written, so it costs address space, not resident memory.
    /// </summary>
    public void EnsureCapacity(long capacity)
    {
        if (capacity > _users.Length)
        {
            Resize((int)Math.Min(capacity, Array.MaxLength));
        }
    }

    /// <summary>The kept ratings, sharing the arrays (the sink is not used afterwards).</summary>
    public readonly KeptRatings ToKeptRatings() => new(_users, _movies, _values, _count);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(long needed) => Resize(SparseGuards.GrowCapacity(_users.Length, needed, "kept ratings"));

    private void Resize(int capacity)
    {
        _users = SinkColumns.Copy(_users, capacity, _count, pinned: true);
        _movies = SinkColumns.Copy(_movies, capacity, _count, pinned: true);
        _values = SinkColumns.Copy(_values, capacity, _count, pinned: true);
    }
}

file static class SinkColumns
{
    /// <summary>A new uninitialized array of <paramref name="capacity"/> entries starting with the first <paramref name="count"/> of <paramref name="source"/>.</summary>
    public static T[] Copy<T>(T[] source, int capacity, int count, bool pinned = false)
    {
        var result = GC.AllocateUninitializedArray<T>(capacity, pinned);
        source.AsSpan(0, count).CopyTo(result);
        return result;
    }
}

