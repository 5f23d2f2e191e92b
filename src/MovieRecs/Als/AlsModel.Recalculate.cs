using System.Numerics;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <content>Recalculating a user or item without retraining, and partial fits.</content>
public sealed partial class AlsModel
{
    private float[]? _itemSystem;
    private float[]? _userSystem;

    /// <summary>
    /// This thread's scratch for fold-in solves (Cholesky of one row), reused by every model of the same stride: no
    /// allocation per call, and no contention between threads. Taken out while in use.
    /// </summary>
    [ThreadStatic]
    private static AlsRowScratch? t_foldInScratch;

    /// <summary>
    /// This thread's other fold-in arrays (sorted ids, confidences, the solution), grown as needed and kept. Not the
    /// shared array pool: with more threads than cores it moves arrays between threads' caches and per-core stacks
    /// and allocates when those run dry, so a warm fold-in would allocate now and then. Taken out while in use.
    /// </summary>
    [ThreadStatic]
    private static FoldInArrays? t_foldInArrays;

    /// <summary>
    /// The exact factors of a user described by their (item, value) list, solved against the fixed item factors: how
    /// a brand-new user (or a user whose history changed) gets recommendations instantly, without retraining.
    /// </summary>
    /// <param name="items">The items the user interacted with, distinct, in <c>[0, ItemCount)</c>, any order.</param>
    /// <param name="values">The value of each item (confidence <c>Alpha · value</c>, or <c>1 + Alpha · value</c> under
    /// <see cref="AlsConvention.Spark"/>; negative means disliked), finite.</param>
    /// <returns>A new array of <see cref="Factors"/> floats.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, a value is not finite, or
    /// the system is not positive definite (regularization 0 with too few items).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item is outside <c>[0, ItemCount)</c>.</exception>
    /// <remarks>
    /// Solves <c>(YᵀY + λI + Σ (c_i − 1) y_i y_iᵀ) x = Σ_{c_i &gt; 0} c_i y_i</c> with the Cholesky solver, as
    /// <c>implicit</c>'s <c>recalculate_user</c> (under <see cref="AlsConvention.Spark"/>, Spark's system: <c>λ</c> times
    /// the count of positive values, <c>c = 1 + Alpha · value</c>); with the Cholesky solver this equals the row a training half-step
    /// computes. O(n·k² + k³). The first call computes and caches <c>YᵀY</c> (O(items·k²)).
    /// </remarks>
    public float[] RecalculateUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values)
    {
        var result = new float[Factors];
        RecalculateUser(items, values, result);
        return result;
    }

    /// <summary>Writes the exact factors of a user described by their (item, value) list into <paramref name="destination"/>.</summary>
    /// <param name="items">The items the user interacted with, distinct, in <c>[0, ItemCount)</c>, any order.</param>
    /// <param name="values">The value of each item (confidence <c>Alpha · value</c>; negative means disliked), finite.</param>
    /// <param name="destination">Receives <see cref="Factors"/> floats.</param>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, a value is not finite,
    /// <paramref name="destination"/> is shorter than <see cref="Factors"/>, or the system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item is outside <c>[0, ItemCount)</c>.</exception>
    /// <remarks>Allocates nothing once warmed up (scratch is pooled). See <see cref="RecalculateUser(ReadOnlySpan{int}, ReadOnlySpan{float})"/>.</remarks>
    public void RecalculateUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> destination) =>
        Recalculate(items, values, destination, _itemFactors, GetItemSystem(), nameof(items), "item");

    /// <summary>
    /// The exact factors of an item described by its (user, value) list, solved against the fixed user factors
    /// (<c>implicit</c>'s <c>recalculate_item</c>).
    /// </summary>
    /// <param name="users">The users who interacted with the item, distinct, in <c>[0, UserCount)</c>, any order.</param>
    /// <param name="values">The value of each user's interaction, finite.</param>
    /// <returns>A new array of <see cref="Factors"/> floats.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, a user repeats, a value is not finite, or the
    /// system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A user is outside <c>[0, UserCount)</c>.</exception>
    /// <remarks>O(n·k² + k³); the first call computes and caches <c>XᵀX</c> (O(users·k²)).</remarks>
    public float[] RecalculateItem(ReadOnlySpan<int> users, ReadOnlySpan<float> values)
    {
        var result = new float[Factors];
        RecalculateItem(users, values, result);
        return result;
    }

    /// <summary>Writes the exact factors of an item described by its (user, value) list into <paramref name="destination"/>.</summary>
    /// <param name="users">The users who interacted with the item, distinct, in <c>[0, UserCount)</c>, any order.</param>
    /// <param name="values">The value of each user's interaction, finite.</param>
    /// <param name="destination">Receives <see cref="Factors"/> floats.</param>
    /// <exception cref="ArgumentException">The spans differ in length, a user repeats, a value is not finite,
    /// <paramref name="destination"/> is shorter than <see cref="Factors"/>, or the system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A user is outside <c>[0, UserCount)</c>.</exception>
    /// <remarks>Allocates nothing once warmed up.</remarks>
    public void RecalculateItem(ReadOnlySpan<int> users, ReadOnlySpan<float> values, Span<float> destination) =>
        Recalculate(users, values, destination, _userFactors, GetUserSystem(), nameof(users), "user");

    /// <summary>
    /// Returns a model whose factors for <paramref name="userIds"/> are recalculated exactly from
    /// <paramref name="userItems"/> (one row per id) against the fixed item factors; ids at or beyond
    /// <see cref="UserCount"/> append users (any gap is filled with zero factors), as <c>implicit</c>'s
    /// <c>partial_fit_users</c>.
    /// </summary>
    /// <param name="userIds">The users to update or add, distinct, ≥ 0.</param>
    /// <param name="userItems">Row <c>j</c> holds the items and values of user <c>userIds[j]</c>; <c>ItemCount</c> columns.</param>
    /// <returns>A new model; this one is unchanged. Its <see cref="TrainingLoss"/> is <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException">The row count differs from the id count, the column count differs from
    /// <see cref="ItemCount"/>, an id repeats, or a system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative, or too large for the factors to fit in one array.</exception>
    /// <remarks>Runs rows in parallel (<see cref="AlsOptions.MaxDegreeOfParallelism"/>); O(nnz·k² + rows·k³) plus a copy of the user factors.</remarks>
    public AlsModel PartialFitUsers(ReadOnlySpan<int> userIds, CsrMatrix userItems)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        var factors = PartialFit(userIds, userItems, _itemFactors, GetItemSystem(), _userFactors, nameof(userIds), nameof(userItems));
        return new AlsModel(Options, Width, factors, _itemFactors, trainingLoss: null) { _itemSystem = _itemSystem };
    }

    /// <summary>
    /// Returns a model whose factors for <paramref name="itemIds"/> are recalculated exactly from
    /// <paramref name="itemUsers"/> (one row per id) against the fixed user factors; ids at or beyond
    /// <see cref="ItemCount"/> append items, as <c>implicit</c>'s <c>partial_fit_items</c>.
    /// </summary>
    /// <param name="itemIds">The items to update or add, distinct, ≥ 0.</param>
    /// <param name="itemUsers">Row <c>j</c> holds the users and values of item <c>itemIds[j]</c>; <c>UserCount</c> columns.</param>
    /// <returns>A new model; this one is unchanged. Its <see cref="TrainingLoss"/> is <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="itemUsers"/> is null.</exception>
    /// <exception cref="ArgumentException">The row count differs from the id count, the column count differs from
    /// <see cref="UserCount"/>, an id repeats, or a system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative, or too large for the factors to fit in one array.</exception>
    /// <remarks>Runs rows in parallel; O(nnz·k² + rows·k³) plus a copy of the item factors.</remarks>
    public AlsModel PartialFitItems(ReadOnlySpan<int> itemIds, CsrMatrix itemUsers)
    {
        ArgumentNullException.ThrowIfNull(itemUsers);
        var factors = PartialFit(itemIds, itemUsers, _userFactors, GetUserSystem(), _itemFactors, nameof(itemIds), nameof(itemUsers));
        return new AlsModel(Options, Width, _userFactors, factors, trainingLoss: null) { _userSystem = _userSystem };
    }

    /// <summary>
    /// Solves a user's fold-in system and keeps its Cholesky factor for explanations: <paramref name="factor"/> receives
    /// <c>U</c> of <c>W = UᵀU</c> as <see cref="Factors"/> x <see cref="Factors"/> floats, row-major, zero below the diagonal.
    /// </summary>
    internal void FactorUserSystem(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> factor, Span<float> userFactors)
    {
        // The factor is copied out of this thread's scratch before the scratch is put back.
        Recalculate(items, values, userFactors, _itemFactors, GetItemSystem(), nameof(items), "item", factor);
    }

    /// <summary>
    /// Solves one row exactly (Cholesky) in this thread's scratch; optionally copies out its factor <c>U</c>, compact
    /// (<see cref="Factors"/> x <see cref="Factors"/>, zero below the diagonal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Recalculate(
        ReadOnlySpan<int> indexes, ReadOnlySpan<float> values, Span<float> destination, FactorMatrix other,
        float[] system, string indexesName, string what, Span<float> factorCopy = default)
    {
        var otherCount = other.Rows;
        if (values.Length != indexes.Length)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"values has {values.Length} entries but {indexesName} has {indexes.Length}.");
        }

        if (destination.Length < Factors)
        {
            ThrowHelper.ThrowArgument(nameof(destination), $"destination has {destination.Length} floats but {Factors} are needed.");
        }

        var n = indexes.Length;
        var arrays = t_foldInArrays ?? new FoldInArrays();
        t_foldInArrays = null;
        var (sorted, confidence, x) = arrays.Take(n, Stride);
        var scratch = TakeFoldInScratch();
        try
        {
            var alpha = (float)Options.Alpha;
            var positives = 0;
            for (var j = 0; j < n; j++)
            {
                if ((uint)indexes[j] >= (uint)otherCount)
                {
                    ThrowHelper.ThrowArgumentOutOfRange(
                        indexesName, indexes[j], $"{indexesName}[{j}] = {indexes[j]} is outside [0, {otherCount}).");
                }

                var c = AlsOptions.Confidence(Options.Convention, alpha, values[j]);
                positives += c > 0f ? 1 : 0;
                if (!float.IsFinite(values[j]) || !float.IsFinite(c))
                {
                    ThrowHelper.ThrowArgument(
                        nameof(values), $"values[{j}] = {values[j]} (confidence {c}) is not finite.");
                }

                confidence[j] = c;
            }

            indexes.CopyTo(sorted);
            Array.Sort(sorted, 0, n);
            for (var j = 1; j < n; j++)
            {
                if (sorted[j] == sorted[j - 1])
                {
                    ThrowHelper.ThrowArgument(indexesName, $"{indexesName} lists {what} {sorted[j]} more than once; merge the values first.");
                }
            }

            var solution = x.AsSpan(0, Stride);
            var pivot = AlsKernels.SolveCholesky(Width, other, system, indexes, confidence.AsSpan(0, n), solution, scratch, Options.RowRegularization(positives));
            var matrix = scratch.Matrix[..(Stride * Stride)];
            if (n == 0 && !factorCopy.IsEmpty)
            {
                // An empty list is solved without a factorization (its factors are zero); its factor is that of YᵀY + λI.
                system.AsSpan(0, Stride * Stride).CopyTo(matrix);
                pivot = Cholesky.Factor(Width, matrix, Factors, Stride);
            }

            if (pivot >= 0)
            {
                ThrowHelper.ThrowArgument(
                    indexesName,
                    $"The {what} list gives a system that is not positive definite (pivot {pivot}); use a model with a larger Regularization (now {Options.Regularization}).");
            }

            solution[..Factors].CopyTo(destination);
            if (!factorCopy.IsEmpty)
            {
                CopyUpperTriangle(matrix, Stride, factorCopy, Factors);
            }
        }
        finally
        {
            t_foldInArrays = arrays;
            t_foldInScratch = scratch;
        }
    }

    /// <summary>Copies the upper triangle of a <paramref name="size"/> x <paramref name="size"/> matrix stored with a
    /// stride into a compact one, clearing the part below the diagonal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyUpperTriangle(ReadOnlySpan<float> source, int stride, Span<float> destination, int size)
    {
        for (var row = 0; row < size; row++)
        {
            var target = destination.Slice(row * size, size);
            target[..row].Clear();
            source.Slice((row * stride) + row, size - row).CopyTo(target[row..]);
        }
    }

    /// <summary>A thread's fold-in arrays: at least as long as the largest list and stride seen, never shrunk.</summary>
    private sealed class FoldInArrays
    {
        private int[] _sorted = [];
        private float[] _confidence = [];
        private float[] _solution = [];

        public (int[] Sorted, float[] Confidence, float[] Solution) Take(int count, int stride)
        {
            if (_sorted.Length < count)
            {
                var length = (int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)count));
                _sorted = new int[length];
                _confidence = new float[length];
            }

            if (_solution.Length < stride)
            {
                _solution = new float[stride];
            }

            return (_sorted, _confidence, _solution);
        }
    }

    private AlsRowScratch TakeFoldInScratch()
    {
        var scratch = t_foldInScratch;
        if (scratch is not null && scratch.Stride == Stride)
        {
            t_foldInScratch = null;
            return scratch;
        }

        return new AlsRowScratch(Stride, 1, cholesky: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FactorMatrix PartialFit(
        ReadOnlySpan<int> ids, CsrMatrix rows, FactorMatrix other, float[] system, FactorMatrix current, string idsName, string rowsName)
    {
        var otherCount = other.Rows;
        if (rows.RowCount != ids.Length)
        {
            ThrowHelper.ThrowArgument(rowsName, $"{rowsName} has {rows.RowCount} rows but {idsName} has {ids.Length} ids.");
        }

        if (rows.ColumnCount != otherCount)
        {
            ThrowHelper.ThrowArgument(rowsName, $"{rowsName} has {rows.ColumnCount} columns but the model has {otherCount}.");
        }

        var newCount = current.Rows;
        var seen = new HashSet<int>(ids.Length);
        for (var j = 0; j < ids.Length; j++)
        {
            if (ids[j] < 0)
            {
                ThrowHelper.ThrowArgumentOutOfRange(idsName, ids[j], $"{idsName}[{j}] = {ids[j]} is negative.");
            }

            if (!seen.Add(ids[j]))
            {
                ThrowHelper.ThrowArgument(idsName, $"{idsName} lists {ids[j]} more than once.");
            }

            if ((ids[j] + 1L) * Stride > Array.MaxLength)
            {
                ThrowHelper.ThrowArgumentOutOfRange(
                    idsName, ids[j], $"{idsName}[{j}] = {ids[j]} is too large: a model of {Factors} factors holds at most {Array.MaxLength / Stride} rows.");
            }

            newCount = Math.Max(newCount, ids[j] + 1);
        }

        var confidence = ConfidenceMatrix.FromCsr(rows, Options, rowsName);
        using var engine = AlsEngine.Create(Width, Factors, Stride, Options.EffectiveParallelism, confidence.MaxRowNonZeros, AlsSolver.Cholesky);
        engine.UseSystemMatrix(system);
        var solved = FactorMatrix.Allocate(ids.Length, Factors, Stride);
        var failed = engine.SolveRows(
            confidence, confidence.PartitionRows(Factors, AlsEngine.TargetChunks), solved, other, AlsSolver.Cholesky, 1, CancellationToken.None);
        if (failed >= 0)
        {
            ThrowHelper.ThrowArgument(
                rowsName,
                $"Row {failed} of {rowsName} gives a system that is not positive definite or a non-finite factor; use a model with a larger Regularization (now {Options.Regularization}).");
        }

        var result = FactorMatrix.Allocate(newCount, Factors, Stride);
        current.CopyTo(result);
        for (var j = 0; j < ids.Length; j++)
        {
            solved.PaddedRow(j).CopyTo(result.PaddedRow(ids[j]));
        }

        return result;
    }

    private float[] GetItemSystem() => _itemSystem ??= ComputeSystem(_itemFactors);

    private float[] GetUserSystem() => _userSystem ??= ComputeSystem(_userFactors);

    private float[] ComputeSystem(FactorMatrix factors)
    {
        using var engine = AlsEngine.Create(Width, Factors, Stride, Options.EffectiveParallelism, 0, AlsSolver.ConjugateGradient);
        engine.ComputeSystemMatrix(factors, Options.SystemRegularization, CancellationToken.None);
        return engine.SystemMatrix;
    }
}
