using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <content>Building a model from existing factors (loaded files, models trained elsewhere).</content>
public sealed partial class AlsModel
{
    /// <summary>
    /// Creates a model from factor matrices given row-major (<c>users x factors</c> and <c>items x factors</c>), e.g.
    /// factors loaded from a file or trained by another library. The model serves like a fitted one.
    /// </summary>
    /// <param name="options">The options; <see cref="AlsOptions.Factors"/> must match the factor width, and
    /// <see cref="AlsOptions.Regularization"/> and <see cref="AlsOptions.Alpha"/> drive recalculation and explain.</param>
    /// <param name="userFactors"><c>userCount x Factors</c> floats, row-major.</param>
    /// <param name="itemFactors"><c>itemCount x Factors</c> floats, row-major.</param>
    /// <param name="trainingLoss">The training loss to report, if known.</param>
    /// <returns>The model (the factors are copied).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A length is not a multiple of the factor count, or a factor is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static AlsModel FromFactors(AlsOptions options, ReadOnlySpan<float> userFactors, ReadOnlySpan<float> itemFactors, double? trainingLoss = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var factors = options.Factors;
        var users = RowsOf(userFactors, factors, nameof(userFactors));
        var items = RowsOf(itemFactors, factors, nameof(itemFactors));
        var width = KernelTable.Best;
        var stride = KernelTable.StrideFor(factors, width);
        var userStorage = new float[(long)users * stride];
        var itemStorage = new float[(long)items * stride];
        for (var u = 0; u < users; u++)
        {
            userFactors.Slice(u * factors, factors).CopyTo(userStorage.AsSpan(u * stride));
        }

        for (var i = 0; i < items; i++)
        {
            itemFactors.Slice(i * factors, factors).CopyTo(itemStorage.AsSpan(i * stride));
        }

        return new AlsModel(options, users, items, width, stride, userStorage, itemStorage, trainingLoss);
    }

    /// <summary>Creates a model that takes ownership of padded storage (loaders fill it in place: no second copy).</summary>
    internal static AlsModel FromStorage(AlsOptions options, int users, int items, float[] userStorage, float[] itemStorage, double? trainingLoss) =>
        new(options, users, items, KernelTable.Best, StrideFor(options.Factors), userStorage, itemStorage, trainingLoss);

    /// <summary>The row stride a model with <paramref name="factors"/> factors uses on this machine.</summary>
    internal static int StrideFor(int factors) => KernelTable.StrideFor(factors, KernelTable.Best);

    private static int RowsOf(ReadOnlySpan<float> values, int factors, string name)
    {
        if (values.Length % factors != 0)
        {
            ThrowHelper.ThrowArgument(name, $"{name} has {values.Length} floats, not a multiple of {factors} factors.");
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.ThrowArgument(name, $"{name}[{i}] is {values[i]}; factors must be finite.");
            }
        }

        return values.Length / factors;
    }
}
