using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MovieRecs.Internal;

namespace MovieRecs.Als;

/// <summary>
/// Runs ALS half-steps, Gram matrices and the loss in parallel for one register width; created per fit or per
/// partial fit. One instance owns all scratch memory (allocated once), so the iteration loop allocates nothing but
/// the thread-pool bookkeeping of <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>, or nothing at all
/// with a team of its own threads (<see cref="WorkerTeam"/>, for a fit).
/// </summary>
internal abstract class AlsEngine : IDisposable
{
    /// <summary>The chunk count aimed at per half-step, whatever the thread count (chunks are claimed dynamically).</summary>
    public const int TargetChunks = 256;

    /// <summary>
    /// Creates the engine for <paramref name="width"/>. With <paramref name="ownThreads"/> its parallel jobs run on a
    /// <see cref="WorkerTeam"/> of its own (at most one thread per core besides the caller's, ended by
    /// <see cref="Dispose"/>) instead of <c>Parallel.For</c>: for a fit, which runs about sixty jobs.
    /// </summary>
    public static AlsEngine Create(SimdWidth width, int factors, int stride, int workers, int maxRowNonZeros, AlsSolver solver, bool ownThreads = false) =>
        width switch
        {
            SimdWidth.Vector512 => new AlsEngine<Vector512Ops, System.Runtime.Intrinsics.Vector512<float>>(factors, stride, workers, maxRowNonZeros, solver, ownThreads),
            SimdWidth.Vector256 => new AlsEngine<Vector256Ops, System.Runtime.Intrinsics.Vector256<float>>(factors, stride, workers, maxRowNonZeros, solver, ownThreads),
            SimdWidth.Vector128 => new AlsEngine<Vector128Ops, System.Runtime.Intrinsics.Vector128<float>>(factors, stride, workers, maxRowNonZeros, solver, ownThreads),
            _ => new AlsEngine<ScalarOps, float>(factors, stride, workers, maxRowNonZeros, solver, ownThreads),
        };

    /// <summary>Ends the engine's own threads, if it has any.</summary>
    public abstract void Dispose();

    /// <summary>Computes <c>A0 = YᵀY + λI</c> of <paramref name="factorsOfOther"/> into <see cref="SystemMatrix"/>.</summary>
    public abstract void ComputeSystemMatrix(FactorMatrix factorsOfOther, float regularization, CancellationToken cancellationToken);

    /// <summary>A copy of the current <c>A0</c> (stride × stride, zero padded).</summary>
    public abstract float[] SystemMatrix { get; }

    /// <summary>Sets <see cref="SystemMatrix"/> from a cached copy.</summary>
    public abstract void UseSystemMatrix(ReadOnlySpan<float> systemMatrix);

    /// <summary>
    /// Solves every row of <paramref name="rows"/> into <paramref name="target"/> against <paramref name="other"/> and the
    /// current <see cref="SystemMatrix"/>.
    /// </summary>
    /// <returns>The first row (lowest index) that failed (non-finite factor or non-positive pivot), or -1.</returns>
    public abstract int SolveRows(
        ConfidenceMatrix rows, int[] chunks, FactorMatrix target, FactorMatrix other, AlsSolver solver, int cgSteps, CancellationToken cancellationToken);

    /// <summary>
    /// <c>implicit</c>'s loss with the current <see cref="SystemMatrix"/> (which must be <c>YᵀY + λI</c> of
    /// <paramref name="itemFactors"/>).
    /// </summary>
    public abstract double ComputeLoss(
        ConfidenceMatrix userItems, int[] chunks, FactorMatrix userFactors, FactorMatrix itemFactors, float regularization, CancellationToken cancellationToken);
}

/// <inheritdoc />
internal sealed class AlsEngine<TOps, TVec> : AlsEngine
    where TOps : struct, ISimdOps<TVec>
    where TVec : struct
{
    private readonly int _factors;
    private readonly int _stride;
    private readonly int _workers;
    private readonly int[] _identity;
    private readonly double[] _gram;
    private readonly FloatBuffer _systemMatrix;
    private readonly AlsRowScratch[] _scratch;
    private readonly ParallelOptions _parallelOptions;
    private readonly Action<int> _workerBody;
    private readonly WorkerTeam? _team;

    // The job being run by the workers.
    private JobKind _job;
    private int _jobCount;
    private int _next;
    private int _failedRow;
    private ConfidenceMatrix? _rows;
    private int[] _chunks = [];
    private FactorMatrix _target;
    private FactorMatrix _other;
    private AlsSolver _solver;
    private int _cgSteps;
    private float _regularization;
    private double[] _lossParts = [];
    private CancellationToken _cancellationToken;

    public AlsEngine(int factors, int stride, int workers, int maxRowNonZeros, AlsSolver solver, bool ownThreads)
    {
        Debug.Assert(stride % Math.Max(8, TOps.Count) == 0 && stride >= factors);
        _factors = factors;
        _stride = stride;
        _workers = Math.Max(1, workers);
        _identity = new int[stride];
        for (var i = 0; i < stride; i++)
        {
            _identity[i] = i;
        }

        _gram = new double[stride * stride];
        _systemMatrix = FloatBuffer.AllocateAligned(stride * stride);
        _scratch = new AlsRowScratch[_workers];
        for (var w = 0; w < _workers; w++)
        {
            _scratch[w] = new AlsRowScratch(
                stride, maxRowNonZeros, solver == AlsSolver.Cholesky, solver == AlsSolver.Cholesky ? 1 : DenseKernels.BlockVectors);
        }

        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = _workers };
        _workerBody = RunWorker;
        var threads = Math.Min(_workers, Environment.ProcessorCount);
        _team = ownThreads && threads > 1 ? new WorkerTeam(threads - 1) : null;
    }

    private enum JobKind
    {
        Gram,
        Solve,
        Loss,
    }

    public override float[] SystemMatrix => _systemMatrix.ToArray();

    public override void UseSystemMatrix(ReadOnlySpan<float> systemMatrix) => systemMatrix.CopyTo(_systemMatrix.Span);

    public override void Dispose() => _team?.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ComputeSystemMatrix(FactorMatrix factorsOfOther, float regularization, CancellationToken cancellationToken)
    {
        Debug.Assert(factorsOfOther.Stride == _stride && factorsOfOther.Factors == _factors);
        Array.Clear(_gram);
        _other = factorsOfOther;
        Run(JobKind.Gram, (_factors + 3) / 4, cancellationToken);

        // Mirror the upper triangle into a full float matrix and add λ on the diagonal; padding stays zero.
        var s = _stride;
        var system = _systemMatrix.Span;
        system.Clear();
        for (var a = 0; a < _factors; a++)
        {
            system[(a * s) + a] = (float)_gram[(a * s) + a] + regularization;
            for (var b = a + 1; b < _factors; b++)
            {
                var value = (float)_gram[(a * s) + b];
                system[(a * s) + b] = value;
                system[(b * s) + a] = value;
            }
        }
    }

    public override int SolveRows(
        ConfidenceMatrix rows, int[] chunks, FactorMatrix target, FactorMatrix other, AlsSolver solver, int cgSteps, CancellationToken cancellationToken)
    {
        Debug.Assert(target.Stride == _stride && other.Stride == _stride);
        _rows = rows;
        _chunks = chunks;
        _target = target;
        _other = other;
        _solver = solver;
        _cgSteps = cgSteps;
        _failedRow = int.MaxValue;
        Run(JobKind.Solve, chunks.Length - 1, cancellationToken);
        return _failedRow == int.MaxValue ? -1 : _failedRow;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double ComputeLoss(
        ConfidenceMatrix userItems, int[] chunks, FactorMatrix userFactors, FactorMatrix itemFactors, float regularization, CancellationToken cancellationToken)
    {
        var chunkCount = chunks.Length - 1;
        if (_lossParts.Length < 3 * chunkCount)
        {
            _lossParts = new double[3 * chunkCount];
        }

        _rows = userItems;
        _chunks = chunks;
        _target = userFactors;
        _other = itemFactors;
        _regularization = regularization;
        Run(JobKind.Loss, chunkCount, cancellationToken);

        // Fixed-order reductions in double: by chunk for users, by row for items.
        double loss = 0, confidence = 0, userNorm = 0;
        for (var c = 0; c < chunkCount; c++)
        {
            loss += _lossParts[3 * c];
            confidence += _lossParts[(3 * c) + 1];
            userNorm += _lossParts[(3 * c) + 2];
        }

        double itemNorm = 0;
        for (var i = 0; i < userItems.ColumnCount; i++)
        {
            ref var row = ref DenseKernels.Row(ref itemFactors.First, _stride, i);
            itemNorm += DenseKernels.Dot<TOps, TVec>(ref row, ref row, _stride);
        }

        loss += regularization * (itemNorm + userNorm);
        var denominator = confidence + ((double)userItems.RowCount * userItems.ColumnCount) - userItems.NonZeroCount;
        return loss / denominator;
    }

    private void Run(JobKind job, int count, CancellationToken cancellationToken)
    {
        _job = job;
        _jobCount = count;
        _next = 0;
        _cancellationToken = cancellationToken;
        if (_workers == 1 || count <= 1)
        {
            RunWorker(0);
        }
        else if (_team is not null)
        {
            _team.Run(Math.Min(_team.Helpers + 1, count), _workerBody);
        }
        else
        {
            Parallel.For(0, Math.Min(_workers, count), _parallelOptions, _workerBody);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunWorker(int worker)
    {
        var scratch = _scratch[worker];
        while (!_cancellationToken.IsCancellationRequested)
        {
            var item = Interlocked.Increment(ref _next) - 1;
            if (item >= _jobCount)
            {
                return;
            }

            switch (_job)
            {
                case JobKind.Gram:
                    DenseKernels.GramRowTile<TOps, TVec>(ref _other.First, _other.Rows, _stride, item * 4, _gram);
                    break;
                case JobKind.Solve:
                    SolveChunk(item, scratch);
                    break;
                default:
                    LossChunk(item, scratch);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SolveChunk(int chunk, AlsRowScratch scratch)
    {
        var rows = _rows!;
        ref var other = ref _other.First;
        var stride = _stride;
        ReadOnlySpan<float> a0 = _systemMatrix.Span;
        var end = _chunks[chunk + 1];
        if (_solver == AlsSolver.Cholesky)
        {
            for (var row = _chunks[chunk]; row < end; row++)
            {
                var x = _target.PaddedRow(row);
                var failed = AlsKernels.SolveCholesky<TOps, TVec>(
                    ref other, stride, _factors, a0, rows.RowColumns(row), rows.RowConfidence(row), x, scratch, rows.RowRegularization?[row] ?? 0f) >= 0;
                if (failed || !AllFinite(x[.._factors]))
                {
                    RecordFailure(row);
                }
            }

            return;
        }

        // CG: blocks of consecutive rows in lockstep, so each A0·p pass serves the whole block.
        Span<int> rowStarts = stackalloc int[DenseKernels.BlockVectors + 1];
        for (var row = _chunks[chunk]; row < end; row += DenseKernels.BlockVectors)
        {
            var count = Math.Min(DenseKernels.BlockVectors, end - row);
            var first = rows.RowPointers[row];
            for (var k = 0; k <= count; k++)
            {
                rowStarts[k] = (int)(rows.RowPointers[row + k] - first);
            }

            var length = rowStarts[count];
            var x = _target.Storage.Slice(row * stride, count * stride);
            AlsKernels.SolveConjugateGradientBlock<TOps, TVec>(
                ref other, stride, _factors, a0, rows.Columns.AsSpan(checked((int)first), length),
                rows.Confidence.AsSpan((int)first, length), rowStarts[..(count + 1)], x, _cgSteps, scratch, rows.RowRegularization is { } perRow ? perRow.AsSpan(row, count) : default);
            for (var k = 0; k < count; k++)
            {
                if (!AllFinite(x.Slice(k * stride, _factors)))
                {
                    RecordFailure(row + k);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LossChunk(int chunk, AlsRowScratch scratch)
    {
        var rows = _rows!;
        ref var other = ref _other.First;
        double loss = 0, confidence = 0, norm = 0;
        for (var row = _chunks[chunk]; row < _chunks[chunk + 1]; row++)
        {
            var (rowLoss, rowConfidence, rowNorm) = AlsKernels.RowLoss<TOps, TVec>(
                ref other, _stride, _factors, _systemMatrix.Span, _identity, _regularization,
                rows.RowColumns(row), rows.RowConfidence(row), _target.PaddedRow(row), scratch);
            loss += rowLoss;
            confidence += rowConfidence;
            norm += rowNorm;
        }

        _lossParts[3 * chunk] = loss;
        _lossParts[(3 * chunk) + 1] = confidence;
        _lossParts[(3 * chunk) + 2] = norm;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        // x − x is 0 for every finite x and NaN for an infinity or a NaN; the OR of the differences' bits is 0 only if
        // all are finite (−0 cannot arise: x − x is +0).
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var bits = Vector256<uint>.Zero;
            ref var first = ref MemoryMarshal.GetReference(values);
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)i);
                bits |= (v - v).AsUInt32();
            }

            if (bits != Vector256<uint>.Zero)
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordFailure(int row)
    {
        var current = Volatile.Read(ref _failedRow);
        while (row < current)
        {
            var seen = Interlocked.CompareExchange(ref _failedRow, row, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
