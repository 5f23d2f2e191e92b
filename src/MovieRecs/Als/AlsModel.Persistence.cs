using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <content>Building a model from factor matrices (loaded from a file or trained elsewhere).</content>
public sealed partial class AlsModel
{
    /// <summary>
    /// Builds a model that serves from factor matrices computed elsewhere (e.g. by Python's <c>implicit</c>, or read
    /// from a file): <c>userFactors[u, f]</c> and <c>itemFactors[i, f]</c>.
    /// </summary>
    /// <param name="options">The hyperparameters the factors were trained with; <see cref="AlsOptions.Factors"/> must
    /// equal the number of columns. <see cref="AlsOptions.Alpha"/> and <see cref="AlsOptions.Regularization"/> drive
    /// recalculation and fold-in.</param>
    /// <param name="userFactors">One row per user, <see cref="AlsOptions.Factors"/> columns, finite values.</param>
    /// <param name="itemFactors">One row per item, <see cref="AlsOptions.Factors"/> columns, finite values.</param>
    /// <param name="trainingLoss">The training loss to report as <see cref="TrainingLoss"/>, or <see langword="null"/>.</param>
    /// <returns>A new model holding copies of the factors.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="userFactors"/> or <paramref name="itemFactors"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="AlsOptions.Validate"/>), or
    /// <paramref name="trainingLoss"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A matrix has no rows, a column count differs from <see cref="AlsOptions.Factors"/>,
    /// a value is not finite (the message names its row and column), or a matrix has more rows than the padded
    /// storage can hold (<see cref="Array.MaxLength"/> floats).</exception>
    /// <remarks>O((users + items) · factors) time; allocates the padded factor storage once (no other copy). The result
    /// is immutable and thread-safe, like a trained model.</remarks>
    public static AlsModel FromFactors(AlsOptions options, float[,] userFactors, float[,] itemFactors, double? trainingLoss = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(userFactors);
        ArgumentNullException.ThrowIfNull(itemFactors);
        options.Validate();
        CheckColumns(userFactors.GetLength(1), options.Factors, nameof(userFactors));
        CheckColumns(itemFactors.GetLength(1), options.Factors, nameof(itemFactors));
        return FromRowMajor(options, Flatten(userFactors), Flatten(itemFactors), trainingLoss);
    }

    /// <summary>
    /// Builds a model that serves from row-major factors computed elsewhere: <see cref="AlsOptions.Factors"/> floats per
    /// user, then per item, without padding (the layout of <see cref="CopyUserFactors(Span{float})"/> and of numpy).
    /// </summary>
    /// <param name="options">The hyperparameters the factors were trained with; <see cref="AlsOptions.Factors"/> is the row length.</param>
    /// <param name="userFactors">The user factors, row-major: a whole number (at least one) of rows, finite values.</param>
    /// <param name="itemFactors">The item factors, row-major: a whole number (at least one) of rows, finite values.</param>
    /// <param name="trainingLoss">The training loss to report as <see cref="TrainingLoss"/>, or <see langword="null"/>.</param>
    /// <returns>A new model holding copies of the factors.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="AlsOptions.Validate"/>), or
    /// <paramref name="trainingLoss"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentException">A span is empty or not a whole number of rows, a value is not finite (the
    /// message names its row and column), or there are more rows than the padded storage can hold.</exception>
    /// <remarks>O((users + items) · factors) time; allocates the padded factor storage once (no other copy). The result
    /// is immutable and thread-safe.</remarks>
    public static AlsModel FromFactors(AlsOptions options, ReadOnlySpan<float> userFactors, ReadOnlySpan<float> itemFactors, double? trainingLoss = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return FromRowMajor(options, userFactors, itemFactors, trainingLoss);
    }

    /// <summary>The most rows one factor matrix may have with rows of <paramref name="stride"/> floats (one .NET array).</summary>
    internal static int MaxRows(int stride) => Array.MaxLength / stride;

    /// <summary>The row stride this machine lays out <paramref name="factors"/> factors with.</summary>
    internal static int StrideFor(int factors) => KernelTable.StrideFor(factors, KernelTable.Best);

    /// <summary>
    /// Takes ownership of padded storage a reader filled (rows of <see cref="StrideFor"/> floats, zero padding, finite
    /// values, already validated); no copy.
    /// </summary>
    internal static AlsModel FromPaddedStorage(AlsOptions options, FactorMatrix userFactors, FactorMatrix itemFactors, double? trainingLoss)
    {
        System.Diagnostics.Debug.Assert(userFactors.Stride == StrideFor(options.Factors), "storage is laid out for this machine");
        return new AlsModel(options, KernelTable.Best, userFactors, itemFactors, trainingLoss);
    }

    private static AlsModel FromRowMajor(AlsOptions options, ReadOnlySpan<float> userFactors, ReadOnlySpan<float> itemFactors, double? trainingLoss)
    {
        if (trainingLoss is { } loss && (!double.IsFinite(loss) || loss < 0))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(trainingLoss), loss, $"trainingLoss must be finite and >= 0, but was {loss}.");
        }

        var factors = options.Factors;
        var stride = StrideFor(factors);
        var users = CheckRows(userFactors, factors, stride, nameof(userFactors));
        var items = CheckRows(itemFactors, factors, stride, nameof(itemFactors));
        return new AlsModel(options, KernelTable.Best, Pad(userFactors, users, factors, stride), Pad(itemFactors, items, factors, stride), trainingLoss);
    }

    private static ReadOnlySpan<float> Flatten(float[,] matrix) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(matrix)), matrix.Length);

    private static void CheckColumns(int columns, int factors, string paramName)
    {
        if (columns != factors)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has {columns} columns but options.Factors is {factors}.");
        }
    }

    private static int CheckRows(ReadOnlySpan<float> values, int factors, int stride, string paramName)
    {
        if (values.IsEmpty || values.Length % factors != 0)
        {
            ThrowHelper.ThrowArgument(
                paramName, $"{paramName} holds {values.Length} floats; it must hold at least one whole row of {factors} factors.");
        }

        var rows = values.Length / factors;
        if (rows > MaxRows(stride))
        {
            ThrowHelper.ThrowArgument(
                paramName, $"{paramName} has {rows} rows; at most {MaxRows(stride)} rows of {factors} factors fit in one factor matrix.");
        }

        if (!TensorPrimitives.IsFiniteAll(values))
        {
            var bad = FirstNonFinite(values);
            ThrowHelper.ThrowArgument(paramName, $"{paramName}[{bad / factors}, {bad % factors}] = {values[bad]} is not finite.");
        }

        return rows;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static FactorMatrix Pad(ReadOnlySpan<float> values, int rows, int factors, int stride)
    {
        if (stride == factors)
        {
            return new FactorMatrix(values.ToArray(), rows, factors, stride);
        }

        var storage = FactorMatrix.Allocate(rows, factors, stride);
        for (var row = 0; row < rows; row++)
        {
            values.Slice(row * factors, factors).CopyTo(storage.Row(row));
        }

        return storage;
    }
}
