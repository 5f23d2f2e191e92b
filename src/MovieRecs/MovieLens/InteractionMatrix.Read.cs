using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

public sealed partial class InteractionMatrix
{
    /// <summary>
    /// Streams a MovieLens ratings file into the interaction matrix, giving the same matrix and indexes as
    /// <see cref="Build"/> on the table that <see cref="MovieLensReader.ReadRatings(string, MovieLensRelease, IProgress{long}?, CancellationToken)"/>
    /// loads, without ever holding the file's ratings in memory.
    /// </summary>
    /// <param name="path">The ratings file: <c>u.data</c> (or an ml-100k split), <c>ratings.dat</c> or <c>ratings.csv</c>.</param>
    /// <param name="release">The release the file belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="options">Threshold, value and duplicate handling; <see cref="InteractionOptions.Default"/> when null.</param>
    /// <param name="movies">When given, every one of these movies gets a column (those without kept ratings stay
    /// empty); otherwise only rated movies get columns.</param>
    /// <param name="progress">Receives the total number of bytes read after each 1 MiB block, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each 1 MiB block read.</param>
    /// <returns>The matrix and its indexes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release, or an option is out of range.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (the rules are those of <see cref="RatingsReader"/>), or
    /// no rating is at or above <see cref="InteractionOptions.MinRating"/> (an empty or header-only file included): the
    /// message names the file, the minimum, the number of ratings read and the highest of them, e.g.
    /// <c>No ratings >= 6 in 'ratings.dat' (1,000,209 ratings read, the highest 5): nothing to train on.</c></exception>
    /// <exception cref="KeyNotFoundException"><paramref name="movies"/> is given and a kept rating names a movie absent from it.</exception>
    /// <exception cref="InvalidOperationException">More ratings are kept than one matrix holds (<see cref="Array.MaxLength"/>,
    /// 2,147,483,591); the message names the count and the limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// <para>
    /// One pass over the file: each parsed rating at or above <see cref="InteractionOptions.MinRating"/> is kept as a
    /// (user, movie, value) triplet of 12 bytes, in arrays sized once from the file length and the line lengths at its
    /// start and end (they grow by half only when that estimate falls short); ratings below the threshold and all
    /// timestamps are dropped as they are parsed. The ids are then replaced in place by row and column indexes and
    /// the CSR matrix (8 bytes per non-zero) is built from the triplets. Peak memory is therefore about 20 bytes per
    /// kept rating, against about 20 bytes per rating for the table plus 20 per kept rating for loading the table and
    /// calling <see cref="Build"/> (ml-20m: about 0.35 GB against 1.2 GB). Input not grouped by user (MovieLens files
    /// are) needs another 8 bytes per kept rating for a radix sort.
    /// </para>
    /// <para>Time: the parse, at several hundred MB/s, plus O(kept ratings + largest id).</para>
    /// <para>Unlike <see cref="Build"/>, which turns an empty table into an empty matrix, a read that keeps no rating
    /// throws: nothing can be trained on the result, and only here is the file known that the message must name.</para>
    /// </remarks>
    public static InteractionMatrix Read(
        string path,
        MovieLensRelease release,
        InteractionOptions? options = null,
        IReadOnlyList<Movie>? movies = null,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= InteractionOptions.Default;
        options.Validate();
        InteractionMatrix matrix;
        using (var reader = RatingsReader.Open(path, release, progress))
        {
            matrix = Read(reader, options, movies, RatingsParser.EstimateSampleRatings, cancellationToken);
        }

        ReturnTemporaries(matrix);
        return matrix;
    }

    /// <summary>
    /// Reads the remaining ratings of <paramref name="ratings"/> into the interaction matrix, giving the same matrix
    /// and indexes as <see cref="Build"/> on a table of those ratings, while holding only the kept ones.
    /// </summary>
    /// <param name="ratings">A streaming reader, e.g. over a decompressing stream; read to its end and left undisposed.</param>
    /// <param name="options">Threshold, value and duplicate handling; <see cref="InteractionOptions.Default"/> when null.</param>
    /// <param name="movies">When given, every one of these movies gets a column; otherwise only rated movies get columns.</param>
    /// <param name="cancellationToken">Checked before each block read from the reader's stream.</param>
    /// <returns>The matrix and its indexes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (the rules are those of <see cref="RatingsReader"/>), or
    /// no remaining rating is at or above <see cref="InteractionOptions.MinRating"/>: the message names the reader's
    /// <see cref="RatingsReader.DisplayName"/>, the minimum and the number of ratings read.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="movies"/> is given and a kept rating names a movie absent from it.</exception>
    /// <exception cref="InvalidOperationException">More ratings are kept than one matrix holds (<see cref="Array.MaxLength"/>,
    /// 2,147,483,591); the message names the count and the limit.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="ratings"/> is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// Ratings that <see cref="RatingsReader.TryRead"/> or <see cref="RatingsReader.Read"/> already returned are not
    /// included. Memory and time as for
    /// <see cref="Read(string, MovieLensRelease, InteractionOptions?, IReadOnlyList{Movie}?, IProgress{long}?, CancellationToken)"/>.
    /// </remarks>
    public static InteractionMatrix Read(
        RatingsReader ratings, InteractionOptions? options = null, IReadOnlyList<Movie>? movies = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        options ??= InteractionOptions.Default;
        options.Validate();
        var matrix = Read(ratings, options, movies, RatingsParser.EstimateSampleRatings, cancellationToken);
        ReturnTemporaries(matrix);
        return matrix;
    }

    /// <summary>
    /// The streaming build, starting with room for <paramref name="initialCapacity"/> kept ratings (tests start small
    /// so that the arrays grow).
    /// </summary>
    internal static InteractionMatrix Read(
        RatingsReader ratings, InteractionOptions options, IReadOnlyList<Movie>? movies, int initialCapacity, CancellationToken cancellationToken)
    {
        // The first ratings give an estimate of the file's ratings, an upper bound of those kept: the arrays are sized
        // once, and the capacity beyond what is kept stays untouched. Where the estimate falls short (or the stream cannot
        // seek) they grow by half.
        var sink = new KeptRatingSink(options.MinRating, initialCapacity);
        if (ratings.ReadInto(ref sink, RatingsParser.EstimateSampleRatings, cancellationToken) == RatingsParser.EstimateSampleRatings)
        {
            sink.EnsureCapacity(ratings.EstimateTotalRatings());
        }

        ratings.ReadInto(ref sink, int.MaxValue, cancellationToken);
        if (sink.Count == 0)
        {
            // Caught here, where the file is known, rather than as a 0 x 0 matrix the trainer rejects.
            throw DataError.NoRatings(ratings.DisplayName, options.MinRating, sink.Dropped, sink.HighestDropped);
        }

        return FromKeptRatings(sink.ToKeptRatings(), options, movies);
    }

    /// <summary>
    /// Hands the build's temporary triplet arrays (12 bytes per kept rating, more for the capacity of an estimate) back
    /// to the runtime before the caller's next stage allocates: they are garbage once the matrix is built, but a
    /// collection of large objects would otherwise come only after that stage (typically the fit) had grown the
    /// process by as much again. One blocking, non-compacting collection, only when the temporaries were large
    /// (64 MiB); it runs here, after the building frames have returned, so that none of them still holds the arrays.
    /// At ml-20m shape it takes milliseconds and keeps read + build + fit under 400 MiB (docs/scaling.md).
    /// </summary>
    private static void ReturnTemporaries(InteractionMatrix matrix)
    {
        if (matrix.UserItems.NonZeroCount * 12 >= LargeTemporaryBytes)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }

    /// <summary>
    /// Turns kept (user id, movie id, rating) triplets into the matrix: values by <see cref="InteractionOptions.Value"/>,
    /// ids replaced in place by their indexes, then the CSR build (which sums or keeps the maximum of duplicates).
    /// </summary>
    private static InteractionMatrix FromKeptRatings(KeptRatings kept, InteractionOptions options, IReadOnlyList<Movie>? movies)
    {
        ApplyValue(kept.Values, options.Value);

        // Columns first: with a movie list an unknown movie throws, and the message can still name the user id.
        IdIndex<int> itemIndex;
        if (movies is null)
        {
            itemIndex = IndexAndEncode(kept.MovieIds);
        }
        else
        {
            var ids = new int[movies.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = movies[i].Id;
            }

            itemIndex = IdIndex.FromValues<int>(ids);
            EncodeMovies(kept.MovieIds, kept.UserIds, itemIndex);
        }

        var userIndex = IndexAndEncode(kept.UserIds);
        var matrix = CsrMatrix.FromTriplets(
            userIndex.Count,
            itemIndex.Count,
            kept.UserIds,
            kept.MovieIds,
            kept.Values,
            new SparseBuildOptions { Duplicates = options.Duplicates });
        return new InteractionMatrix(matrix, userIndex, itemIndex, options);
    }

    /// <summary>Indexes the distinct ids ascending and replaces each id by its index, in place.</summary>
    private static IdIndex<int> IndexAndEncode(Span<int> ids)
    {
        if (ids.IsEmpty)
        {
            return IdIndex.Empty<int>();
        }

        var min = int.MaxValue;
        var max = int.MinValue;
        foreach (var id in ids)
        {
            min = Math.Min(min, id);
            max = Math.Max(max, id);
        }

        if (min < 0 || max >= DenseLookupLimit)
        {
            var distinct = new HashSet<int>();
            foreach (var id in ids)
            {
                distinct.Add(id);
            }

            var keys = distinct.ToArray();
            Array.Sort(keys);
            var index = new IdIndex<int>(keys, EqualityComparer<int>.Default);
            for (var i = 0; i < ids.Length; i++)
            {
                index.TryGetIndex(ids[i], out ids[i]);
            }

            return index;
        }

        // Dense path: mark present ids, number them in ascending order, then map.
        var lookup = new int[max + 1];
        foreach (var id in ids)
        {
            lookup[id] = 1;
        }

        var ascending = new List<int>();
        for (var id = 0; id <= max; id++)
        {
            if (lookup[id] != 0)
            {
                lookup[id] = ascending.Count;
                ascending.Add(id);
            }
        }

        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = lookup[ids[i]];
        }

        return IdIndex.Create(ascending);
    }

    /// <summary>Replaces each movie id by its column in <paramref name="itemIndex"/>, in place.</summary>
    private static void EncodeMovies(Span<int> movieIds, ReadOnlySpan<int> userIds, IdIndex<int> itemIndex)
    {
        for (var i = 0; i < movieIds.Length; i++)
        {
            var id = movieIds[i];
            if (!itemIndex.TryGetIndex(id, out var column))
            {
                throw new KeyNotFoundException(
                    $"User {userIds[i]} rated movie {id}, which is not among the {itemIndex.Count} movies given.");
            }

            movieIds[i] = column;
        }
    }
}
