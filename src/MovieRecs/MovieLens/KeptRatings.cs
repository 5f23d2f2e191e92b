using System.Runtime.CompilerServices;
using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>
/// The ratings an interaction matrix keeps, as (user id, movie id, rating) triplets in input order, held in chunks of
/// fixed capacity so that collecting them never copies what was already collected (12 bytes per kept rating, no
/// timestamps). The ids are later replaced in place by row and column indexes.
/// </summary>
internal sealed class KeptRatings
{
    /// <summary>Chunk capacity when collecting from a stream: 4 MiB per column, so growth never copies and wastes little.</summary>
    public const int DefaultChunkCapacity = 1 << 20;

    private readonly List<TripletChunk> _chunks = [];

    public KeptRatings(int chunkCapacity = DefaultChunkCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkCapacity);
        ChunkCapacity = chunkCapacity;
    }

    public int ChunkCapacity { get; }

    /// <summary>The chunks; each holds <see cref="TripletChunk.Count"/> triplets (rows = user ids, columns = movie ids).</summary>
    public List<TripletChunk> Chunks => _chunks;

    /// <summary>The number of triplets collected.</summary>
    public long Count
    {
        get
        {
            var count = 0L;
            foreach (var chunk in _chunks)
            {
                count += chunk.Count;
            }

            return count;
        }
    }

    /// <summary>Appends an empty chunk of <paramref name="capacity"/> triplets and returns it.</summary>
    public TripletChunk AddChunk(int capacity)
    {
        var offset = _chunks.Count == 0 ? 0 : _chunks[^1].Offset + _chunks[^1].Count;
        var chunk = new TripletChunk(capacity, offset);
        _chunks.Add(chunk);
        return chunk;
    }

    /// <summary>Copies the ratings of <paramref name="table"/> at or above <paramref name="minRating"/> into one chunk of the exact size.</summary>
    public static KeptRatings FromTable(RatingsTable table, float minRating)
    {
        var values = table.Ratings;
        var count = 0;
        foreach (var v in values)
        {
            count += v >= minRating ? 1 : 0;
        }

        var kept = new KeptRatings(Math.Max(count, 1));
        var chunk = kept.AddChunk(count);
        var users = table.UserIds;
        var movies = table.MovieIds;
        var rows = chunk.Rows;
        var columns = chunk.Columns;
        var keptValues = chunk.Values;
        var w = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] >= minRating)
            {
                rows[w] = users[i];
                columns[w] = movies[i];
                keptValues[w] = values[i];
                w++;
            }
        }

        chunk.Count = w;
        return kept;
    }
}

/// <summary>
/// Receives parsed ratings and appends those at or above the threshold to a <see cref="KeptRatings"/>, chunk by
/// chunk; call <see cref="Complete"/> when parsing ends.
/// </summary>
internal struct KeptRatingSink : IRatingSink
{
    private readonly KeptRatings _kept;
    private readonly float _minRating;
    private TripletChunk? _chunk;
    private int[] _users;
    private int[] _movies;
    private float[] _values;
    private int _count;
    private long _dropped;
    private float _highestDropped;

    public KeptRatingSink(KeptRatings kept, float minRating)
    {
        _kept = kept;
        _minRating = minRating;
        _chunk = null;
        _users = [];
        _movies = [];
        _values = [];
        _count = 0;
        _dropped = 0;
        _highestDropped = float.NegativeInfinity;
    }

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
            NextChunk();
            i = 0;
        }

        _users[i] = userId;
        _movies[i] = movieId;
        _values[i] = rating;
        _count = i + 1;
    }

    /// <summary>Records the count of the last chunk.</summary>
    public readonly void Complete()
    {
        if (_chunk is not null)
        {
            _chunk.Count = _count;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NextChunk()
    {
        Complete();
        _chunk = _kept.AddChunk(_kept.ChunkCapacity);
        _users = _chunk.Rows;
        _movies = _chunk.Columns;
        _values = _chunk.Values;
        _count = 0;
    }
}
