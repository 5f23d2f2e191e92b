using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.LogisticMf;

/// <summary>
/// The training of <see cref="LogisticMfModel"/>, as <c>implicit</c> 0.7.3's <c>lmf_update</c>: from standard normal
/// factors, each epoch runs one Adagrad step per user against the fixed item factors, then one per item against the
/// fixed user factors.
/// </summary>
/// <remarks>
/// <para>One row's step (a user's; an item's is the same with the transposed matrix): with <c>x</c> the row and
/// <c>y_j</c> the other side's rows, the gradient is <c>g = Σ_pos r_j σ(−x·y_j) y_j − Σ_neg σ(x·y_j) y_j − λx</c>
/// over the row's values <c>r_j</c> and its sampled negatives, then per column <c>G += g²</c> and
/// <c>x += lr · g / √(10⁻⁶ + G)</c>. A row without values is skipped. After each pass the constant column of that
/// side is set back to 1.</para>
/// <para>Within a pass a row's step reads only its own row, its Adagrad sums and the other side's (fixed) factors,
/// and draws its negatives from its own generator (xoshiro256**, seeded from the seed, the epoch, the side and the
/// row). So the rows run in parallel in any order and the factors are bit-identical for every thread count.</para>
/// </remarks>
internal static class LogisticMfTrainer
{
    /// <summary>The side of a pass: users (rows of the matrix) or items (its columns).</summary>
    internal const int UserSide = 0;

    /// <summary>The side of the item pass.</summary>
    internal const int ItemSide = 1;

    /// <summary>Rows per chunk claimed by a worker (chunks are claimed dynamically; the result does not depend on it).</summary>
    private const int ChunkRows = 64;

    /// <summary>The seed of the generator that draws the initial factors (items first, then users, row-major).</summary>
    internal static ulong InitialSeed(int seed) => Xoshiro256StarStar.DeriveSeed((ulong)(long)seed, ulong.MaxValue);

    /// <summary>The seed of the generator that draws the negatives of one row in one pass.</summary>
    internal static ulong RowSeed(int seed, int iteration, int side, int row) =>
        Xoshiro256StarStar.DeriveSeed((ulong)(long)seed, ((ulong)(uint)iteration << 33) | ((ulong)(uint)side << 32) | (uint)row);

    /// <summary>How many negatives a row with <paramref name="positives"/> values samples (implicit's cap: the row length).</summary>
    internal static int NegativeCount(int positives, int negativeProportion, int columns) =>
        (int)Math.Min((long)positives * negativeProportion, columns);

    /// <summary><c>1 / (1 + e^−x)</c> computed in double without overflow and rounded to float, as <c>implicit</c>'s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sigmoid(float x)
    {
        if (x >= 0)
        {
            return (float)(1.0 / (1.0 + Math.Exp(-(double)x)));
        }

        var z = Math.Exp(x);
        return (float)(z / (1.0 + z));
    }

    /// <summary>Fits with the kernels of <paramref name="width"/> (tests reach every entry of the kernel table through it).</summary>
    internal static LogisticMfModel Fit(
        CsrMatrix userItems, LogisticMfOptions options, SimdWidth width, IProgress<AlsIterationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (userItems.RowCount == 0 || userItems.ColumnCount == 0)
        {
            ThrowHelper.ThrowArgument(
                nameof(userItems), $"userItems must have at least one row and one column, but is {userItems.RowCount} x {userItems.ColumnCount}.");
        }

        var values = userItems.ValueArray;
        var nonZeros = (int)userItems.NonZeroCount;
        var largestValue = 0f;
        for (var p = 0; p < nonZeros; p++)
        {
            if (!float.IsFinite(values[p]))
            {
                ThrowHelper.ThrowArgument(nameof(userItems), $"userItems must hold finite values, but stored entry {p} is {values[p]}.");
            }

            largestValue = Math.Max(largestValue, Math.Abs(values[p]));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var itemUsers = userItems.Transpose();
        var columns = options.Factors + 2;
        var stride = KernelTable.StrideFor(columns, width);
        var userFactors = FactorMatrix.AllocateAligned(userItems.RowCount, columns, stride);
        var itemFactors = FactorMatrix.AllocateAligned(userItems.ColumnCount, columns, stride);
        Initialize(userItems, itemUsers, userFactors, itemFactors, options.Seed);

        // A pass runs at most one worker per chunk of rows, so a MaxDegreeOfParallelism beyond the chunks of the
        // longer side (int.MaxValue, say) gets no scratch for workers that could never run.
        var workers = (int)Math.Clamp(
            options.EffectiveParallelism, 1, ((long)Math.Max(userItems.RowCount, userItems.ColumnCount) + ChunkRows - 1) / ChunkRows);
        var pass = width switch
        {
            SimdWidth.Vector512 => (Pass)new Pass<Vector512Ops, Vector512<float>>(options, workers, columns, stride),
            SimdWidth.Vector256 => new Pass<Vector256Ops, Vector256<float>>(options, workers, columns, stride),
            SimdWidth.Vector128 => new Pass<Vector128Ops, Vector128<float>>(options, workers, columns, stride),
            _ => new Pass<ScalarOps, float>(options, workers, columns, stride),
        };
        var userSquares = new float[(long)userItems.RowCount * stride];
        var itemSquares = new float[(long)userItems.ColumnCount * stride];
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            var iterationStart = Stopwatch.GetTimestamp();
            pass.Run(userItems, userFactors, itemFactors, userSquares, iteration, UserSide, cancellationToken);
            SetColumn(userFactors, columns - 2);
            pass.Run(itemUsers, itemFactors, userFactors, itemSquares, iteration, ItemSide, cancellationToken);
            SetColumn(itemFactors, columns - 1);
            CheckServable(userFactors, "user", iteration);
            CheckServable(itemFactors, "item", iteration);
            CheckSquares(userSquares, stride, "user", iteration, largestValue, options);
            CheckSquares(itemSquares, stride, "item", iteration, largestValue, options);
            progress?.Report(new AlsIterationProgress(
                iteration + 1, options.Iterations, Stopwatch.GetElapsedTime(iterationStart), Stopwatch.GetElapsedTime(started), null));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var servingOptions = new AlsOptions { Factors = columns, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        return new LogisticMfModel(options, new AlsModel(servingOptions, width, userFactors, itemFactors, null));
    }

    /// <summary>
    /// Standard normal factors from one generator, the items' rows first, then the users' (as <c>implicit</c> draws
    /// them); the item constant column (last) and the user constant column (second to last) set to 1; rows without
    /// values all zero.
    /// </summary>
    private static void Initialize(CsrMatrix userItems, CsrMatrix itemUsers, FactorMatrix userFactors, FactorMatrix itemFactors, int seed)
    {
        var rng = new Xoshiro256StarStar(InitialSeed(seed));
        var columns = userFactors.Factors;
        Fill(ref rng, itemFactors, itemUsers, columns - 1);
        Fill(ref rng, userFactors, userItems, columns - 2);

        static void Fill(ref Xoshiro256StarStar rng, FactorMatrix factors, CsrMatrix rows, int constantColumn)
        {
            for (var row = 0; row < factors.Rows; row++)
            {
                var target = factors.Row(row);
                for (var f = 0; f < target.Length; f++)
                {
                    target[f] = (float)rng.NextGaussian();
                }

                target[constantColumn] = 1f;
                if (rows.GetRowNonZeroCount(row) == 0)
                {
                    target.Clear();
                }
            }
        }
    }

    private static void SetColumn(FactorMatrix factors, int column)
    {
        for (var row = 0; row < factors.Rows; row++)
        {
            factors.Row(row)[column] = 1f;
        }
    }

    /// <summary>
    /// Throws when a sum of squared gradients overflowed float: from then on that factor's step is
    /// <c>g / √∞ = 0</c>, so it would stay where it is (its random start, after a first such step) while the fit
    /// seemed to succeed. The gradient grows with the values, with <c>λ · x</c> and with the factors (so with the
    /// learning rate), so the message gives all three.
    /// </summary>
    private static void CheckSquares(float[] squares, int stride, string side, int iteration, float largestValue, LogisticMfOptions options)
    {
        if (TensorPrimitives.IsFiniteAll<float>(squares))
        {
            return;
        }

        for (var p = 0; p < squares.Length; p++)
        {
            if (!float.IsFinite(squares[p]))
            {
                throw new ArithmeticException(
                    $"Logistic MF diverged: the squared gradients of {side} {p / stride}, factor {p % stride} overflow float after iteration {iteration + 1}, which stops its Adagrad steps (the largest of the values is {largestValue}, Regularization {options.Regularization}, LearningRate {options.LearningRate}); scale down the values or lower Regularization or LearningRate.");
            }
        }
    }

    /// <summary>
    /// Throws when a factor is not finite or a row grew so large (<see cref="FactorMagnitude"/>) that its scores would
    /// overflow float: both mean the steps diverged, and a model of such rows would serve infinite or NaN scores.
    /// </summary>
    private static void CheckServable(FactorMatrix factors, string side, int iteration)
    {
        var (row, norm) = FactorMagnitude.FirstUnservableRow(factors);
        if (row < 0)
        {
            return;
        }

        var values = factors.Row(row);
        for (var f = 0; f < values.Length; f++)
        {
            if (!float.IsFinite(values[f]))
            {
                throw new ArithmeticException(
                    $"Logistic MF diverged: {side} {row}, factor {f} is {values[f]} after iteration {iteration + 1}; lower LearningRate or scale down the values.");
            }
        }

        throw new ArithmeticException(
            $"Logistic MF diverged: the factors of {side} {row} grew to norm {norm:G3} after iteration {iteration + 1}, so scores would overflow float; lower LearningRate or scale down the values.");
    }

    /// <summary>One side's pass of Adagrad steps, for one register width; owns the per-worker gradient scratch.</summary>
    private abstract class Pass
    {
        public abstract void Run(
            CsrMatrix rows, FactorMatrix own, FactorMatrix other, float[] squares, int iteration, int side, CancellationToken cancellationToken);
    }

    private sealed class Pass<TOps, TVec> : Pass
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        private readonly int _columns;
        private readonly int _stride;
        private readonly int _workers;
        private readonly int _seed;
        private readonly int _negativeProportion;
        private readonly float _learningRate;
        private readonly float _regularization;
        private readonly float[][] _gradients;
        private readonly ParallelOptions _parallelOptions;

        public Pass(LogisticMfOptions options, int workers, int columns, int stride)
        {
            _columns = columns;
            _stride = stride;
            _workers = workers;
            _seed = options.Seed;
            _negativeProportion = options.NegativeProportion;
            _learningRate = (float)options.LearningRate;
            _regularization = (float)options.Regularization;
            _gradients = new float[_workers][];
            for (var w = 0; w < _workers; w++)
            {
                _gradients[w] = new float[stride];
            }

            _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = _workers };
        }

        public override void Run(
            CsrMatrix rows, FactorMatrix own, FactorMatrix other, float[] squares, int iteration, int side, CancellationToken cancellationToken)
        {
            var chunks = (rows.RowCount + ChunkRows - 1) / ChunkRows;
            var next = -1;
            var workers = Math.Min(_workers, chunks);
            if (workers <= 1)
            {
                Work(0);
            }
            else
            {
                Parallel.For(0, workers, _parallelOptions, Work);
            }

            cancellationToken.ThrowIfCancellationRequested();

            void Work(int worker)
            {
                var gradient = _gradients[worker];
                int chunk;
                while (!cancellationToken.IsCancellationRequested && (chunk = Interlocked.Increment(ref next)) < chunks)
                {
                    var end = Math.Min(rows.RowCount, (chunk + 1) * ChunkRows);
                    for (var row = chunk * ChunkRows; row < end; row++)
                    {
                        Step(rows, own, other, squares, gradient, iteration, side, row);
                    }
                }
            }
        }

        /// <summary>One row's Adagrad step; allocates nothing.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Step(CsrMatrix rows, FactorMatrix own, FactorMatrix other, float[] squares, float[] gradient, int iteration, int side, int row)
        {
            var pointers = rows.PointerArray;
            var start = (int)pointers[row];
            var end = (int)pointers[row + 1];
            if (start == end)
            {
                return;
            }

            // Vector widths run over the whole padded row (zeros past the factors, no tail); the scalar width sums the
            // factors one by one, in order.
            var length = TOps.Count == 1 ? _columns : _stride;
            ref var x = ref DenseKernels.Row(ref own.First, _stride, row);
            ref var y0 = ref other.First;
            ref var g = ref MemoryMarshal.GetArrayDataReference(gradient);
            Array.Clear(gradient);
            var indices = rows.IndexArray;
            var values = rows.ValueArray;
            for (var p = start; p < end; p++)
            {
                ref var y = ref DenseKernels.Row(ref y0, _stride, indices[p]);
                var dot = Dot(ref x, ref y, length);
                DenseKernels.Axpy<TOps, TVec>(values[p] * Sigmoid(-dot), ref y, ref g, length);
            }

            var negatives = NegativeCount(end - start, _negativeProportion, _columns);
            if (negatives > 0)
            {
                var rng = new Xoshiro256StarStar(RowSeed(_seed, iteration, side, row));
                var pool = (int)rows.NonZeroCount;
                for (var s = 0; s < negatives; s++)
                {
                    ref var y = ref DenseKernels.Row(ref y0, _stride, indices[rng.NextInt(pool)]);
                    var dot = Dot(ref x, ref y, length);
                    DenseKernels.Axpy<TOps, TVec>(-Sigmoid(dot), ref y, ref g, length);
                }
            }

            ref var sums = ref DenseKernels.Row(ref MemoryMarshal.GetArrayDataReference(squares), _stride, row);
            var learningRate = (double)_learningRate;
            for (var f = 0; f < _columns; f++)
            {
                ref var xf = ref Unsafe.Add(ref x, f);
                ref var sum = ref Unsafe.Add(ref sums, f);
                var step = Unsafe.Add(ref g, f) - (_regularization * xf);
                sum += step * step;
                xf = (float)(xf + (learningRate / Math.Sqrt(1e-6 + sum) * step));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Dot(ref float x, ref float y, int length)
        {
            if (TOps.Count == 1)
            {
                var sum = 0f;
                for (var f = 0; f < length; f++)
                {
                    sum += Unsafe.Add(ref x, f) * Unsafe.Add(ref y, f);
                }

                return sum;
            }

            return DenseKernels.Dot<TOps, TVec>(ref x, ref y, length);
        }
    }
}
