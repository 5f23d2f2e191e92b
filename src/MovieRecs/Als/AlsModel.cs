using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <summary>
/// A fitted implicit-ALS model: one factor vector per user and per item, whose dot product scores a user–item pair.
/// Produced by <see cref="AlsTrainer"/>; serving (recommend, similar items, explain) works on top of it.
/// </summary>
/// <remarks>
/// Immutable and thread-safe: every method may be called concurrently. Factors are stored row-major in float with
/// rows padded to the vector width (zero padding); the public accessors expose exactly
/// <see cref="Factors"/> floats per row. Operations that change factors (<see cref="PartialFitUsers"/>,
/// <see cref="PartialFitItems"/>, warm-start training) return a new model.
/// </remarks>
public sealed partial class AlsModel
{
    private readonly FloatBuffer _userFactors;
    private readonly FloatBuffer _itemFactors;

    internal AlsModel(
        AlsOptions options, int userCount, int itemCount, SimdWidth width, int stride, FloatBuffer userFactors, FloatBuffer itemFactors, double? trainingLoss)
    {
        Options = options;
        UserCount = userCount;
        ItemCount = itemCount;
        Width = width;
        Stride = stride;
        _userFactors = userFactors;
        _itemFactors = itemFactors;
        TrainingLoss = trainingLoss;
    }

    /// <summary>The options the model was trained with (its <see cref="AlsOptions.Alpha"/> and <see cref="AlsOptions.Regularization"/> also drive recalculation).</summary>
    public AlsOptions Options { get; }

    /// <summary>The number of users (rows of the training matrix, plus users appended by <see cref="PartialFitUsers"/>).</summary>
    public int UserCount { get; }

    /// <summary>The number of items (columns of the training matrix, plus items appended by <see cref="PartialFitItems"/>).</summary>
    public int ItemCount { get; }

    /// <summary>The number of latent factors per user and item.</summary>
    public int Factors => Options.Factors;

    /// <summary>
    /// The training loss after the last iteration (as <c>implicit</c>'s <c>calculate_loss</c>) when the model was fitted
    /// with <see cref="AlsOptions.ComputeLoss"/>; otherwise <see langword="null"/>.
    /// </summary>
    public double? TrainingLoss { get; }

    /// <summary>The register width the factors are laid out for (and recalculation runs with).</summary>
    internal SimdWidth Width { get; }

    /// <summary>Floats between the starts of consecutive factor rows (≥ <see cref="Factors"/>, zero padded).</summary>
    internal int Stride { get; }

    /// <summary>The raw user factors, <see cref="UserCount"/> rows of <see cref="Stride"/> floats. Never write to it.</summary>
    internal ReadOnlySpan<float> UserFactorStorage => _userFactors.Span;

    /// <summary>The raw item factors, <see cref="ItemCount"/> rows of <see cref="Stride"/> floats. Never write to it.</summary>
    internal ReadOnlySpan<float> ItemFactorStorage => _itemFactors.Span;

    /// <summary>The user-factor buffer itself (for saving without a copy when it is a whole array; never written to).</summary>
    internal FloatBuffer UserFactorBuffer => _userFactors;

    /// <summary>The item-factor buffer itself (for saving without a copy when it is a whole array; never written to).</summary>
    internal FloatBuffer ItemFactorBuffer => _itemFactors;

    /// <summary>The factors of one user.</summary>
    /// <param name="user">The user index, in <c>[0, UserCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is outside <c>[0, UserCount)</c>.</exception>
    public ReadOnlySpan<float> GetUserFactors(int user)
    {
        if ((uint)user >= (uint)UserCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(user), user, $"user must be in [0, {UserCount}), but was {user}.");
        }

        return _userFactors.Span.Slice(user * Stride, Factors);
    }

    /// <summary>The factors of one item.</summary>
    /// <param name="item">The item index, in <c>[0, ItemCount)</c>.</param>
    /// <returns>A read-only view of <see cref="Factors"/> floats (no copy).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is outside <c>[0, ItemCount)</c>.</exception>
    public ReadOnlySpan<float> GetItemFactors(int item)
    {
        if ((uint)item >= (uint)ItemCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(item), item, $"item must be in [0, {ItemCount}), but was {item}.");
        }

        return _itemFactors.Span.Slice(item * Stride, Factors);
    }

    /// <summary>Copies all user factors into a new <c>UserCount × Factors</c> matrix.</summary>
    /// <remarks>O(users · factors) time and memory.</remarks>
    public float[,] CopyUserFactors() => CopyMatrix(_userFactors.Span, UserCount);

    /// <summary>Copies all item factors into a new <c>ItemCount × Factors</c> matrix.</summary>
    /// <remarks>O(items · factors) time and memory.</remarks>
    public float[,] CopyItemFactors() => CopyMatrix(_itemFactors.Span, ItemCount);

    /// <summary>Copies all user factors row-major (<c>UserCount · Factors</c> floats, no padding) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>UserCount · Factors</c>.</exception>
    public void CopyUserFactors(Span<float> destination) => CopyRows(_userFactors.Span, UserCount, destination, nameof(destination));

    /// <summary>Copies all item factors row-major (<c>ItemCount · Factors</c> floats, no padding) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>ItemCount · Factors</c>.</exception>
    public void CopyItemFactors(Span<float> destination) => CopyRows(_itemFactors.Span, ItemCount, destination, nameof(destination));

    /// <inheritdoc />
    public override string ToString() =>
        $"AlsModel {UserCount} users x {ItemCount} items, {Factors} factors";

    private float[,] CopyMatrix(ReadOnlySpan<float> storage, int rows)
    {
        var result = new float[rows, Factors];
        for (var row = 0; row < rows; row++)
        {
            for (var f = 0; f < Factors; f++)
            {
                result[row, f] = storage[(row * Stride) + f];
            }
        }

        return result;
    }

    private void CopyRows(ReadOnlySpan<float> storage, int rows, Span<float> destination, string paramName)
    {
        var needed = (long)rows * Factors;
        if (destination.Length < needed)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has {destination.Length} floats but {needed} are needed ({rows} x {Factors}).");
        }

        for (var row = 0; row < rows; row++)
        {
            storage.Slice(row * Stride, Factors).CopyTo(destination.Slice(row * Factors, Factors));
        }
    }
}
