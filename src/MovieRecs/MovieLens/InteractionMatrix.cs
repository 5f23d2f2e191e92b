using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>
/// The user x item matrix of implicit feedback together with the dense indexes that map its rows to MovieLens
/// user ids and its columns to movie ids: what a notebook builds with <c>user_to_idx</c>, <c>movie_to_idx</c> and
/// <c>csr_matrix</c>, in one call of <see cref="Build"/>.
/// </summary>
/// <remarks>Immutable and thread-safe. <see cref="AppendUser(int, ReadOnlySpan{int}, ReadOnlySpan{float})"/>
/// returns a new instance; the indexes of existing users and movies never change.</remarks>
public sealed class InteractionMatrix
{
    /// <summary>Ids below this bound are indexed through a dense lookup table instead of a dictionary.</summary>
    private const int DenseLookupLimit = 1 << 26;

    private InteractionMatrix(CsrMatrix userItems, IdIndex<int> users, IdIndex<int> items, InteractionOptions options)
    {
        UserItems = userItems;
        Users = users;
        Items = items;
        Options = options;
    }

    /// <summary>The user x item matrix: row <c>u</c> is user <c>Users[u]</c>, column <c>i</c> is movie <c>Items[i]</c>.</summary>
    public CsrMatrix UserItems { get; }

    /// <summary>MovieLens user id of each row (ascending ids, then appended users in order of addition).</summary>
    public IdIndex<int> Users { get; }

    /// <summary>MovieLens movie id of each column, ascending.</summary>
    public IdIndex<int> Items { get; }

    /// <summary>The options the matrix was built with.</summary>
    public InteractionOptions Options { get; }

    /// <summary>A user id not yet used: one more than the largest user id.</summary>
    public int NextUserId
    {
        get
        {
            var max = 0;
            foreach (var id in Users.Keys)
            {
                max = Math.Max(max, id);
            }

            return checked(max + 1);
        }
    }

    /// <summary>
    /// Keeps the ratings at or above <see cref="InteractionOptions.MinRating"/>, indexes the users and movies that
    /// remain (each ascending by id) and builds the user x item CSR matrix of their values.
    /// </summary>
    /// <param name="ratings">The ratings, e.g. from a MovieLens reader or the synthetic generator.</param>
    /// <param name="options">Threshold, value and duplicate handling; <see cref="InteractionOptions.Default"/> when null.</param>
    /// <param name="movies">When given, every one of these movies gets a column (those without kept ratings stay
    /// empty), so that a new user can name any movie of the release; otherwise only rated movies get columns.</param>
    /// <returns>The matrix and its indexes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="movies"/> is given and a rating names a movie absent from it.</exception>
    /// <remarks>O(ratings + largest id) time; ids are mapped through a dense table when they are below 2^26, else a hash map.</remarks>
    public static InteractionMatrix Build(RatingsTable ratings, InteractionOptions? options = null, IReadOnlyList<Movie>? movies = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        options ??= InteractionOptions.Default;
        options.Validate();

        var kept = new List<int>(0);
        var keepAll = true;
        var values = ratings.Ratings;
        for (var i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= options.MinRating))
            {
                keepAll = false;
                break;
            }
        }

        int[] userIds;
        int[] movieIds;
        float[] confidence;
        if (keepAll)
        {
            userIds = ratings.UserIds.ToArray();
            movieIds = ratings.MovieIds.ToArray();
            confidence = values.ToArray();
        }
        else
        {
            var count = 0;
            foreach (var v in values)
            {
                count += v >= options.MinRating ? 1 : 0;
            }

            userIds = GC.AllocateUninitializedArray<int>(count);
            movieIds = GC.AllocateUninitializedArray<int>(count);
            confidence = GC.AllocateUninitializedArray<float>(count);
            var users = ratings.UserIds;
            var items = ratings.MovieIds;
            var w = 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] >= options.MinRating)
                {
                    userIds[w] = users[i];
                    movieIds[w] = items[i];
                    confidence[w] = values[i];
                    w++;
                }
            }
        }

        ApplyValue(confidence, options.Value);

        var userIndex = IndexAndEncode(userIds, out var rows);
        IdIndex<int> itemIndex;
        int[] columns;
        if (movies is null)
        {
            itemIndex = IndexAndEncode(movieIds, out columns);
        }
        else
        {
            var ids = new int[movies.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = movies[i].Id;
            }

            itemIndex = IdIndex.FromValues(ids);
            columns = new int[movieIds.Length];
            itemIndex.IndexesOf(movieIds, columns);
        }

        var matrix = CsrMatrix.FromTriplets(userIndex.Count, itemIndex.Count, rows, columns, confidence, new SparseBuildOptions { Duplicates = options.Duplicates });
        return new InteractionMatrix(matrix, userIndex, itemIndex, options);
    }

    /// <summary>
    /// Adds a user who liked the given movies (each with the given rating-like value, turned into a matrix value the
    /// same way as at build time). Existing users and movies keep their indexes; the new user gets row
    /// <c>UserItems.RowCount</c>.
    /// </summary>
    /// <param name="userId">A user id not yet present (see <see cref="NextUserId"/>).</param>
    /// <param name="movieIds">MovieLens ids of the movies the user liked; each must have a column.</param>
    /// <param name="ratings">One rating per movie (e.g. 5 for favourites); ratings below the threshold are ignored like at build time.</param>
    /// <returns>A new interaction matrix with one more row.</returns>
    /// <exception cref="ArgumentException">The user id is taken, or the spans differ in length, or a rating is not finite.</exception>
    /// <exception cref="KeyNotFoundException">A movie id has no column (the message names it); nothing is added.</exception>
    public InteractionMatrix AppendUser(int userId, ReadOnlySpan<int> movieIds, ReadOnlySpan<float> ratings)
    {
        if (movieIds.Length != ratings.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ratings), $"ratings has {ratings.Length} entries but movieIds has {movieIds.Length}.");
        }

        if (Users.Contains(userId))
        {
            ThrowHelper.ThrowArgument(nameof(userId), $"The user id {userId} is already present (row {Users.IndexOf(userId)}).");
        }

        var columns = new List<int>(movieIds.Length);
        var values = new List<float>(movieIds.Length);
        for (var i = 0; i < movieIds.Length; i++)
        {
            if (!float.IsFinite(ratings[i]))
            {
                ThrowHelper.ThrowArgument(nameof(ratings), $"ratings[{i}] is {ratings[i]}; ratings must be finite.");
            }

            if (!Items.TryGetIndex(movieIds[i], out var column))
            {
                throw new KeyNotFoundException($"movieIds[{i}] = {movieIds[i]} is not a movie of this matrix ({Items.Count} movies); nothing was added.");
            }

            if (ratings[i] >= Options.MinRating)
            {
                columns.Add(column);
                values.Add(ratings[i]);
            }
        }

        var valueArray = values.ToArray();
        ApplyValue(valueArray, Options.Value);
        var matrix = UserItems.AppendRows(CsrMatrix.FromTriplets(1, Items.Count, new int[columns.Count], columns.ToArray(), valueArray, new SparseBuildOptions { Duplicates = Options.Duplicates }));
        return new InteractionMatrix(matrix, Users.Append(userId), Items, Options);
    }

    /// <summary>
    /// Adds a user from the titles of movies they like, as a person types them ("matrix, the (1999)",
    /// "Men in Black"): each title is resolved through <paramref name="titles"/>, so a typo or an ambiguous title
    /// throws instead of silently creating a phantom movie.
    /// </summary>
    /// <param name="userId">A user id not yet present (see <see cref="NextUserId"/>).</param>
    /// <param name="titles">The title index of the release's movies.</param>
    /// <param name="favouriteTitles">The titles the user likes.</param>
    /// <param name="rating">The rating-like value given to each (default 5, a favourite).</param>
    /// <returns>A new interaction matrix with one more row.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="MovieNotFoundException">A title matches no movie (the message lists the closest titles); nothing is added.</exception>
    /// <exception cref="AmbiguousMovieTitleException">A title matches several movies (the message lists them); nothing is added.</exception>
    /// <exception cref="KeyNotFoundException">A movie exists in the release but has no column in this matrix.</exception>
    public InteractionMatrix AppendUser(int userId, MovieTitleIndex titles, IEnumerable<string> favouriteTitles, float rating = 5f)
    {
        ArgumentNullException.ThrowIfNull(titles);
        ArgumentNullException.ThrowIfNull(favouriteTitles);
        var movieIds = new List<int>();
        foreach (var title in favouriteTitles)
        {
            movieIds.Add(titles.Find(title).Id);
        }

        var ratings = new float[movieIds.Count];
        ratings.AsSpan().Fill(rating);
        return AppendUser(userId, movieIds.ToArray(), ratings);
    }

    private static void ApplyValue(Span<float> values, InteractionValue mode)
    {
        switch (mode)
        {
            case InteractionValue.Binary:
                values.Fill(1f);
                break;
            case InteractionValue.LogRating:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = MathF.Log(1f + values[i]);
                }

                break;
        }
    }

    /// <summary>Indexes the distinct ids (ascending) and writes each id's index into <paramref name="encoded"/>.</summary>
    private static IdIndex<int> IndexAndEncode(int[] ids, out int[] encoded)
    {
        var min = int.MaxValue;
        var max = int.MinValue;
        foreach (var id in ids)
        {
            min = Math.Min(min, id);
            max = Math.Max(max, id);
        }

        encoded = GC.AllocateUninitializedArray<int>(ids.Length);
        if (ids.Length == 0)
        {
            return IdIndex.Empty<int>();
        }

        if (min < 0 || max >= DenseLookupLimit)
        {
            var index = IdIndex.FromValues(ids);
            index.IndexesOf(ids, encoded);
            return index;
        }

        // Dense path: mark present ids, number them in ascending order, then map.
        var lookup = new int[max + 1];
        foreach (var id in ids)
        {
            lookup[id] = 1;
        }

        var distinct = new List<int>();
        for (var id = 0; id <= max; id++)
        {
            if (lookup[id] != 0)
            {
                lookup[id] = distinct.Count;
                distinct.Add(id);
            }
        }

        for (var i = 0; i < ids.Length; i++)
        {
            encoded[i] = lookup[ids[i]];
        }

        return IdIndex.Create(distinct);
    }
}
