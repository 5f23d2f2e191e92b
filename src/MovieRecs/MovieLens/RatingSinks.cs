using System.Diagnostics;
using System.Runtime.CompilerServices;

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
        _userIds = Copy(_userIds, capacity, _count);
        _movieIds = Copy(_movieIds, capacity, _count);
        _ratings = Copy(_ratings, capacity, _count);
        _timestamps = Copy(_timestamps, capacity, _count);
    }

    private static T[] Copy<T>(T[] source, int capacity, int count)
    {
        var result = GC.AllocateUninitializedArray<T>(capacity);
        source.AsSpan(0, count).CopyTo(result);
        return result;
    }
}
