using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Bpr;

/// <summary>
/// A Bayesian Personalized Ranking model (Rendle et al. 2009) with the semantics of Python's <c>implicit</c>
/// (<c>BayesianPersonalizedRanking</c>, CPU): matrix factors learned by SGD on the pairwise loss
/// <c>−ln σ(x_u · (y_i − y_j))</c> of a liked item <c>i</c> over a sampled item <c>j</c>.
/// </summary>
/// <remarks>
/// <para>As in <c>implicit</c>, the item rows carry their bias in the last column and the user rows a constant 1
/// there, so a score is one dot product of <see cref="Factors"/> (<see cref="BprOptions.Factors"/> + 1) floats, and
/// serving (recommend, similar items, scores) is that of an ALS model over the same factors, with the same results,
/// ties and filtering as <see cref="AlsModel"/>.</para>
/// <para>BPR has no closed-form solve for one row, so unlike <see cref="AlsModel"/> there is no fold-in of a new user
/// (<c>RecalculateUser</c>, <c>RecommendForNewUser</c>) and no explanation of a recommendation (<c>Explain</c>);
/// <c>implicit</c> raises <c>NotImplementedError</c> for them. Refit to add users.</para>
/// <para>Immutable and thread-safe: every method may be called concurrently.</para>
/// </remarks>
public sealed class BprModel : IRecommender
{
    private readonly AlsModel _factors;

    internal BprModel(BprOptions options, AlsModel factors)
    {
        System.Diagnostics.Debug.Assert(factors.Factors == options.Factors + 1);
        Options = options;
        _factors = factors;
    }

    /// <summary>The options the model was fitted with.</summary>
    public BprOptions Options { get; }

    /// <summary>The number of users (rows of the training matrix).</summary>
    public int UserCount => _factors.UserCount;

    /// <summary>The number of items (columns of the training matrix).</summary>
    public int ItemCount => _factors.ItemCount;

    /// <summary>
    /// The number of floats per user and item row: <see cref="BprOptions.Factors"/> latent factors, then the bias
    /// column (the item's bias, 1 for every user).
    /// </summary>
    public int Factors => _factors.Factors;

    /// <summary>The factors served, as an ALS model over the same rows (for persistence and tests).</summary>
    internal AlsModel FactorModel => _factors;

    /// <summary>
    /// Fits a model to the user x item matrix <paramref name="userItems"/>: every stored entry is a liked item, its
    /// value is ignored (as in <c>implicit</c>).
    /// </summary>
    /// <param name="userItems">The user x item matrix; at least one row and one column.</param>
    /// <param name="options">The hyperparameters; <c>implicit</c>'s defaults when null.</param>
    /// <param name="progress">Receives one report per epoch (time, training AUC, skipped samples), or null.</param>
    /// <param name="cancellationToken">Stops the fit between sub-epochs; nothing is returned then.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> has no rows or no columns.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="BprOptions.Validate"/>).</exception>
    /// <exception cref="ArithmeticException">A factor became non-finite, or a row's norm exceeded √float.MaxValue so
    /// that its scores would overflow float (the learning rate is too large); the message names the row.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para><b>Initialisation</b> as <c>implicit</c>: every factor uniform in <c>[−0.5, 0.5)</c> divided by
    /// <see cref="BprOptions.Factors"/>, zero rows for users and items without entries, the users' bias column 1.</para>
    /// <para><b>One epoch</b> draws <c>nnz</c> samples. Each picks a uniformly random stored entry <c>(u, i)</c> and a
    /// negative item <c>j</c> with probability proportional to its number of users (as <c>implicit</c>, which takes
    /// the item of another random stored entry); with <see cref="BprOptions.VerifyNegativeSamples"/> a <c>j</c> the
    /// user has is skipped. Otherwise, with <c>z = 1 / (1 + exp(x_u · (y_i − y_j)))</c>, learning rate <c>η</c> and
    /// regularization <c>λ</c>, every column <c>c</c> takes the step <c>x_uc += η(z(y_ic − y_jc) − λx_uc)</c>,
    /// <c>y_ic += η(z·x_uc − λy_ic)</c>, <c>y_jc += η(−z·x_uc − λy_jc)</c> (the old <c>x_uc</c> on the right),
    /// except the users' constant bias column.</para>
    /// <para><b>Blocked, parallel and reproducible.</b> <c>implicit</c> runs the samples on all threads at once without
    /// locks (Hogwild): threads overwrite each other's updates, so its results vary from run to run. Here the users
    /// are cut into <c>B</c> contiguous blocks and the items dealt into <c>B</c> strata, both of about equal entries,
    /// and an epoch is <c>B</c> sub-epochs: in sub-epoch <c>s</c> user block <c>b</c> samples only its entries of item
    /// stratum <c>(b + s) mod B</c>, as many as it has there, with negatives from that stratum, from the block's own
    /// random stream. The <c>B</c> tiles of a sub-epoch share no rows, so <c>T</c> threads
    /// (<see cref="BprOptions.MaxDegreeOfParallelism"/>) run them side by side, each its share one after the other,
    /// and the result depends only on the data, the options (the seed and <c>T</c> included, which fix <c>B</c>) and
    /// the register width, never on timing. <c>B</c> is the smallest multiple of <c>T</c> whose tiles hold at most
    /// 512 KB of factor rows (so a tile's rows stay in a core's level-2 cache), with at least 128 items per stratum
    /// where there are enough items (the ranking quality drops with smaller strata): 10 for 6,040 users x 3,706
    /// items with 100 factors and 2 threads, <c>T</c> for small data. Over an epoch every entry is sampled in
    /// proportion to its group's size, as in the serial scheme, and the negatives over all samples keep
    /// <c>implicit</c>'s distribution; with <c>B = 1</c> the scheme is <c>implicit</c>'s serial SGD.</para>
    /// <para>Time: <c>O(Iterations · nnz · k)</c>, plus, per sample, one word of a bit set or a binary search in the
    /// user's row for the negative check. Memory: the factors, 8 bytes per stored entry, 12 per item, and bit sets of
    /// the items of users with at least <c>items / 64</c> entries.</para>
    /// </remarks>
    public static BprModel Fit(
        CsrMatrix userItems, BprOptions? options = null, IProgress<BprIterationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        options ??= new BprOptions();
        options.Validate();
        if (userItems.RowCount == 0 || userItems.ColumnCount == 0)
        {
            ThrowHelper.ThrowArgument(
                nameof(userItems), $"userItems is {userItems.RowCount} x {userItems.ColumnCount}; it needs at least one row and one column.");
        }

        return BprTrainer.Fit(userItems, options, KernelTable.Best, progress, cancellationToken);
    }

    /// <summary>
    /// The top items for <paramref name="user"/> by score <c>x_u · y_i</c> (the item bias included), best first (ties
    /// to the lower item index), as <see cref="AlsModel.Recommend(int, ReadOnlySpan{int}, int, RecommendOptions?)"/>.
    /// </summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items, filtered out when <see cref="RecommendOptions.FilterAlreadyLiked"/> is set; any order.</param>
    /// <param name="count">How many items to return (at least 1); fewer come back when fewer items are eligible.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The recommended items with their scores.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/>, <paramref name="count"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(items·k) to score plus O(items + count·log count) to select. Thread-safe.</remarks>
    public ScoredItem[] Recommend(int user, ReadOnlySpan<int> likedItems, int count = 10, RecommendOptions? options = null) =>
        _factors.Recommend(user, likedItems, count, options);

    /// <summary>Writes the top items for <paramref name="user"/> into <paramref name="destination"/>, allocating nothing once warmed up.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <param name="likedItems">The user's own items, filtered when <see cref="RecommendOptions.FilterAlreadyLiked"/> is set.</param>
    /// <param name="destination">Receives the items, best first; its length is how many are wanted.</param>
    /// <param name="options">Filtering and candidates; <see cref="RecommendOptions.Default"/> when null.</param>
    /// <returns>The number of items written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an item index is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    public int Recommend(int user, ReadOnlySpan<int> likedItems, Span<ScoredItem> destination, RecommendOptions? options = null) =>
        _factors.Recommend(user, likedItems, destination, options);

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
        _factors.Recommend(user, userItems, count, options);

    /// <summary>
    /// Recommends for every user of <paramref name="userItems"/> (row <c>u</c> is user <c>u</c>) in parallel, with the
    /// same results as <see cref="Recommend(int, CsrMatrix, int, RecommendOptions?)"/> for each.
    /// </summary>
    /// <param name="userItems">The training matrix (or any matrix whose rows are users of this model).</param>
    /// <param name="count">How many items per user (at least 1).</param>
    /// <param name="options">Filtering and candidates for every user.</param>
    /// <param name="progress">Receives the number of users done so far, per batch, or null.</param>
    /// <param name="cancellationToken">Stops between batches of users.</param>
    /// <returns>One array of recommendations per row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> does not fit the model, or the options are inconsistent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>As <see cref="AlsModel.RecommendAll"/>: up to <see cref="BprOptions.MaxDegreeOfParallelism"/> threads.</remarks>
    public ScoredItem[][] RecommendAll(
        CsrMatrix userItems, int count = 10, RecommendOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        _factors.RecommendAll(userItems, count, options, progress, cancellationToken);

    /// <summary>
    /// The items most similar to <paramref name="item"/> by cosine similarity of the item rows (bias column included,
    /// as <c>implicit</c>'s <c>similar_items</c>), the item itself first.
    /// </summary>
    /// <param name="item">The item index.</param>
    /// <param name="count">How many items to return, the query item included (at least 1).</param>
    /// <param name="options"><see cref="RecommendOptions.FilterItems"/> or <see cref="RecommendOptions.Candidates"/>
    /// restrict the items returned, the query item too (as <see cref="AlsModel.SimilarItems"/>);
    /// <see cref="RecommendOptions.FilterAlreadyLiked"/> does not apply.</param>
    /// <returns>The similar items, most similar first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The options give both filter items and candidates, or candidates repeat.</exception>
    /// <remarks>O(items·k). Thread-safe; as <see cref="AlsModel.SimilarItems"/>.</remarks>
    public ScoredItem[] SimilarItems(int item, int count = 10, RecommendOptions? options = null) =>
        _factors.SimilarItems(item, count, options);

    /// <summary><see cref="SimilarItems"/> for every item, in parallel, identical to the single-item calls.</summary>
    /// <param name="count">How many items per query item (at least 1).</param>
    /// <param name="progress">Receives the number of items done so far, or null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One array per item.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ScoredItem[][] SimilarItemsAll(int count = 10, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        _factors.SimilarItemsAll(count, progress, cancellationToken);

    /// <summary>The score <c>x_u · y_i</c> of one (user, item) pair: the factors' dot product plus the item's bias.</summary>
    /// <param name="user">The user index.</param>
    /// <param name="item">The item index.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Score(int user, int item) => _factors.Score(user, item);

    /// <summary>The row of one user: <see cref="BprOptions.Factors"/> factors, then 1 (the bias column).</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is outside <c>[0, UserCount)</c>.</exception>
    public ReadOnlySpan<float> GetUserFactors(int user) => _factors.GetUserFactors(user);

    /// <summary>The row of one item: <see cref="BprOptions.Factors"/> factors, then the item's bias.</summary>
    /// <param name="item">The item index, in <c>[0, ItemCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is outside <c>[0, ItemCount)</c>.</exception>
    public ReadOnlySpan<float> GetItemFactors(int item) => _factors.GetItemFactors(item);

    /// <inheritdoc/>
    int IRecommender.Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores) =>
        ((IRecommender)_factors).Recommend(user, excludeItems, items, scores);

    /// <inheritdoc />
    public override string ToString() =>
        $"BprModel {UserCount} users x {ItemCount} items, {Options.Factors} factors + bias";
}
