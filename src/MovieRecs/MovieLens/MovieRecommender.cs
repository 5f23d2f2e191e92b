using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Persistence;
using MovieRecs.Recommendations;

namespace MovieRecs.MovieLens;

/// <summary>
/// Asks a fitted model in MovieLens terms: by user id or name, movie id or title, with movies (id and title) back. It
/// joins an <see cref="AlsModel"/>, the <see cref="InteractionMatrix"/> it was trained on (its rows and columns map to
/// user ids, user names and movie ids) and the release's movies.
/// </summary>
/// <remarks>Immutable and thread-safe, like the model. Titles are resolved by <see cref="MovieTitleIndex"/>: case,
/// articles ("Matrix, The") and a missing year are tolerated; an unknown title throws with suggestions.</remarks>
public sealed class MovieRecommender
{
    private readonly Dictionary<int, Movie> _movies;

    // What FromModelFile built this from (null otherwise): a later FromModelFile given this as its previous recommender
    // reuses the matrix and titles when it is asked for the same data set and options. The data set is held weakly:
    // a caller who passes it again holds it anyway, and the ratings of one that does not are not kept alive here.
    private readonly WeakReference<MovieLensDataset>? _dataset;
    private readonly InteractionOptions? _options;

    /// <summary>Joins a model with its training data and the release's movies.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="interactions">The interaction matrix the model was trained on.</param>
    /// <param name="movies">The release's movies (at least every movie with a column).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The model and the matrix differ in shape, or a column's movie is missing from <paramref name="movies"/>.</exception>
    public MovieRecommender(AlsModel model, InteractionMatrix interactions, IReadOnlyList<Movie> movies)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(interactions);
        ArgumentNullException.ThrowIfNull(movies);
        if (model.ItemCount != interactions.Items.Count || model.UserCount < interactions.UserItems.RowCount)
        {
            ThrowHelper.ThrowArgument(
                nameof(interactions),
                $"The model has {model.UserCount} users x {model.ItemCount} items but the matrix is {interactions.UserItems.RowCount} x {interactions.Items.Count}.");
        }

        _movies = new Dictionary<int, Movie>(movies.Count);
        foreach (var movie in movies)
        {
            _movies[movie.Id] = movie;
        }

        foreach (var id in interactions.Items.Keys)
        {
            if (!_movies.ContainsKey(id))
            {
                ThrowHelper.ThrowArgument(nameof(movies), $"Movie {id} has a column but is not in the movie list.");
            }
        }

        Model = model;
        Interactions = interactions;
        Titles = new MovieTitleIndex(movies);
    }

    /// <summary>A recommender of <paramref name="model"/> over the data, titles and movies of <paramref name="basis"/>,
    /// remembering the data set and options it stands for.</summary>
    private MovieRecommender(AlsModel model, MovieRecommender basis, MovieLensDataset dataset, InteractionOptions options)
    {
        if (model.ItemCount != basis.Interactions.Items.Count || model.UserCount < basis.Interactions.UserItems.RowCount)
        {
            ThrowHelper.ThrowArgument(
                nameof(model),
                $"The model has {model.UserCount} users x {model.ItemCount} items but the matrix is {basis.Interactions.UserItems.RowCount} x {basis.Interactions.Items.Count}.");
        }

        _movies = basis._movies;
        _dataset = new WeakReference<MovieLensDataset>(dataset);
        _options = options;
        Model = model;
        Interactions = basis.Interactions;
        Titles = basis.Titles;
    }

    /// <summary>
    /// Serves a saved model with the data set it was trained on: checks that they belong together, as
    /// <see cref="ModelDataCheck.ThrowIfMismatched(ModelFileContent, MovieLensDataset)"/> does, then rebuilds the
    /// interaction matrix on the model's own user and movie indexes from the data set's ratings, so that users' liked
    /// movies (filtered from their recommendations, and explaining them) are those the model was trained with.
    /// </summary>
    /// <param name="content">The model and its ids, as <see cref="AlsModelFile"/> or <see cref="ImplicitModelFile"/> loaded them.</param>
    /// <param name="dataset">The data set the model was trained on (its movies give the titles).</param>
    /// <param name="options">The options the model's interaction matrix was built with (the threshold and the value of
    /// a rating); <see cref="InteractionOptions.Default"/> when null.</param>
    /// <param name="previous">The recommender this one replaces, or null. When it was made by this method from the same
    /// <paramref name="dataset"/> instance and equal options, and the new model has its user and movie ids (a model
    /// retrained on the same data), its interaction matrix, titles and movies are shared and the check and rebuild are
    /// skipped, since they depend on nothing else.</param>
    /// <returns>A recommender over the model. For a model saved without user ids, <see cref="Interactions"/> has no
    /// rows: movies, titles and new users are served, and asking for a user by id throws <see cref="KeyNotFoundException"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> or <paramref name="dataset"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The model does not belong to the data set (it holds no movie ids, or
    /// its ids are not the data's); the message says why, as <see cref="ModelDataCheck"/> words it.</exception>
    /// <exception cref="ArgumentException">The model's shape differs from its ids (a file whose ids were not saved with
    /// this model).</exception>
    /// <remarks>
    /// <para>A service that loads a new model file while it serves the old one calls this for the new file, passing
    /// the old recommender, and swaps the reference: recommenders are immutable, so requests in flight finish on the
    /// old one.</para>
    /// <para>O(ratings + ids) time: the check and the matrix each take one pass over the ratings; O(ids) when
    /// <paramref name="previous"/> is reused (the recommender does not keep the data set alive). For a model trained on <see cref="InteractionMatrix.Build"/> of the same
    /// ratings and options, <see cref="Interactions"/> holds that matrix, bit for bit (without names: a user added by
    /// name is not in the data set, and the check refuses it).</para>
    /// </remarks>
    public static MovieRecommender FromModelFile(ModelFileContent content, MovieLensDataset dataset, InteractionOptions? options = null, MovieRecommender? previous = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= InteractionOptions.Default;
        options.Validate();
        if (previous?._dataset is { } built && built.TryGetTarget(out var previousDataset) && ReferenceEquals(previousDataset, dataset)
            && options.Equals(previous._options) && previous.HasIds(content))
        {
            return new MovieRecommender(content.Model, previous, dataset, options);
        }

        ModelDataCheck.ThrowIfMismatched(content, dataset);
        var items = content.Items!; // checked: a model without movie ids does not pass
        var interactions = InteractionMatrix.BuildOn(dataset.Ratings, content.Users ?? IdIndex.Empty<int>(), items, options);
        return new MovieRecommender(content.Model, new MovieRecommender(content.Model, interactions, dataset.Movies), dataset, options);
    }

    /// <summary>Whether a saved model's ids are exactly the rows and columns of <see cref="Interactions"/>.</summary>
    private bool HasIds(ModelFileContent content) =>
        content.Items is { } items
        && items.Keys.SequenceEqual(Interactions.Items.Keys)
        && (content.Users is { } users ? users.Keys.SequenceEqual(Interactions.Users.Keys) : Interactions.Users.Count == 0);

    /// <summary>The model.</summary>
    public AlsModel Model { get; }

    /// <summary>The training data and its id indexes.</summary>
    public InteractionMatrix Interactions { get; }

    /// <summary>The title index of the movies.</summary>
    public MovieTitleIndex Titles { get; }

    /// <summary>The best movies for a MovieLens user, their own movies filtered.</summary>
    /// <param name="userId">A MovieLens user id of the training data.</param>
    /// <param name="count">How many movies (at least 1).</param>
    /// <returns>Movies with scores, best first.</returns>
    /// <exception cref="KeyNotFoundException">The user id is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public IReadOnlyList<MovieScore> RecommendForUser(int userId, int count = 10) =>
        RecommendForRow(Interactions.Users.IndexOf(userId), count);

    /// <summary>The best movies for a user added by name (<see cref="InteractionMatrix.AppendUser(string, TitleMatches, float)"/>
    /// before training), their own movies filtered: <c>recommender.RecommendForUser("yong")</c>.</summary>
    /// <param name="userName">The name the user was added under (ordinal comparison).</param>
    /// <param name="count">How many movies (at least 1).</param>
    /// <returns>Movies with scores, best first; the same as <see cref="RecommendForUser(int, int)"/> with the user's id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userName"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No user has that name (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public IReadOnlyList<MovieScore> RecommendForUser(string userName, int count = 10) =>
        RecommendForRow(Interactions.RowOf(userName), count);

    /// <summary>
    /// The best movies for someone who likes the given titles, without retraining (fold-in); the liked movies are
    /// filtered.
    /// </summary>
    /// <param name="likedTitles">Titles as a person types them.</param>
    /// <param name="count">How many movies (at least 1).</param>
    /// <param name="rating">The rating-like value of each liked title (default 5).</param>
    /// <returns>Movies with scores, best first.</returns>
    /// <exception cref="MovieNotFoundException">A title matches no movie (the message suggests the closest).</exception>
    /// <exception cref="AmbiguousMovieTitleException">A title matches several movies.</exception>
    /// <exception cref="KeyNotFoundException">A movie has no column in the training data.</exception>
    public IReadOnlyList<MovieScore> RecommendForTitles(IEnumerable<string> likedTitles, int count = 10, float rating = 5f)
    {
        var columns = Columns(likedTitles);
        var values = new float[columns.Length];
        values.AsSpan().Fill(rating);
        return ToMovies(Model.RecommendForNewUser(columns, values, count));
    }

    /// <summary>
    /// The best movies for someone who likes the movies found in <paramref name="likedTitles"/> (fold-in, the liked
    /// movies filtered); the unresolved titles are left out, so a caller can recommend from what was found and report
    /// the rest: <c>var liked = recommender.Titles.Match(typed);</c> then print each of <c>liked.Unresolved</c>
    /// ("No movie is titled 'jurasic prk'. Did you mean 'Jurassic Park (1993)' …?") and call this with <c>liked</c>.
    /// </summary>
    /// <param name="likedTitles">Titles matched by <see cref="MovieTitleIndex.Match"/>, normally on <see cref="Titles"/>.</param>
    /// <param name="count">How many movies (at least 1).</param>
    /// <param name="rating">The rating-like value of each liked movie (default 5).</param>
    /// <returns>Movies with scores, best first; empty when no title was found (a user who likes nothing scores every
    /// movie 0, which ranks nothing).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="likedTitles"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">A found movie has no column in the training data.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public IReadOnlyList<MovieScore> RecommendForTitles(TitleMatches likedTitles, int count = 10, float rating = 5f)
    {
        ArgumentNullException.ThrowIfNull(likedTitles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (likedTitles.Found.Count == 0)
        {
            return [];
        }

        var columns = new List<int>(likedTitles.Found.Count);
        foreach (var movie in likedTitles.Found)
        {
            var column = ColumnOf(movie.Id);
            if (!columns.Contains(column))
            {
                columns.Add(column);
            }
        }

        var values = new float[columns.Count];
        values.AsSpan().Fill(rating);
        return ToMovies(Model.RecommendForNewUser(columns.ToArray(), values, count));
    }

    /// <summary>
    /// The best movies for someone who likes the given movies, without retraining (fold-in); the liked movies are
    /// filtered. The same as <see cref="RecommendForTitles(TitleMatches, int, float)"/> with movies given by id, as a
    /// page or a client that picked them from a list sends them.
    /// </summary>
    /// <param name="likedMovieIds">MovieLens ids of the liked movies, each with a column (a repeated id counts once).</param>
    /// <param name="count">How many movies (at least 1).</param>
    /// <param name="rating">The rating-like value of each liked movie (default 5).</param>
    /// <returns>Movies with scores, best first; empty when no movie is given.</returns>
    /// <exception cref="KeyNotFoundException">A movie id has no column in the training data (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="rating"/> is not finite.</exception>
    public IReadOnlyList<MovieScore> RecommendForMovies(ReadOnlySpan<int> likedMovieIds, int count = 10, float rating = 5f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var columns = ColumnsOf(likedMovieIds);
        return columns.Length == 0 ? [] : ToMovies(Model.RecommendForNewUser(columns, Ratings(columns.Length, rating), count));
    }

    /// <summary>
    /// Why movies are recommended to someone who likes the given movies (fold-in, as
    /// <see cref="RecommendForMovies"/>): for each movie of <paramref name="movieIds"/>, its score and each liked
    /// movie's contribution, e.g. "because you liked …" beside each recommendation.
    /// </summary>
    /// <param name="likedMovieIds">MovieLens ids of the liked movies, each with a column (a repeated id counts once).</param>
    /// <param name="movieIds">MovieLens ids of the movies to explain, each with a column.</param>
    /// <param name="count">How many contributions per explanation (at least 1).</param>
    /// <param name="rating">The rating-like value of each liked movie (default 5).</param>
    /// <returns>One explanation per movie of <paramref name="movieIds"/>, in that order; they share one array of user
    /// weights.</returns>
    /// <exception cref="KeyNotFoundException">A movie id has no column in the training data (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="rating"/> is not finite.</exception>
    /// <remarks>The user's matrix is factored once (O(n·k² + k³) for n liked movies and k factors), then each movie
    /// costs O(k² + n·k), as <see cref="AlsModel.CreateExplainer"/>.</remarks>
    public IReadOnlyList<MovieExplanation> ExplainForMovies(ReadOnlySpan<int> likedMovieIds, ReadOnlySpan<int> movieIds, int count = 10, float rating = 5f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var columns = ColumnsOf(likedMovieIds);
        var explained = new int[movieIds.Length];
        for (var i = 0; i < explained.Length; i++)
        {
            explained[i] = ColumnOf(movieIds[i]);
        }

        var explainer = Model.CreateExplainer(columns, Ratings(columns.Length, rating));
        var result = new MovieExplanation[explained.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var explanation = explainer.Explain(explained[i], count);
            result[i] = new MovieExplanation(_movies[movieIds[i]], explanation.Score, ToMovies(explanation.Contributions), explanation.UserWeights);
        }

        return result;
    }

    /// <summary>The movies most similar to a movie given by title, the movie itself first.</summary>
    /// <param name="title">A title as a person types it.</param>
    /// <param name="count">How many movies, the query included (at least 1).</param>
    /// <returns>Movies with cosine similarities, most similar first.</returns>
    /// <exception cref="MovieNotFoundException">The title matches no movie.</exception>
    /// <exception cref="KeyNotFoundException">The movie has no column in the training data.</exception>
    public IReadOnlyList<MovieScore> SimilarMovies(string title, int count = 10) => SimilarMovies(Titles.Find(title).Id, count);

    /// <summary>The movies most similar to a movie given by MovieLens id, the movie itself first.</summary>
    /// <param name="movieId">A MovieLens movie id with a column.</param>
    /// <param name="count">How many movies, the query included (at least 1).</param>
    /// <returns>Movies with cosine similarities, most similar first.</returns>
    /// <exception cref="KeyNotFoundException">The movie has no column.</exception>
    public IReadOnlyList<MovieScore> SimilarMovies(int movieId, int count = 10) =>
        ToMovies(Model.SimilarItems(ColumnOf(movieId), count));

    /// <summary>Why a movie is recommended to a MovieLens user: each of their liked movies' contribution, and the user
    /// weights (<c>implicit</c>'s <c>explain</c>).</summary>
    /// <param name="userId">A MovieLens user id of the training data.</param>
    /// <param name="movieId">The MovieLens id of the movie to explain.</param>
    /// <param name="count">How many contributions (at least 1).</param>
    /// <returns>The total score, the largest contributions as movies, and the user weights (see <see cref="Explanation.UserWeights"/>).</returns>
    /// <exception cref="KeyNotFoundException">The user or movie id is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public MovieExplanation Explain(int userId, int movieId, int count = 10) =>
        ExplainForRow(Interactions.Users.IndexOf(userId), movieId, count);

    /// <summary>Why a movie is recommended to a user added by name: each of their liked movies' contribution, and the
    /// user weights (<c>implicit</c>'s <c>explain</c>): <c>recommender.Explain("yong", top[0].Movie.Id)</c>.</summary>
    /// <param name="userName">The name the user was added under (ordinal comparison).</param>
    /// <param name="movieId">The MovieLens id of the movie to explain.</param>
    /// <param name="count">How many contributions (at least 1).</param>
    /// <returns>The total score, the largest contributions as movies, and the user weights (see <see cref="Explanation.UserWeights"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userName"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No user has that name, or the movie id is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public MovieExplanation Explain(string userName, int movieId, int count = 10) =>
        ExplainForRow(Interactions.RowOf(userName), movieId, count);

    private MovieScore[] RecommendForRow(int row, int count) =>
        ToMovies(Model.Recommend(row, Interactions.UserItems.GetColumnIndices(row), count));

    private MovieExplanation ExplainForRow(int row, int movieId, int count)
    {
        var explanation = Model.Explain(Interactions.UserItems.GetColumnIndices(row), Interactions.UserItems.GetValues(row), ColumnOf(movieId), count);
        return new MovieExplanation(_movies[movieId], explanation.Score, ToMovies(explanation.Contributions), explanation.UserWeights);
    }

    private int[] Columns(IEnumerable<string> titles)
    {
        ArgumentNullException.ThrowIfNull(titles);
        var columns = new List<int>();
        foreach (var title in titles)
        {
            var column = ColumnOf(Titles.Find(title).Id);
            if (!columns.Contains(column))
            {
                columns.Add(column);
            }
        }

        return columns.ToArray();
    }

    /// <summary>The distinct columns of <paramref name="movieIds"/>, in the order first given.</summary>
    private int[] ColumnsOf(ReadOnlySpan<int> movieIds)
    {
        var columns = new List<int>(movieIds.Length);
        foreach (var id in movieIds)
        {
            var column = ColumnOf(id);
            if (!columns.Contains(column))
            {
                columns.Add(column);
            }
        }

        return columns.ToArray();
    }

    /// <summary>The column of a movie id, or a <see cref="KeyNotFoundException"/> that says whether the movie is unknown
    /// or only has no column.</summary>
    private int ColumnOf(int movieId)
    {
        if (!Interactions.Items.TryGetIndex(movieId, out var column))
        {
            throw new KeyNotFoundException(_movies.TryGetValue(movieId, out var movie)
                ? $"Movie {movieId} ('{MessageText.Escape(movie.Title)}') has no column: the model's {Interactions.Items.Count} movies do not include it."
                : $"No movie has the id {movieId}.");
        }

        return column;
    }

    private static float[] Ratings(int count, float rating)
    {
        if (!float.IsFinite(rating))
        {
            ThrowHelper.ThrowArgument(nameof(rating), $"The rating is {rating}; it must be finite.");
        }

        var values = new float[count];
        values.AsSpan().Fill(rating);
        return values;
    }

    private MovieScore[] ToMovies(IReadOnlyList<ScoredItem> scored)
    {
        var result = new MovieScore[scored.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new MovieScore(_movies[Interactions.Items[scored[i].Item]], scored[i].Score);
        }

        return result;
    }
}
