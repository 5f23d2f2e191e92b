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
public sealed partial class InteractionMatrix
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
        var movieIds = new int[favourites.Found.Count];
        for (var i = 0; i < movieIds.Length; i++)
        {
            movieIds[i] = favourites.Found[i].Id;
        }

        var ratings = new float[movieIds.Length];
        ratings.AsSpan().Fill(rating);
        return AppendUser(userId, movieIds, ratings);
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
