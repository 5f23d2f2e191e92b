using System.Collections.ObjectModel;

namespace MovieRecs.Persistence;

/// <summary>
/// The content of a model file of the Python library <c>implicit</c> (<c>AlternatingLeastSquares.save()</c>):
/// user and item factor matrices as float32 row-major, the hyperparameters, every other saved option, and
/// optionally the external ids of the users and items. <see cref="ImplicitModelFile"/> reads and writes it.
/// </summary>
/// <remarks>
/// <para>Immutable and thread-safe. The constructor copies its inputs; the spans it hands out are views of its own
/// storage and stay valid for its lifetime.</para>
/// <para>Hyperparameters absent from a file take implicit's defaults, as implicit's own <c>load()</c> does (it starts
/// from a default-constructed model and sets only the keys it finds).</para>
/// </remarks>
internal sealed class ImplicitModelData
{
    /// <summary>implicit's default regularization (0.01).</summary>
    public const double DefaultRegularization = 0.01;

    /// <summary>implicit's default alpha (1.0).</summary>
    public const double DefaultAlpha = 1.0;

    /// <summary>implicit's default number of iterations (15).</summary>
    public const int DefaultIterations = 15;

    private static readonly ReadOnlyDictionary<string, NpyArray> NoOptions = new(new Dictionary<string, NpyArray>());

    private readonly float[] _userFactors;
    private readonly float[] _itemFactors;
    private readonly int[]? _userIds;
    private readonly int[]? _itemIds;

    /// <summary>Creates model data, copying and validating every input.</summary>
    /// <param name="userFactors">The user factors, row-major: one row of <paramref name="factors"/> values per user.</param>
    /// <param name="itemFactors">The item factors, row-major: one row of <paramref name="factors"/> values per item.</param>
    /// <param name="factors">The number of latent factors (columns of both matrices), at least 1.</param>
    /// <param name="regularization">The L2 regularization the model was trained with (finite, at least 0).</param>
    /// <param name="alpha">The confidence scale the model was trained with (finite).</param>
    /// <param name="iterations">The number of ALS iterations the model was trained with (at least 0).</param>
    /// <param name="options">Further options saved with the model under their implicit names (e.g. <c>use_cg</c>,
    /// <c>cg_steps</c>, <c>random_state</c>, <c>num_threads</c>); null for none. Names may not be those of the typed members.</param>
    /// <param name="userIds">The external id of each user row, distinct; empty when not kept.</param>
    /// <param name="itemIds">The external id of each item row, distinct; empty when not kept.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factors"/> is below 1, <paramref name="regularization"/> is negative or not finite, <paramref name="alpha"/> is not finite, or <paramref name="iterations"/> is negative.</exception>
    /// <exception cref="ArgumentException">A factor span's length is not a multiple of <paramref name="factors"/>, a factor is not finite, an id span has the wrong length or repeats an id, or an option has an empty or reserved name or a null value.</exception>
    /// <remarks>O(size of the factors); allocates copies of them.</remarks>
    public ImplicitModelData(
        ReadOnlySpan<float> userFactors,
        ReadOnlySpan<float> itemFactors,
        int factors,
        double regularization = DefaultRegularization,
        double alpha = DefaultAlpha,
        int iterations = DefaultIterations,
        IReadOnlyDictionary<string, NpyArray>? options = null,
        ReadOnlySpan<int> userIds = default,
        ReadOnlySpan<int> itemIds = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        CheckMatrix(userFactors, factors, nameof(userFactors));
        CheckMatrix(itemFactors, factors, nameof(itemFactors));
        if (!double.IsFinite(regularization) || regularization < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "regularization must be finite and at least 0.");
        }

        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be finite.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        var userCount = userFactors.Length / factors;
        var itemCount = itemFactors.Length / factors;
        if (!userIds.IsEmpty)
        {
            CheckIds(userIds, userCount, nameof(userIds));
        }

        if (!itemIds.IsEmpty)
        {
            CheckIds(itemIds, itemCount, nameof(itemIds));
        }

        var optionCopy = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        var optionOrder = new List<string>();
        if (options is not null)
        {
            foreach (var (name, value) in options)
            {
                if (string.IsNullOrEmpty(name) || ImplicitModelFile.IsReservedKey(name))
                {
                    throw new ArgumentException($"Option name '{name}' is empty or reserved for a typed member.", nameof(options));
                }

                if (value is null)
                {
                    throw new ArgumentException($"Option '{name}' is null.", nameof(options));
                }

                optionCopy.Add(name, value);
                optionOrder.Add(name);
            }
        }

        _userFactors = userFactors.ToArray();
        _itemFactors = itemFactors.ToArray();
        _userIds = userIds.IsEmpty ? null : userIds.ToArray();
        _itemIds = itemIds.IsEmpty ? null : itemIds.ToArray();
        Factors = factors;
        UserCount = userCount;
        ItemCount = itemCount;
        Regularization = regularization;
        Alpha = alpha;
        Iterations = iterations;
        Options = optionCopy.Count == 0 ? NoOptions : new ReadOnlyDictionary<string, NpyArray>(optionCopy);
        OptionOrder = [.. optionOrder];
    }

    /// <summary>Takes ownership of arrays the reader already validated (no copy).</summary>
    internal ImplicitModelData(
        float[] userFactors,
        float[] itemFactors,
        int factors,
        double regularization,
        double alpha,
        int iterations,
        List<KeyValuePair<string, NpyArray>> options,
        int[]? userIds,
        int[]? itemIds)
    {
        _userFactors = userFactors;
        _itemFactors = itemFactors;
        _userIds = userIds;
        _itemIds = itemIds;
        Factors = factors;
        UserCount = userFactors.Length / factors;
        ItemCount = itemFactors.Length / factors;
        Regularization = regularization;
        Alpha = alpha;
        Iterations = iterations;
        Options = options.Count == 0 ? NoOptions : new ReadOnlyDictionary<string, NpyArray>(options.ToDictionary(StringComparer.Ordinal));
        OptionOrder = options.ConvertAll(o => o.Key).ToArray();
    }

    /// <summary>The number of users (rows of <see cref="UserFactors"/>).</summary>
    public int UserCount { get; }

    /// <summary>The number of items (rows of <see cref="ItemFactors"/>).</summary>
    public int ItemCount { get; }

    /// <summary>The number of latent factors: the columns of both factor matrices (implicit's <c>factors</c>).</summary>
    public int Factors { get; }

    /// <summary>The user factors, row-major: <see cref="UserCount"/> rows of <see cref="Factors"/> values.</summary>
    public ReadOnlySpan<float> UserFactors => _userFactors;

    /// <summary>The item factors, row-major: <see cref="ItemCount"/> rows of <see cref="Factors"/> values.</summary>
    public ReadOnlySpan<float> ItemFactors => _itemFactors;

    /// <summary>implicit's <c>regularization</c>: the L2 penalty the model was trained with.</summary>
    public double Regularization { get; }

    /// <summary>implicit's <c>alpha</c>: the scale applied to interaction values to get confidences.</summary>
    public double Alpha { get; }

    /// <summary>implicit's <c>iterations</c>: the number of ALS sweeps the model was trained with.</summary>
    public int Iterations { get; }

    /// <summary>
    /// Every other entry of the file, under its implicit name and as stored (e.g. <c>use_cg</c> as a bool scalar,
    /// <c>cg_steps</c>, <c>num_threads</c> and <c>random_state</c> as int64 scalars), and any unknown entry.
    /// <c>dtype</c> is not among them: it always describes the float32 factors and is written by the writer.
    /// </summary>
    public IReadOnlyDictionary<string, NpyArray> Options { get; }

    /// <summary>Whether <see cref="UserIds"/> holds the external id of each user.</summary>
    public bool HasUserIds => _userIds is not null;

    /// <summary>The external id of each user row (empty when absent; see <see cref="HasUserIds"/>).</summary>
    public ReadOnlySpan<int> UserIds => _userIds;

    /// <summary>Whether <see cref="ItemIds"/> holds the external id of each item.</summary>
    public bool HasItemIds => _itemIds is not null;

    /// <summary>The external id of each item row (empty when absent; see <see cref="HasItemIds"/>).</summary>
    public ReadOnlySpan<int> ItemIds => _itemIds;

    /// <summary>The order in which the options were given or read, for writing them back in the same order.</summary>
    internal string[] OptionOrder { get; }

    /// <summary>The storage of the user factors, for the writer (never handed out).</summary>
    internal float[] UserFactorArray => _userFactors;

    /// <summary>The storage of the item factors, for the writer (never handed out).</summary>
    internal float[] ItemFactorArray => _itemFactors;

    /// <summary>The factors of one user.</summary>
    /// <param name="user">The user row, in <c>[0, UserCount)</c>.</param>
    /// <returns>The user's <see cref="Factors"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    public ReadOnlySpan<float> GetUserFactors(int user)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, UserCount);
        return _userFactors.AsSpan(user * Factors, Factors);
    }

    /// <summary>The factors of one item.</summary>
    /// <param name="item">The item row, in <c>[0, ItemCount)</c>.</param>
    /// <returns>The item's <see cref="Factors"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is out of range.</exception>
    /// <remarks>O(1), no allocation.</remarks>
    public ReadOnlySpan<float> GetItemFactors(int item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, ItemCount);
        return _itemFactors.AsSpan(item * Factors, Factors);
    }

    private static void CheckMatrix(ReadOnlySpan<float> values, int factors, string name)
    {
        if (values.Length % factors != 0)
        {
            throw new ArgumentException($"{name} holds {values.Length} values, not a whole number of rows of {factors}.", name);
        }

        var bad = ImplicitModelFile.FirstNonFinite(values);
        if (bad >= 0)
        {
            throw new ArgumentException($"{name}[{bad / factors}, {bad % factors}] = {values[bad]} is not finite.", name);
        }
    }

    private static void CheckIds(ReadOnlySpan<int> ids, int count, string name)
    {
        if (ids.Length != count)
        {
            throw new ArgumentException($"{name} holds {ids.Length} ids for {count} rows.", name);
        }

        var duplicate = ImplicitModelFile.FirstDuplicate(ids);
        if (duplicate >= 0)
        {
            throw new ArgumentException($"{name}[{duplicate}] = {ids[duplicate]} repeats an earlier id.", name);
        }
    }
}
