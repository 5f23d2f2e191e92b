using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// Cancelling a long operation (fit, batch recommend, batch similar, evaluation) at any point throws
/// <see cref="OperationCanceledException"/>, returns nothing partial, changes no input, and leaves no worker
/// behind: every task the call started (the parallel workers) has finished when it returns, or is just ending
/// (watched by a <see cref="TaskTreeMonitor"/>), and no progress report arrives after it.
/// </summary>
public sealed class CancellationTests
{
    private const int Iterations = 4;

    private static readonly CsrMatrix Matrix = TestMatrices.Random(21, users: 900, items: 300, density: 0.05, minRating: 3);

    private static readonly AlsOptions FitOptions = new() { Factors = 16, Iterations = Iterations, Seed = 21, MaxDegreeOfParallelism = 4 };

    public static TheoryData<int, bool> CancelPoints()
    {
        var data = new TheoryData<int, bool>();
        for (var iteration = 1; iteration <= Iterations; iteration++)
        {
            data.Add(iteration, false);
            data.Add(iteration, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CancelPoints))]
    public void Fit_CancelledFromProgressAtIterationK_ThrowsAndLeavesNothingRunning(int k, bool warmStart)
    {
        var source = warmStart ? new AlsTrainer(FitOptions with { Seed = 5 }).Fit(Matrix) : null;
        var before = source is null ? null : Snapshot(source);
        var trainer = new AlsTrainer(FitOptions);
        using var cancellation = new CancellationTokenSource();
        var reports = 0;
        var progress = new SynchronousProgress<AlsIterationProgress>(p =>
        {
            reports++;
            if (p.Iteration == k)
            {
                cancellation.Cancel();
            }
        });
        var (model, error) = RunFit(() => source is null
            ? trainer.Fit(Matrix, progress, cancellation.Token)
            : trainer.Fit(Matrix, source, progress, cancellation.Token));

        Assert.Null(model);
        Assert.IsType<OperationCanceledException>(error, exactMatch: false);
        Assert.Equal(k, reports);
        if (source is not null)
        {
            Assert.Equal(before, Snapshot(source));
        }
    }

    [Fact]
    public void Fit_CancelledAfterRandomDelays_ThrowsOrReturnsTheWholeModel()
    {
        var trainer = new AlsTrainer(FitOptions with { Iterations = 12 });
        var source = new AlsTrainer(FitOptions with { Seed = 5 }).Fit(Matrix);
        var before = Snapshot(source);
        var clock = Stopwatch.StartNew();
        var reference = Snapshot(trainer.Fit(Matrix, source));
        var span = clock.Elapsed;
        var random = new Random(99);

        // The delays spread the cancellation over the whole fit (preparation, Gram matrices, half-steps).
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var delay = span * random.NextDouble();
            using var cancellation = new CancellationTokenSource();
            var (model, error) = RunFit(() =>
            {
                cancellation.CancelAfter(delay);
                return trainer.Fit(Matrix, source, progress: null, cancellation.Token);
            });

            if (model is null)
            {
                Assert.IsType<OperationCanceledException>(error, exactMatch: false);
            }
            else
            {
                Assert.Null(error);
                Assert.Equal(reference, Snapshot(model));
            }

            Assert.Equal(before, Snapshot(source));
        }
    }

    public static TheoryData<string> BatchOperations() => ["RecommendAll", "SimilarItemsAll", "SimilarUsersAll", "Evaluate"];

    [Theory]
    [MemberData(nameof(BatchOperations))]
    public void Batch_CancelledFromProgressMidway_ThrowsLeavesNothingRunningAndTheModelStillServes(string operation)
    {
        var model = new AlsTrainer(FitOptions).Fit(Matrix);
        var reference = Describe(Batch(operation, model, null, CancellationToken.None));
        using var cancellation = new CancellationTokenSource();
        var returned = 0;
        var reports = 0;
        var late = 0;
        var progress = new SynchronousProgress<int>(_ =>
        {
            if (Volatile.Read(ref returned) != 0)
            {
                Interlocked.Increment(ref late);
            }

            if (Interlocked.Increment(ref reports) == 2)
            {
                cancellation.Cancel();
            }
        });
        using var monitor = new TaskTreeMonitor();

        var (result, error, started, unfinished) = monitor.Run(() =>
        {
            try
            {
                return Batch(operation, model, progress, cancellation.Token);
            }
            finally
            {
                Volatile.Write(ref returned, 1);
            }
        });

        Assert.Null(result);
        Assert.IsType<OperationCanceledException>(error, exactMatch: false);
        AssertNothingLeft(started, unfinished);
        Assert.InRange(Volatile.Read(ref reports), 2, int.MaxValue);

        // Nothing the cancelled call touched (per-thread scratch, lazily built caches) spoils the next call; and
        // while it runs, a worker of the cancelled call left running would have reported its progress.
        Assert.Equal(reference, Describe(Batch(operation, model, null, CancellationToken.None)));
        Assert.Equal(0, Volatile.Read(ref late));
    }

    [Theory]
    [MemberData(nameof(BatchOperations))]
    public void Batch_CancelledAfterRandomDelays_ThrowsOrReturnsTheWholeResult(string operation)
    {
        var model = new AlsTrainer(FitOptions).Fit(Matrix);
        var clock = Stopwatch.StartNew();
        var reference = Describe(Batch(operation, model, null, CancellationToken.None));
        var span = clock.Elapsed;
        var random = new Random(operation.Length);

        for (var attempt = 0; attempt < 8; attempt++)
        {
            var delay = span * random.NextDouble();
            using var cancellation = new CancellationTokenSource();
            using var monitor = new TaskTreeMonitor();
            var (result, error, started, unfinished) = monitor.Run(() =>
            {
                cancellation.CancelAfter(delay);
                return Batch(operation, model, null, cancellation.Token);
            });

            if (result is null)
            {
                Assert.IsType<OperationCanceledException>(error, exactMatch: false);
            }
            else
            {
                Assert.Null(error);
                Assert.Equal(reference, Describe(result));
            }

            AssertNothingLeft(started, unfinished, workersExpected: result is not null);
        }
    }

    /// <summary>Runs one batch operation; the result as an object (arrays of recommendations, or metrics).</summary>
    private static object Batch(string operation, AlsModel model, IProgress<int>? progress, CancellationToken cancellationToken) => operation switch
    {
        "RecommendAll" => model.RecommendAll(Matrix, 10, null, progress, cancellationToken),
        "SimilarItemsAll" => model.SimilarItemsAll(10, progress, cancellationToken),
        "SimilarUsersAll" => model.SimilarUsersAll(10, progress, cancellationToken),
        _ => RankingEvaluator.Evaluate(
            model, Matrix, TestMatrices.Random(22, Matrix.RowCount, Matrix.ColumnCount, 0.02), 10,
            new EvaluationOptions { MaxDegreeOfParallelism = 4 }, progress, cancellationToken),
    };

    /// <summary>A comparable text of a batch result (every item and the exact bits of every score).</summary>
    private static string Describe(object result) => result switch
    {
        ScoredItem[][] rows => string.Join(
            '\n', rows.Select(row => string.Join(' ', row.Select(r => $"{r.Item}:{BitConverter.SingleToInt32Bits(r.Score):x8}")))),
        _ => result.ToString()!,
    };

    /// <summary>
    /// Runs a fit, whose parallel jobs run on a team of its own threads (<see cref="MovieRecs.Internal.WorkerTeam"/>),
    /// and checks that it leaves nothing behind: every team it created (one, on a machine of two cores or more, unless
    /// cancelled before its iterations) has no helper thread left when it returns, and it started no tasks that are
    /// still running.
    /// </summary>
    private static (AlsModel? Model, Exception? Error) RunFit(Func<AlsModel> fit)
    {
        var teams = new List<MovieRecs.Internal.WorkerTeam>();
        using var monitor = new TaskTreeMonitor();
        MovieRecs.Internal.WorkerTeam.Observed.Value = teams;
        try
        {
            var (model, error, _, unfinished) = monitor.Run(fit);
            Assert.Equal(0, unfinished);
            Assert.InRange(teams.Count, model is not null && Environment.ProcessorCount > 1 ? 1 : 0, 1);
            Assert.All(teams, team => Assert.Equal(0, team.RunningHelpers));
            return (model, error);
        }
        finally
        {
            MovieRecs.Internal.WorkerTeam.Observed.Value = null;
        }
    }

    private static void AssertNothingLeft(int tasksStarted, int unfinishedAtReturn, bool workersExpected = true)
    {
        // The call ran parallel workers as tasks (unless cancelled before it got to them), and every one of them had
        // finished when it returned.
        Assert.InRange(tasksStarted, workersExpected ? 1 : 0, int.MaxValue);
        Assert.Equal(0, unfinishedAtReturn);
    }

    /// <summary>A digest of the exact bits of every factor.</summary>
    private static string Snapshot(AlsModel model)
    {
        var factors = new float[(model.UserCount + model.ItemCount) * model.Factors];
        model.CopyUserFactors(factors);
        model.CopyItemFactors(factors.AsSpan(model.UserCount * model.Factors));
        return Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(factors.AsSpan())));
    }
}
