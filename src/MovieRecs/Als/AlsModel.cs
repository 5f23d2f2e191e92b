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
    private readonly FactorMatrix _userFactors;
    private readonly FactorMatrix _itemFactors;

    /// <summary>A model over <paramref name="userFactors"/> and <paramref name="itemFactors"/> (owned from now on, never
    /// written), served with the kernels of <paramref name="width"/>.</summary>
    internal AlsModel(AlsOptions options, SimdWidth width, FactorMatrix userFactors, FactorMatrix itemFactors, double? trainingLoss)
    {
        System.Diagnostics.Debug.Assert(userFactors.Factors == options.Factors && itemFactors.Factors == options.Factors);
        System.Diagnostics.Debug.Assert(userFactors.Stride == itemFactors.Stride && userFactors.Stride % Math.Max(8, KernelTable.Lanes(width)) == 0);
        Options = options;
        Width = width;
        _userFactors = userFactors;
        _itemFactors = itemFactors;
        TrainingLoss = trainingLoss;
        ServingWarmUp.Start();
    }

    /// <summary>The options the model was trained with (its <see cref="AlsOptions.Alpha"/> and <see cref="AlsOptions.Regularization"/> also drive recalculation).</summary>
    public AlsOptions Options { get; }

    /// <summary>The number of users (rows of the training matrix, plus users appended by <see cref="PartialFitUsers"/>).</summary>
    public int UserCount => _userFactors.Rows;

    /// <summary>The number of items (columns of the training matrix, plus items appended by <see cref="PartialFitItems"/>).</summary>
    public int ItemCount => _itemFactors.Rows;

    /// <summary>The number of latent factors per user and item.</summary>
    public int Factors => Options.Factors;

    /// <summary>
    /// The training loss after the last iteration (as <c>implicit</c>'s <c>calculate_loss</c>) when the model was fitted
    /// with <see cref="AlsOptions.ComputeLoss"/>; otherwise <see langword="null"/>.
    /// </summary>
    public double? TrainingLoss { get; }

    /// <summary>
    /// The register width (an entry of <see cref="KernelTable"/>) the factors are laid out for and every kernel of the
    /// model runs with: scoring, similarity, recalculation and explanations.
    /// </summary>
    internal SimdWidth Width { get; }

    /// <summary>
    /// This model's factors served and recalculated with the kernels of <paramref name="width"/>, laid out with that
    /// width's stride (as a fit at that width lays them out): how tests reach every entry of the kernel table.
    /// </summary>
    internal AlsModel WithKernelWidth(SimdWidth width)
    {
        var stride = KernelTable.StrideFor(Factors, width);
        return new AlsModel(Options, width, _userFactors.WithStride(stride), _itemFactors.WithStride(stride), TrainingLoss);
    }

    /// <summary>Floats between the starts of consecutive factor rows (≥ <see cref="Factors"/>, zero padded).</summary>
    internal int Stride => _itemFactors.Stride;

    /// <summary>The user factors, <see cref="UserCount"/> rows. Never written to.</summary>
    internal FactorMatrix UserFactorMatrix => _userFactors;

    /// <summary>The item factors, <see cref="ItemCount"/> rows. Never written to.</summary>
    internal FactorMatrix ItemFactorMatrix => _itemFactors;

    /// <summary>The raw user factors, <see cref="UserCount"/> rows of <see cref="Stride"/> floats. Never write to it.</summary>
    internal ReadOnlySpan<float> UserFactorStorage => _userFactors.Storage;

    /// <summary>The raw item factors, <see cref="ItemCount"/> rows of <see cref="Stride"/> floats. Never write to it.</summary>
    internal ReadOnlySpan<float> ItemFactorStorage => _itemFactors.Storage;

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

        return _userFactors.Row(user);
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

        return _itemFactors.Row(item);
    }

    /// <summary>Copies all user factors into a new <c>UserCount × Factors</c> matrix.</summary>
    /// <remarks>O(users · factors) time and memory.</remarks>
    public float[,] CopyUserFactors() => CopyMatrix(_userFactors);

    /// <summary>Copies all item factors into a new <c>ItemCount × Factors</c> matrix.</summary>
    /// <remarks>O(items · factors) time and memory.</remarks>
    public float[,] CopyItemFactors() => CopyMatrix(_itemFactors);

    /// <summary>Copies all user factors row-major (<c>UserCount · Factors</c> floats, no padding) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>UserCount · Factors</c>.</exception>
    public void CopyUserFactors(Span<float> destination) => CopyRows(_userFactors, destination, nameof(destination));

    /// <summary>Copies all item factors row-major (<c>ItemCount · Factors</c> floats, no padding) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>ItemCount · Factors</c>.</exception>
    public void CopyItemFactors(Span<float> destination) => CopyRows(_itemFactors, destination, nameof(destination));

    /// <inheritdoc />
    public override string ToString() =>
        $"AlsModel {UserCount} users x {ItemCount} items, {Factors} factors";

    private static float[,] CopyMatrix(FactorMatrix matrix)
    {
        var result = new float[matrix.Rows, matrix.Factors];
        for (var row = 0; row < matrix.Rows; row++)
        {
            var source = matrix.Row(row);
            for (var f = 0; f < source.Length; f++)
            {
                result[row, f] = source[f];
            }
        }

        return result;
    }

    private void CopyRows(FactorMatrix matrix, Span<float> destination, string paramName)
    {
        var rows = matrix.Rows;
        var needed = (long)rows * Factors;
        if (destination.Length < needed)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has {destination.Length} floats but {needed} are needed ({rows} x {Factors}).");
        }

        for (var row = 0; row < rows; row++)
        {
            matrix.Row(row).CopyTo(destination.Slice(row * Factors, Factors));
        }
    }
}
