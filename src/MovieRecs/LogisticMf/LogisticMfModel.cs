using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.LogisticMf;

/// <summary>
/// A logistic matrix factorization model (Johnson 2014), as <c>implicit</c>'s <c>LogisticMatrixFactorization</c>:
/// the probability that user <c>u</c> likes item <c>i</c> is <c>σ(x_u · y_i + b_u + b_i)</c>, learned from the
/// stored values of a user x item matrix against sampled negatives. Items are ranked by the logit
/// <c>x_u · y_i + b_u + b_i</c>, which is one dot product of the factor rows (<see cref="GetUserFactors"/>).
/// </summary>
/// <remarks>
/// <para>Factor rows hold <see cref="Factors"/> + 2 floats, as in <c>implicit</c>: the latent factors, then a user's
/// constant 1 and bias, an item's bias and constant 1. Serving (recommend, batch, similar items, scores) is that of an
/// <see cref="AlsModel"/> over these rows, with the same results and costs.</para>
/// <para>There is no <c>Explain</c> or <c>RecalculateUser</c> (fold-in): both solve the least-squares system of
/// implicit ALS, which is not this model's objective; a new user's logistic factors would need the training's
/// sampled gradient steps, which <c>implicit</c> does not offer for this model either.</para>
/// <para>Immutable and thread-safe: every method may be called concurrently.</para>
/// </remarks>
public sealed class LogisticMfModel : IRecommender
{
    /// <summary>A model over <paramref name="serving"/>'s factor rows of <c>options.Factors + 2</c> columns.</summary>
    internal LogisticMfModel(LogisticMfOptions options, AlsModel serving)
    {
        System.Diagnostics.Debug.Assert(serving.Factors == options.Factors + 2);
        Options = options;
        Serving = serving;
    }

    /// <summary>The options the model was trained with (kept so that a saved model says how it was made).</summary>
    public LogisticMfOptions Options { get; }

    /// <summary>The number of users (rows of the training matrix).</summary>
    public int UserCount => Serving.UserCount;

    /// <summary>The number of items (columns of the training matrix).</summary>
    public int ItemCount => Serving.ItemCount;

    /// <summary>The number of latent factors <c>k</c> (<see cref="LogisticMfOptions.Factors"/>); factor rows hold <c>k + 2</c> floats.</summary>
    public int Factors => Options.Factors;

    /// <summary>The model that serves the factor rows (<see cref="Factors"/> + 2 columns).</summary>
    internal AlsModel Serving { get; }

    /// <summary>
    /// Fits a model to <paramref name="userItems"/>, as <c>implicit</c>'s <c>LogisticMatrixFactorization.fit</c>: from
    /// standard normal factors, <see cref="LogisticMfOptions.Iterations"/> epochs of one Adagrad step per user, then per
    /// item, each over the row's values (weighted by the value) and its sampled negatives.
    /// </summary>
    /// <param name="userItems">The user x item matrix of values (e.g. ratings or counts): a stored value marks a liked
    /// item and weighs it; at least one row and one column, finite values.</param>
    /// <param name="options">The hyperparameters; <c>implicit</c>'s defaults when null.</param>
    /// <param name="progress">Receives one report per epoch (its <see cref="AlsIterationProgress.Loss"/> is always
    /// null), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the fit between chunks of rows; nothing is returned then.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="LogisticMfOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> has no rows or no columns, or a value is not finite.</exception>
    /// <exception cref="ArithmeticException">A factor became non-finite, a row's norm exceeded √float.MaxValue so
    /// that its scores would overflow float, or a factor's sum of squared gradients overflowed float so that Adagrad
    /// would stop moving it (values, <see cref="LogisticMfOptions.Regularization"/> or
    /// <see cref="LogisticMfOptions.LearningRate"/> far too large); the message names the row and the epoch.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>Time per epoch <c>O((nnz + s) · k)</c>, with <c>s</c> the sampled negatives (at most <c>k + 2</c> per row,
    /// see <see cref="LogisticMfOptions.NegativeProportion"/>). Memory: the factors and their Adagrad sums (four floats
    /// per row and column), the item x user transpose of the matrix and one gradient row per thread; nothing is
    /// allocated per row.</para>
    /// <para>Deterministic: every row draws its negatives from its own generator (seeded from
    /// <see cref="LogisticMfOptions.Seed"/>, the epoch and the row), and within a pass a row's step depends only on the
    /// other side's factors, so the same seed and data give bit-identical factors for any
    /// <see cref="LogisticMfOptions.MaxDegreeOfParallelism"/> on one machine (the vector width and the C library's
    /// <c>exp</c> may change the last bits on another). <c>implicit</c>'s own results depend on its thread count.</para>
    /// </remarks>
    public static LogisticMfModel Fit(
        CsrMatrix userItems, LogisticMfOptions? options = null, IProgress<AlsIterationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LogisticMfTrainer.Fit(userItems, options ?? new LogisticMfOptions(), KernelTable.Best, progress, cancellationToken);

    /// <summary>The top items for <paramref name="user"/> by score (the logit), best first (ties to the lower item index).</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items (their row of the training matrix), filtered out when
    /// <see cref="RecommendOptions.FilterAlreadyLiked"/> is set; any order.</param>
    /// <param name="count">How many items to return (at least 1); fewer come back when fewer items are eligible.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items with their scores.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/>, <paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>As <see cref="AlsModel.Recommend(int, ReadOnlySpan{int}, int, RecommendOptions?)"/>: O(items·k), thread-safe.</remarks>
    public ScoredItem[] Recommend(int user, ReadOnlySpan<int> likedItems, int count = 10, RecommendOptions? options = null) =>
        Serving.Recommend(user, likedItems, count, options);

    /// <summary>Writes the top items for <paramref name="user"/> into <paramref name="destination"/>, allocating nothing once warmed up.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items, filtered when <see cref="RecommendOptions.FilterAlreadyLiked"/> is set.</param>
    /// <param name="destination">Receives the items, best first; its length is how many are wanted.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The number of items written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    public int Recommend(int user, ReadOnlySpan<int> likedItems, Span<ScoredItem> destination, RecommendOptions? options = null) =>
        Serving.Recommend(user, likedItems, destination, options);

    /// <summary>The top items for <paramref name="user"/>, filtering their row of <paramref name="userItems"/> (the training matrix).</summary>
    /// <param name="user">The user index; also the row of <paramref name="userItems"/>.</param>
    /// <param name="userItems">The user x item matrix the model was trained on (only row <paramref name="user"/> is read).</param>
    /// <param name="count">How many items to return (at least 1).</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> has more columns than the model has items, or the options are inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not a row of both, or <paramref name="count"/> &lt; 1.</exception>
    public ScoredItem[] Recommend(int user, CsrMatrix userItems, int count = 10, RecommendOptions? options = null) =>
        Serving.Recommend(user, userItems, count, options);

    /// <summary>
    /// Recommends for every user of <paramref name="userItems"/> (row <c>u</c> is user <c>u</c>) in parallel, with the
    /// same results as calling <see cref="Recommend(int, CsrMatrix, int, RecommendOptions?)"/> for each.
    /// </summary>
    /// <param name="userItems">The training matrix (or any matrix whose rows are users of this model).</param>
    /// <param name="count">How many items per user (at least 1).</param>
    /// <param name="options">Filtering and candidates for every user.</param>
    /// <param name="progress">Receives the number of users done so far, per batch, or null.</param>
    /// <param name="cancellationToken">Stops between batches of users.</param>
    /// <returns>One array of recommendations per row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> does not fit the model, or the options are inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>As <see cref="AlsModel.RecommendAll"/>; uses up to <see cref="LogisticMfOptions.MaxDegreeOfParallelism"/> threads.</remarks>
    public ScoredItem[][] RecommendAll(
        CsrMatrix userItems, int count = 10, RecommendOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Serving.RecommendAll(userItems, count, options, progress, cancellationToken);

    /// <summary>
    /// The items most similar to <paramref name="item"/> by cosine similarity of their whole factor rows (biases
    /// included, as <c>implicit</c> compares them), the item itself first.
    /// </summary>
    /// <param name="item">The item index.</param>
    /// <param name="count">How many items to return, the query item included (at least 1).</param>
    /// <param name="options"><see cref="RecommendOptions.FilterItems"/> or <see cref="RecommendOptions.Candidates"/>
    /// restrict the items returned, the query item too (as <see cref="AlsModel.SimilarItems"/>);
    /// <see cref="RecommendOptions.FilterAlreadyLiked"/> does not apply.</param>
    /// <returns>The similar items, most similar first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>As <see cref="AlsModel.SimilarItems"/>: O(items·k), thread-safe.</remarks>
    public ScoredItem[] SimilarItems(int item, int count = 10, RecommendOptions? options = null) =>
        Serving.SimilarItems(item, count, options);

    /// <summary><see cref="SimilarItems"/> for every item, in parallel, identical to the single-item calls.</summary>
    /// <param name="count">How many items per query item (at least 1).</param>
    /// <param name="progress">Receives the number of items done so far, or null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One array per item.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ScoredItem[][] SimilarItemsAll(int count = 10, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Serving.SimilarItemsAll(count, progress, cancellationToken);

    /// <summary>The score (logit) of one (user, item) pair: <c>x_u · y_i + b_u + b_i</c>; its sigmoid is the model's
    /// probability that the user likes the item.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="item">The item index, in <c>[0, ItemCount)</c>.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or <paramref name="item"/> is out of range.</exception>
    public float Score(int user, int item) => Serving.Score(user, item);

    /// <summary>The factor row of one user: <see cref="Factors"/> latent factors, then 1, then the user's bias.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> + 2 floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is outside <c>[0, UserCount)</c>.</exception>
    public ReadOnlySpan<float> GetUserFactors(int user) => Serving.GetUserFactors(user);

    /// <summary>The factor row of one item: <see cref="Factors"/> latent factors, then the item's bias, then 1.</summary>
    /// <param name="item">The item index, in <c>[0, ItemCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> + 2 floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is outside <c>[0, ItemCount)</c>.</exception>
    public ReadOnlySpan<float> GetItemFactors(int item) => Serving.GetItemFactors(item);

    /// <inheritdoc/>
    int IRecommender.Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores) =>
        ((IRecommender)Serving).Recommend(user, excludeItems, items, scores);

    /// <inheritdoc />
    public override string ToString() =>
        $"LogisticMfModel {UserCount} users x {ItemCount} items, {Factors} factors";
}
