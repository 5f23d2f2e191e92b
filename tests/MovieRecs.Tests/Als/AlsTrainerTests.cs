using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Als;

public class AlsTrainerTests
{
    /// <summary>Seeded fixtures for the facts; the properties draw shrinkable <see cref="TrainingCase"/>s.</summary>
    private static CsrMatrix RandomMatrix(int seed, int users = 25, int items = 18, double density = 0.25, bool negatives = false) =>
        TestMatrices.Random(seed, users, items, density, negatives);

    private static double[][] Rows(Func<int, ReadOnlySpan<float>> get, int count) =>
        Enumerable.Range(0, count).Select(r => get(r).ToArray().Select(v => (double)v).ToArray()).ToArray();

    private static double[][] InitialItemFactors(int users, int items, int factors, int seed)
    {
        var stride = factors;
        var storage = new float[items * stride];
        FactorInitializer.Fill(new float[users * stride], users, storage, items, factors, stride, seed);
        return Enumerable.Range(0, items).Select(i => storage.AsSpan(i * stride, factors).ToArray().Select(v => (double)v).ToArray()).ToArray();
    }

    private static bool Close(double[][] expected, double[][] actual, double tolerance)
    {
        for (var r = 0; r < expected.Length; r++)
        {
            for (var f = 0; f < expected[r].Length; f++)
            {
                if (Math.Abs(expected[r][f] - actual[r][f]) > tolerance * (1 + Math.Abs(expected[r][f])))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Theory]
    [InlineData(32)]
    [InlineData(100)]
    public void Fit_ConfidencesThatOverflowTheSystem_ThrowsNamingTheRowAndTheOptions(int factors)
    {
        // A confidence of 5e30 makes r·r overflow float in the first CG step, so the factors become NaN: the fit must
        // stop with the side, the row and the options to change, at every row width (100 factors are seven 512-bit
        // vectors, the unrolled kernels).
        var matrix = RandomMatrix(seed: 7, users: 12, items: 9, density: 0.5);
        var trainer = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 2, Alpha = 1e30, Seed = 3 });
        var error = Assert.Throws<ArithmeticException>(() => trainer.Fit(matrix));
        Assert.Contains("ALS diverged in iteration 1: the factors of user ", error.Message, StringComparison.Ordinal);
        Assert.Contains("are not finite", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alpha (now 1E+30)", error.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(AlsArbitraries.SmallWithNegatives) })]
    public bool Cholesky_OneIteration_MatchesNaiveReference(TrainingCase c)
    {
        var matrix = c.Matrix;
        const int factors = 5;
        var options = new AlsOptions { Factors = factors, Iterations = 1, Solver = AlsSolver.Cholesky, Regularization = 0.1, Alpha = 2.0, Seed = c.Seed };
        var model = new AlsTrainer(options).Fit(matrix);
        var users = NaiveImplicitAls.HalfStep(matrix, InitialItemFactors(matrix.RowCount, matrix.ColumnCount, factors, c.Seed), factors, 0.1, 2.0);
        var items = NaiveImplicitAls.HalfStep(matrix.Transpose(), users, factors, 0.1, 2.0);
        return Close(users, Rows(model.GetUserFactors, model.UserCount), 2e-3)
            && Close(items, Rows(model.GetItemFactors, model.ItemCount), 2e-3);
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(AlsArbitraries.Small) })]
    public Property ConjugateGradient_WithFactorsSteps_ConvergesToCholesky(TrainingCase c)
    {
        // One iteration from the same initial factors. The user half-step solves the same well-conditioned systems
        // (item factors near 0.01): CG with CgSteps = Factors is exact in exact arithmetic and lands within float
        // rounding of Cholesky. The item systems (built from the solved users) are worse conditioned, and float32 CG
        // loses conjugacy there, so the item side is checked after 3 x Factors steps.
        var matrix = c.Matrix;
        AlsModel Fit(AlsSolver solver, int steps) =>
            new AlsTrainer(new AlsOptions { Factors = 6, Iterations = 1, Solver = solver, CgSteps = steps, Seed = c.Seed, Regularization = 0.1 }).Fit(matrix);
        var exact = Fit(AlsSolver.Cholesky, 1);
        var cgK = Fit(AlsSolver.ConjugateGradient, 6);
        var cg3K = Fit(AlsSolver.ConjugateGradient, 18);
        var users = MaxRelativeDifference(Rows(exact.GetUserFactors, exact.UserCount), Rows(cgK.GetUserFactors, cgK.UserCount));
        var items = MaxRelativeDifference(Rows(exact.GetItemFactors, exact.ItemCount), Rows(cg3K.GetItemFactors, cg3K.ItemCount));
        return (users < 1e-4 && items < 1e-2).Label($"users {users}, items {items}");
    }

    private static double MaxRelativeDifference(double[][] expected, double[][] actual)
    {
        var scale = expected.SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max();
        var worst = 0.0;
        for (var r = 0; r < expected.Length; r++)
        {
            for (var f = 0; f < expected[r].Length; f++)
            {
                worst = Math.Max(worst, Math.Abs(expected[r][f] - actual[r][f]) / (1e-6 + scale));
            }
        }

        return worst;
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(AlsArbitraries.SmallWithNegatives) })]
    public bool Cholesky_LossNeverIncreases(TrainingCase c)
    {
        var matrix = c.Matrix;
        var losses = new List<double>();
        var progress = new SynchronousProgress(p => losses.Add(p.Loss!.Value));
        new AlsTrainer(new AlsOptions { Factors = 4, Iterations = 6, Solver = AlsSolver.Cholesky, ComputeLoss = true, Seed = c.Seed, Regularization = 0.05 })
            .Fit(matrix, progress);
        return losses.Count == 6 && losses.Zip(losses.Skip(1)).All(p => p.Second <= p.First + (1e-5 * Math.Abs(p.First)));
    }

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(AlsArbitraries.Small) })]
    public bool Cholesky_RecalculateUser_EqualsTheUserHalfStep(TrainingCase c)
    {
        var matrix = c.Matrix;
        var options = new AlsOptions { Factors = 5, Iterations = 3, Solver = AlsSolver.Cholesky, Seed = c.Seed, Regularization = 0.1 };
        var model = new AlsTrainer(options).Fit(matrix);
        // One more iteration warm-started from the model: its user half-step solves against the model's item factors.
        var next = new AlsTrainer(options with { Iterations = 1 }).Fit(matrix, model);
        for (var u = 0; u < matrix.RowCount; u++)
        {
            var recalculated = model.RecalculateUser(matrix.GetColumnIndices(u), matrix.GetValues(u));
            var halfStep = next.GetUserFactors(u);
            for (var f = 0; f < options.Factors; f++)
            {
                if (Math.Abs(recalculated[f] - halfStep[f]) > 1e-4f * (1 + Math.Abs(halfStep[f])))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(AlsArbitraries.Large) })]
    public bool Fit_OneAndTwoThreads_BitIdentical_AndSeedDecides(TrainingCase c)
    {
        var matrix = c.Matrix;
        var options = new AlsOptions { Factors = 8, Iterations = 3, Seed = c.Seed };
        var one = new AlsTrainer(options with { MaxDegreeOfParallelism = 1 }).Fit(matrix);
        var two = new AlsTrainer(options with { MaxDegreeOfParallelism = 2 }).Fit(matrix);
        var again = new AlsTrainer(options).Fit(matrix);
        var other = new AlsTrainer(options with { Seed = c.Seed + 1 }).Fit(matrix);
        bool Same(AlsModel a, AlsModel b) =>
            Enumerable.Range(0, a.UserCount).All(u => a.GetUserFactors(u).SequenceEqual(b.GetUserFactors(u)))
            && Enumerable.Range(0, a.ItemCount).All(i => a.GetItemFactors(i).SequenceEqual(b.GetItemFactors(i)));
        // Without a rating every factor solves to zero, whatever the seed.
        return Same(one, two) && Same(one, again) && (matrix.NonZeroCount == 0 || !Same(one, other));
    }

    private static bool SameFactors(AlsModel a, AlsModel b) =>
        Enumerable.Range(0, a.UserCount).All(u => a.GetUserFactors(u).SequenceEqual(b.GetUserFactors(u)))
        && Enumerable.Range(0, a.ItemCount).All(i => a.GetItemFactors(i).SequenceEqual(b.GetItemFactors(i)));

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(AlsArbitraries.Medium) })]
    public bool Fit_Alpha_EqualsPrescaledValuesWithAlphaOne(TrainingCase c)
    {
        // c = alpha · r in float either way: the scaled copy and the shared arrays give the same confidences.
        var matrix = c.Matrix;
        var options = new AlsOptions { Factors = 5, Iterations = 2, Seed = c.Seed };
        var scaled = new AlsTrainer(options with { Alpha = 2.5 }).Fit(matrix);
        var prescaled = new AlsTrainer(options with { Alpha = 1.0 }).Fit(matrix.Scale(2.5f));
        return SameFactors(scaled, prescaled);
    }

    [Fact]
    public void Fit_LeavesTheMatrixUnchanged()
    {
        var matrix = RandomMatrix(7);
        var copy = CsrMatrix.FromArrays(
            matrix.RowCount,
            matrix.ColumnCount,
            matrix.RowPointers,
            Enumerable.Range(0, matrix.RowCount).SelectMany(r => matrix.GetColumnIndices(r).ToArray()).ToArray(),
            Enumerable.Range(0, matrix.RowCount).SelectMany(r => matrix.GetValues(r).ToArray()).ToArray());
        new AlsTrainer(new AlsOptions { Factors = 4, Iterations = 2 }).Fit(matrix);
        new AlsTrainer(new AlsOptions { Factors = 4, Iterations = 2, Alpha = 7 }).Fit(matrix);
        Assert.True(copy.ContentEquals(matrix));
    }

    [Fact]
    public void Fit_AfterAFitOfAnotherMatrixWithTheSameNonZeroCount_GivesTheSameFactors()
    {
        // A fit's transposed confidences are rented, and a fit of the same non-zero count gets back the arrays the last
        // one returned, holding that fit's entries: the transpose must overwrite all of them.
        var first = RandomMatrix(11, users: 40, items: 30, density: 0.3);
        var other = CsrMatrix.FromArrays(
            first.RowCount,
            first.ColumnCount,
            first.RowPointers,
            Enumerable.Range(0, first.RowCount).SelectMany(r => first.GetColumnIndices(r).ToArray().Select(c => (c + 7) % first.ColumnCount).Order()).ToArray(),
            Enumerable.Range(0, first.RowCount).SelectMany(r => first.GetValues(r).ToArray().Select(v => v * 3f)).ToArray());
        Assert.Equal(first.NonZeroCount, other.NonZeroCount);
        var trainer = new AlsTrainer(new AlsOptions { Factors = 6, Iterations = 3, MaxDegreeOfParallelism = 1 });
        var before = trainer.Fit(first);
        _ = trainer.Fit(other);
        var after = trainer.Fit(first);
        Assert.True(SameFactors(before, after));
    }

    [Fact]
    public void Fit_ModelKeepsTheTrainersFactorStorage_WithoutACopy()
    {
        // One rating per user over many users and items: the factors are nearly all the memory a fit needs, so a copy of
        // them when the model is made (the peak of large fits) would double what is allocated.
        const int users = 20_000, items = 6_000, factors = 64;
        var rows = Enumerable.Range(0, users).ToArray();
        var columns = rows.Select(u => u % items).ToArray();
        var matrix = CsrMatrix.FromTriplets(users, items, rows, columns, Enumerable.Repeat(3f, users).ToArray());
        var trainer = new AlsTrainer(new AlsOptions { Factors = factors, Iterations = 1 });
        trainer.Fit(CsrMatrix.FromTriplets(2, 2, [0], [1], [1f])); // warm up: JIT and per-thread scratch

        // This thread's allocations only (the factors and the model are made here), so tests running alongside do not count.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var model = trainer.Fit(matrix);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var factorBytes = (long)(users + items) * factors * sizeof(float);
        Assert.Equal(users, model.UserCount);
        Assert.True(allocated < factorBytes * 3 / 2, $"a fit with {factorBytes:N0} bytes of factors allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Fit_NonFiniteConfidence_ThrowsNamingTheEntry()
    {
        var matrix = CsrMatrix.FromTriplets(2, 3, [0, 1], [2, 1], [1f, 3e38f]);
        var error = Assert.Throws<ArgumentException>(() => new AlsTrainer(new AlsOptions { Factors = 2, Iterations = 1, Alpha = 2 }).Fit(matrix));
        Assert.Equal("userItems", error.ParamName);
        Assert.Contains("userItems[1, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_EmptyRow_GetsZeroFactors()
    {
        var matrix = CsrMatrix.FromTriplets(3, 3, [0, 2], [1, 2], [4f, 5f]);
        var model = new AlsTrainer(new AlsOptions { Factors = 3, Iterations = 2 }).Fit(matrix);
        Assert.All(model.GetUserFactors(1).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(model.GetItemFactors(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("Factors", 0)]
    [InlineData("Factors", -3)]
    [InlineData("Iterations", -1)]
    [InlineData("CgSteps", 0)]
    public void Options_OutOfRange_NameTheParameter(string name, int value)
    {
        var options = name switch
        {
            "Factors" => new AlsOptions { Factors = value },
            "Iterations" => new AlsOptions { Iterations = value },
            _ => new AlsOptions { CgSteps = value },
        };
        var ex = Assert.ThrowsAny<ArgumentException>(() => new AlsTrainer(options));
        Assert.Equal(name, ex.ParamName);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NegativeRegularizationOrBadAlpha_Throw()
    {
        Assert.Equal("Regularization", Assert.ThrowsAny<ArgumentException>(() => new AlsTrainer(new AlsOptions { Regularization = -0.1 })).ParamName);
        Assert.Equal("Alpha", Assert.ThrowsAny<ArgumentException>(() => new AlsTrainer(new AlsOptions { Alpha = double.NaN })).ParamName);
    }

    [Fact]
    public void Options_RegularizationBeyondFloat_ThrowsAsAlphaDoes()
    {
        // The trainer works in float: 1e300 would become infinity and the fit would diverge after a whole iteration.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AlsTrainer(new AlsOptions { Regularization = 1e300 }));
        Assert.Equal("Regularization", error.ParamName);
        Assert.Contains("1E+300", error.Message, StringComparison.Ordinal);
        new AlsOptions { Regularization = float.MaxValue }.Validate();
    }

    [Fact]
    public void PartialFit_IdTooLargeForTheFactorArray_ThrowsNamingTheId()
    {
        var matrix = RandomMatrix(1);
        var model = new AlsTrainer(new AlsOptions { Factors = 2, Iterations = 1 }).Fit(matrix);
        var row = CsrMatrix.FromTriplets(1, matrix.ColumnCount, [0], [1], [1f]);
        foreach (var id in new[] { int.MaxValue, Array.MaxLength / 2 })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.PartialFitUsers([id], row));
            Assert.Equal("userIds", error.ParamName);
            Assert.Equal(id, error.ActualValue);
        }

        var items = CsrMatrix.FromTriplets(1, matrix.RowCount, [0], [1], [1f]);
        Assert.Equal("itemIds", Assert.Throws<ArgumentOutOfRangeException>(() => model.PartialFitItems([int.MaxValue], items)).ParamName);
        Assert.Equal(model.UserCount + 3, model.PartialFitUsers([model.UserCount + 2], row).UserCount);
    }

    [Fact]
    public void Fit_BadMatrixOrWarmStart_Throws()
    {
        var trainer = new AlsTrainer(new AlsOptions { Factors = 2, Iterations = 1 });
        Assert.Equal("userItems", Assert.Throws<ArgumentException>(() => trainer.Fit(CsrMatrix.FromTriplets(0, 3, [], [], []))).ParamName);
        Assert.Equal("userItems", Assert.Throws<ArgumentException>(() => trainer.Fit(CsrMatrix.FromTriplets(3, 0, [], [], []))).ParamName);
        var matrix = RandomMatrix(1);
        var model = trainer.Fit(matrix);
        var wider = RandomMatrix(1, items: 19);
        Assert.Equal("initialModel", Assert.Throws<ArgumentException>(() => trainer.Fit(wider, model)).ParamName);
        var otherFactors = new AlsTrainer(new AlsOptions { Factors = 3, Iterations = 1 });
        Assert.Equal("initialModel", Assert.Throws<ArgumentException>(() => otherFactors.Fit(matrix, model)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RecalculateUser([matrix.ColumnCount], [1f]));
        Assert.Throws<ArgumentException>(() => model.RecalculateUser([1, 1], [1f, 1f]));
    }

    [Fact]
    public void Fit_Cancelled_ThrowsAndReturnsNothing()
    {
        var matrix = RandomMatrix(2);
        var trainer = new AlsTrainer(new AlsOptions { Factors = 4, Iterations = 50 });
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(matrix, cancellationToken: cancelled.Token));

        using var midway = new CancellationTokenSource();
        var reports = 0;
        var progress = new SynchronousProgress(p =>
        {
            reports++;
            if (p.Iteration == 3)
            {
                midway.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(matrix, progress, midway.Token));
        Assert.InRange(reports, 3, 4);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<AlsIterationProgress> report) : IProgress<AlsIterationProgress>
    {
        public void Report(AlsIterationProgress value) => report(value);
    }
}
