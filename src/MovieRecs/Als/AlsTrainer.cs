using System.Diagnostics;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <summary>
/// Trains implicit-feedback matrix factorization by alternating least squares (Hu, Koren and Volinsky 2008) with the
/// semantics of Python's <c>implicit.als.AlternatingLeastSquares</c> (CPU): same data and hyperparameters, same quality.
/// </summary>
/// <remarks>
/// <para>
/// A stored value <c>r</c> of user <c>u</c> and item <c>i</c> gives confidence <c>c = Alpha · r</c> and preference
/// <c>p = 1</c>; a negative value gives preference 0 with confidence <c>|Alpha · r|</c>; absent entries have
/// confidence 1 and preference 0. Each iteration solves every user
/// <c>(YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ) x_u = Σ_{i, p=1} c_ui y_i</c>, then every item likewise; rows with no
/// entries get zero factors.
/// </para>
/// <para>
/// Thread-safe: one trainer may run several fits at once. A fit uses up to
/// <see cref="AlsOptions.MaxDegreeOfParallelism"/> threads, one contiguous chunk of rows at a time balanced by
/// nonzeros; same seed and data give bit-identical factors whatever the thread count (results may differ in the last
/// bits between CPUs with different vector widths).
/// </para>
/// </remarks>
public sealed class AlsTrainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The hyperparameters; <see langword="null"/> for the defaults of <c>implicit</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="AlsOptions.Validate"/>).</exception>
    public AlsTrainer(AlsOptions? options = null)
    {
        options ??= new AlsOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The hyperparameters of every fit.</summary>
    public AlsOptions Options { get; }

    /// <summary>Fits a model to <paramref name="userItems"/> from random initial factors.</summary>
    /// <param name="userItems">The user × item matrix of values (e.g. ratings or counts); at least one row and one column.</param>
    /// <param name="progress">Receives one report per iteration (iteration, time, loss when asked), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the fit between chunks of rows; nothing is returned then (also when it is
    /// cancelled during the last progress report).</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userItems"/> has no rows or no columns, or a confidence
    /// <c>Alpha · value</c> is not finite.</exception>
    /// <exception cref="ArithmeticException">A factor became non-finite (or, with the Cholesky solver, a system was not
    /// positive definite); the message names the iteration and the row and suggests a larger regularization.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Time per iteration: CG <c>O((users + items)·k² + nnz·k)·CgSteps</c>; Cholesky <c>O(nnz·k² + (users + items)·k³)</c>.
    /// Memory: the factors, the item × user transpose of the matrix (8 bytes per nonzero), a scaled copy of the values
    /// unless <see cref="AlsOptions.Alpha"/> is 1 (4 bytes per nonzero; the user × item side otherwise reads
    /// <paramref name="userItems"/>' own arrays) and <c>O(k²)</c> scratch per thread, allocated before the first iteration.
    /// </remarks>
    public AlsModel Fit(CsrMatrix userItems, IProgress<AlsIterationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(userItems, initialModel: null, KernelTable.Best, progress, cancellationToken);

    /// <summary>
    /// Continues training from <paramref name="initialModel"/>'s factors (warm start), as <c>implicit</c> does when
    /// <c>fit</c> is called on a model that already has factors.
    /// </summary>
    /// <param name="userItems">The user × item matrix; same shape as the model.</param>
    /// <param name="initialModel">The model to start from (unchanged: the result is a new model).</param>
    /// <param name="progress">Receives one report per iteration, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the fit between chunks of rows.</param>
    /// <returns>The new model after <see cref="AlsOptions.Iterations"/> more iterations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userItems"/> or <paramref name="initialModel"/> is null.</exception>
    /// <exception cref="ArgumentException">The shapes or factor counts differ, <paramref name="userItems"/> is empty, or a
    /// confidence is not finite.</exception>
    /// <exception cref="ArithmeticException">A factor became non-finite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Same cost as <see cref="Fit(CsrMatrix, IProgress{AlsIterationProgress}?, CancellationToken)"/>, plus a copy of the factors.</remarks>
    public AlsModel Fit(
        CsrMatrix userItems, AlsModel initialModel, IProgress<AlsIterationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialModel);
        return Fit(userItems, initialModel, KernelTable.Best, progress, cancellationToken);
    }

    /// <summary>The fit with an explicit kernel width (tests reach every entry of the kernel table through it).</summary>
    internal AlsModel Fit(
        CsrMatrix userItems, AlsModel? initialModel, SimdWidth width, IProgress<AlsIterationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        if (userItems.RowCount == 0 || userItems.ColumnCount == 0)
        {
            ThrowHelper.ThrowArgument(
                nameof(userItems), $"userItems must have at least one row and one column, but is {userItems.RowCount} x {userItems.ColumnCount}.");
        }

        // The serving kernels compile on a pool thread while the fit runs, so the first batch call after it does not
        // wait for the JIT.
        ServingWarmUp.Start();
        var options = Options;
        var factors = options.Factors;
        if (initialModel is not null)
        {
            if (initialModel.UserCount != userItems.RowCount || initialModel.ItemCount != userItems.ColumnCount)
            {
                ThrowHelper.ThrowArgument(
                    nameof(initialModel),
                    $"initialModel has {initialModel.UserCount} users x {initialModel.ItemCount} items but userItems is {userItems.RowCount} x {userItems.ColumnCount}.");
            }

            if (initialModel.Factors != factors)
            {
                ThrowHelper.ThrowArgument(
                    nameof(initialModel), $"initialModel has {initialModel.Factors} factors but the options ask for {factors}.");
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();

        // Both sides view one CSR matrix of confidences (the caller's own when Alpha is 1): the user rows directly, the
        // item rows through its CSC form, built by the O(nnz) counting transpose with each item's users in increasing order.
        // The transpose lives only while the fit runs: its arrays are rented, and given back at the end, so that fits in a
        // row reuse memory already in place instead of faulting in new pages (about 13 us each on a measured VM).
        var confidences = ConfidenceMatrix.Confidences(userItems, (float)options.Alpha, nameof(userItems), options.Convention);
        var transposed = confidences.TransposeTransient();
        try
        {
            return Fit(
                ConfidenceMatrix.FromCsr(confidences).WithRowRegularization(options),
                ConfidenceMatrix.FromCsc(transposed.AsTransposedCsc()).WithRowRegularization(options),
                initialModel,
                width,
                started,
                progress,
                cancellationToken);
        }
        finally
        {
            transposed.ReturnTransient();
        }
    }

    /// <summary>
    /// The alternating solves over given user-side and item-side confidences (<paramref name="itemRows"/> must hold the
    /// transpose of <paramref name="userRows"/>); tests reach it to compare ways of building the item side.
    /// </summary>
    internal AlsModel Fit(
        ConfidenceMatrix userRows,
        ConfidenceMatrix itemRows,
        AlsModel? initialModel,
        SimdWidth width,
        long started,
        IProgress<AlsIterationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var options = Options;
        var factors = options.Factors;
        var stride = KernelTable.StrideFor(factors, width);
        var users = userRows.RowCount;
        var items = itemRows.RowCount;

        // The working factors are cache-line aligned (the kernels gather their rows with vector loads); the model keeps
        // them as they are, without a copy.
        var userFactors = FactorMatrix.AllocateAligned(users, factors, stride);
        var itemFactors = FactorMatrix.AllocateAligned(items, factors, stride);
        if (initialModel is null)
        {
            FactorInitializer.Fill(userFactors.Storage, users, itemFactors.Storage, items, factors, stride, options.Seed);
        }
        else
        {
            initialModel.UserFactorMatrix.CopyTo(userFactors);
            initialModel.ItemFactorMatrix.CopyTo(itemFactors);
        }

        var workers = Math.Max(1, options.EffectiveParallelism);
        using var engine = AlsEngine.Create(
            width, factors, stride, workers, Math.Max(userRows.MaxRowNonZeros, itemRows.MaxRowNonZeros), options.Solver, ownThreads: true);
        var userChunks = userRows.PartitionRows(factors, AlsEngine.TargetChunks);
        var itemChunks = itemRows.PartitionRows(factors, AlsEngine.TargetChunks);
        // λ of the shared YᵀY + λI; under Spark's convention 0, each row adding its own λ·n (ConfidenceMatrix.RowRegularization).
        var regularization = options.SystemRegularization;
        double? loss = null;
        var systemHoldsItemGram = false;

        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            var iterationStarted = Stopwatch.GetTimestamp();
            if (!systemHoldsItemGram)
            {
                engine.ComputeSystemMatrix(itemFactors, regularization, cancellationToken);
            }

            var failed = engine.SolveRows(userRows, userChunks, userFactors, itemFactors, options.Solver, options.CgSteps, cancellationToken);
            if (failed >= 0)
            {
                ThrowDiverged(iteration, "user", failed);
            }

            engine.ComputeSystemMatrix(userFactors, regularization, cancellationToken);
            failed = engine.SolveRows(itemRows, itemChunks, itemFactors, userFactors, options.Solver, options.CgSteps, cancellationToken);
            if (failed >= 0)
            {
                ThrowDiverged(iteration, "item", failed);
            }

            systemHoldsItemGram = false;
            if (options.ComputeLoss)
            {
                engine.ComputeSystemMatrix(itemFactors, regularization, cancellationToken);
                systemHoldsItemGram = true;
                loss = engine.ComputeLoss(userRows, userChunks, userFactors, itemFactors, regularization, cancellationToken);
                if (userRows.RowRegularization is not null)
                {
                    loss += RowRegularizationLoss(userRows, itemRows, userFactors, itemFactors);
                }
            }

            progress?.Report(new AlsIterationProgress(
                iteration,
                options.Iterations,
                Stopwatch.GetElapsedTime(iterationStarted),
                Stopwatch.GetElapsedTime(started),
                loss));
        }

        // A cancellation requested during the last progress report still wins: the caller gets no model.
        cancellationToken.ThrowIfCancellationRequested();
        return new AlsModel(options, width, userFactors, itemFactors, loss);
    }

    /// <summary>
    /// The regularization term of the loss under Spark's convention, <c>Σ_u λ·n_u |x_u|² + Σ_i λ·n_i |y_i|²</c>, over the
    /// loss's denominator <c>Σ|c| + users·items − nnz</c> (the engine's loss then holds the weighted errors only). In
    /// double, in row order.
    /// </summary>
    private static double RowRegularizationLoss(ConfidenceMatrix userRows, ConfidenceMatrix itemRows, FactorMatrix userFactors, FactorMatrix itemFactors)
    {
        double penalty = 0, confidence = 0;
        for (var u = 0; u < userRows.RowCount; u++)
        {
            penalty += userRows.RowRegularization![u] * SquaredNorm(userFactors.Row(u));
        }

        for (var i = 0; i < itemRows.RowCount; i++)
        {
            penalty += itemRows.RowRegularization![i] * SquaredNorm(itemFactors.Row(i));
        }

        foreach (var c in userRows.Confidence)
        {
            confidence += Math.Abs(c);
        }

        return penalty / (confidence + ((double)userRows.RowCount * userRows.ColumnCount) - userRows.NonZeroCount);
    }

    private static double SquaredNorm(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (var value in row)
        {
            sum += (double)value * value;
        }

        return sum;
    }

    private void ThrowDiverged(int iteration, string side, int row) =>
        throw new ArithmeticException(
            $"ALS diverged in iteration {iteration}: the factors of {side} {row} are not finite"
            + (Options.Solver == AlsSolver.Cholesky ? " or its system is not positive definite" : string.Empty)
            + $". Use a larger Regularization (now {Options.Regularization}) or a smaller Alpha (now {Options.Alpha}).");
}
