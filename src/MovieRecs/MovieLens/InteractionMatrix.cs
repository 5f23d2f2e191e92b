using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>
/// The user x item matrix of implicit feedback together with the dense indexes that map its rows to MovieLens
/// user ids and its columns to movie ids: what a notebook builds with <c>user_to_idx</c>, <c>movie_to_idx</c> and
/// <c>csr_matrix</c>, in one call of <see cref="Build"/>.
/// </summary>
/// <remarks>
/// <para>Immutable and thread-safe. <see cref="AppendUser(int, ReadOnlySpan{int}, ReadOnlySpan{float})"/>
/// returns a new instance; the indexes of existing users and movies never change.</para>
/// <para>
/// Users are keyed by MovieLens id, and a user added by <see cref="AppendUser(string, TitleMatches, float)"/> also
/// by name (<c>"yong"</c>, as a notebook adds itself): the name finds the row (<see cref="RowOf"/>), and the user
/// gets the id <see cref="NextUserId"/> in <see cref="Users"/>, so everything keyed by id (a saved model's user
/// index, <see cref="ModelDataCheck"/>) keeps working. Names and ids are separate key spaces: the name <c>"42"</c> is
/// not the id 42.
/// </para>
/// </remarks>
public sealed partial class InteractionMatrix
{
    /// <summary>Ids below this bound are indexed through a dense lookup table instead of a dictionary.</summary>
    private const int DenseLookupLimit = 1 << 26;

    /// <summary>The size of build temporaries from which <c>Read</c> returns them to the runtime at once (64 MiB).</summary>
    private const long LargeTemporaryBytes = 64L << 20;

    /// <summary>The row of each user added by name (ordinal comparison), or null when there is none; never changed
    /// after construction.</summary>
    private readonly Dictionary<string, int>? _rowsByName;

    private InteractionMatrix(
        CsrMatrix userItems, IdIndex<int> users, IdIndex<int> items, InteractionOptions options, Dictionary<string, int>? rowsByName = null)
    {
        UserItems = userItems;
        Users = users;
        Items = items;
        Options = options;
        _rowsByName = rowsByName;
    }

    /// <summary>The user x item matrix: row <c>u</c> is user <c>Users[u]</c>, column <c>i</c> is movie <c>Items[i]</c>.</summary>
    public CsrMatrix UserItems { get; }

    /// <summary>MovieLens user id of each row (ascending ids, then appended users in order of addition; a user added
    /// by name has the id <see cref="NextUserId"/> gave at the time).</summary>
    public IdIndex<int> Users { get; }

    /// <summary>MovieLens movie id of each column, ascending.</summary>
    public IdIndex<int> Items { get; }

    /// <summary>The options the matrix was built with.</summary>
    public InteractionOptions Options { get; }

    /// <summary>A user id not yet used: one more than the largest user id (1 when there is no user).</summary>
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

    /// <summary>The row of the user added under <paramref name="userName"/>, for the index-level API:
    /// <c>model.Recommend(interactions.RowOf("yong"), ...)</c>. (The row of a MovieLens id is <c>Users.IndexOf(id)</c>.)</summary>
    /// <param name="userName">A name given to <see cref="AppendUser(string, TitleMatches, float)"/> or
    /// <see cref="AppendUser(string, ReadOnlySpan{int}, ReadOnlySpan{float})"/>; compared ordinally (case matters).</param>
    /// <returns>The user's row of <see cref="UserItems"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userName"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No user has that name (the message names it).</exception>
    /// <remarks>O(1).</remarks>
    public int RowOf(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        if (_rowsByName is null || !_rowsByName.TryGetValue(userName, out var row))
        {
            throw new KeyNotFoundException(
                $"No user is named '{MessageText.Escape(userName)}' ({_rowsByName?.Count ?? 0} users were added by name; MovieLens users are found by id in Users).");
        }

        return row;
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
    /// <remarks>
    /// O(ratings + largest id) time; ids are mapped through a dense table when they are below 2^26, else a hash map.
    /// Memory besides the table and the result: 12 bytes per kept rating while the matrix is built (twice that
    /// for input not grouped by user). To build from a file without loading it into a table first, use
    /// <see cref="Read(string, MovieLensRelease, InteractionOptions?, IReadOnlyList{Movie}?, IProgress{long}?, CancellationToken)"/>.
    /// </remarks>
    public static InteractionMatrix Build(RatingsTable ratings, InteractionOptions? options = null, IReadOnlyList<Movie>? movies = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        options ??= InteractionOptions.Default;
        options.Validate();
        return FromKeptRatings(KeptRatings.FromTable(ratings, options.MinRating), options, movies);
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
        CheckLengths(movieIds, ratings);
        if (Users.Contains(userId))
        {
            ThrowHelper.ThrowArgument(nameof(userId), $"The user id {userId} is already present (row {Users.IndexOf(userId)}).");
        }

        return Append(userId, null, movieIds, ratings);
    }

    /// <summary>
    /// Adds a user under a name, such as the tutorial's <c>"yong"</c>, who liked the given movies: as
    /// <see cref="AppendUser(int, ReadOnlySpan{int}, ReadOnlySpan{float})"/> with the id <see cref="NextUserId"/>,
    /// and the name then finds the row (<see cref="RowOf"/>, <see cref="MovieRecommender.RecommendForUser(string, int)"/>).
    /// </summary>
    /// <param name="userName">A name no user of this matrix has yet, neither empty nor white space; compared ordinally.</param>
    /// <param name="movieIds">MovieLens ids of the movies the user liked; each must have a column.</param>
    /// <param name="ratings">One rating per movie; ratings below the threshold are ignored like at build time.</param>
    /// <returns>A new interaction matrix with one more row, whose <see cref="Users"/> id is this matrix's <see cref="NextUserId"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userName"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty, white space or taken (the message names it), or the spans
    /// differ in length, or a rating is not finite.</exception>
    /// <exception cref="KeyNotFoundException">A movie id has no column (the message names it); nothing is added.</exception>
    /// <exception cref="OverflowException">The largest user id is <see cref="int.MaxValue"/>, so no id is left.</exception>
    public InteractionMatrix AppendUser(string userName, ReadOnlySpan<int> movieIds, ReadOnlySpan<float> ratings)
    {
        CheckNewName(userName);
        CheckLengths(movieIds, ratings);
        return Append(NextUserId, userName, movieIds, ratings);
    }

    /// <summary>
    /// Adds a user under a name from titles resolved leniently by <see cref="MovieTitleIndex.Match"/>, the tutorial's
    /// new user in one line: <c>interactions.AppendUser("yong", titles.Match(favourites))</c>. The movies found are
    /// added (as <see cref="AppendUser(int, TitleMatches, float)"/> adds them, under the id <see cref="NextUserId"/>);
    /// the unresolved titles are left out, for the caller to report from <see cref="TitleMatches.Unresolved"/>.
    /// </summary>
    /// <param name="userName">A name no user of this matrix has yet, neither empty nor white space; compared ordinally.</param>
    /// <param name="favourites">The matched titles, e.g. <c>titles.Match(["jurassic park", "men in black"])</c>.</param>
    /// <param name="rating">The rating-like value given to each found movie (default 5, a favourite).</param>
    /// <returns>A new interaction matrix with one more row (empty when nothing was found).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userName"/> or <paramref name="favourites"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty, white space or taken (the message names it), or the
    /// rating is not finite.</exception>
    /// <exception cref="KeyNotFoundException">A found movie has no column in this matrix (build it with the release's
    /// movies to give every movie one); nothing is added.</exception>
    /// <exception cref="OverflowException">The largest user id is <see cref="int.MaxValue"/>, so no id is left.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "As for the id overload: a rule for shipped surfaces; the rating is optional in every title overload.")]
    public InteractionMatrix AppendUser(string userName, TitleMatches favourites, float rating = 5f)
    {
        CheckNewName(userName);
        ArgumentNullException.ThrowIfNull(favourites);
        var (movieIds, ratings) = FoundRatings(favourites, rating);
        return Append(NextUserId, userName, movieIds, ratings);
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

    /// <summary>
    /// Adds a user from titles resolved leniently by <see cref="MovieTitleIndex.Match"/>: the movies found are added
    /// (as <see cref="AppendUser(int, MovieTitleIndex, IEnumerable{string}, float)"/> would add them) and the
    /// unresolved titles are left out, for the caller to report from <see cref="TitleMatches.Unresolved"/>.
    /// </summary>
    /// <param name="userId">A user id not yet present (see <see cref="NextUserId"/>).</param>
    /// <param name="favourites">The matched titles, e.g. <c>titles.Match(["jurassic park", "jurasic prk"])</c>.</param>
    /// <param name="rating">The rating-like value given to each found movie (default 5, a favourite).</param>
    /// <returns>A new interaction matrix with one more row (empty when nothing was found).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="favourites"/> is null.</exception>
    /// <exception cref="ArgumentException">The user id is taken, or the rating is not finite.</exception>
    /// <exception cref="KeyNotFoundException">A found movie has no column in this matrix (build it with the release's
    /// movies to give every movie one); nothing is added.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "Like RS0026 (see MovieRecs.csproj), a rule for shipped surfaces; nothing has shipped, and the rating is optional as in the title overload.")]
    public InteractionMatrix AppendUser(int userId, TitleMatches favourites, float rating = 5f)
    {
        ArgumentNullException.ThrowIfNull(favourites);
        var (movieIds, ratings) = FoundRatings(favourites, rating);
        return AppendUser(userId, movieIds, ratings);
    }

    private static void CheckLengths(ReadOnlySpan<int> movieIds, ReadOnlySpan<float> ratings)
    {
        if (movieIds.Length != ratings.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ratings), $"ratings has {ratings.Length} entries but movieIds has {movieIds.Length}.");
        }
    }

    /// <summary>Adds the row of a user whose id (and name, if any) has been checked to be new; the spans have one length.</summary>
    private InteractionMatrix Append(int userId, string? userName, ReadOnlySpan<int> movieIds, ReadOnlySpan<float> ratings)
    {
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
        var rowsByName = _rowsByName;
        if (userName is not null)
        {
            rowsByName = _rowsByName is null ? new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(_rowsByName, StringComparer.Ordinal);
            rowsByName.Add(userName, UserItems.RowCount);
        }

        return new InteractionMatrix(matrix, Users.Append(userId), Items, Options, rowsByName);
    }

    /// <summary>Throws unless <paramref name="userName"/> can name a new user.</summary>
    private void CheckNewName(string userName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        if (_rowsByName is not null && _rowsByName.TryGetValue(userName, out var row))
        {
            ThrowHelper.ThrowArgument(nameof(userName), $"The user name '{MessageText.Escape(userName)}' is already taken (row {row}).");
        }
    }

    /// <summary>The ids of the found movies, each with <paramref name="rating"/>.</summary>
    private static (int[] MovieIds, float[] Ratings) FoundRatings(TitleMatches favourites, float rating)
    {
        var movieIds = new int[favourites.Found.Count];
        for (var i = 0; i < movieIds.Length; i++)
        {
            movieIds[i] = favourites.Found[i].Id;
        }

        var ratings = new float[movieIds.Length];
        ratings.AsSpan().Fill(rating);
        return (movieIds, ratings);
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
}
