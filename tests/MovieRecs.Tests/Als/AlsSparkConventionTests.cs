using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Persistence;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Als;

/// <summary>
/// <see cref="AlsConvention.Spark"/>: training, fold-in, partial fits, explanations and the loss follow Spark MLlib's
/// normal equations (<see cref="NaiveSparkAls"/>, in double), and the own model format keeps the convention. In the
/// Kernels category: CI reruns it with the wider vector paths disabled, so the per-row diagonal of every kernel width
/// is checked.
/// </summary>
[Trait("Category", "Kernels")]
public class AlsSparkConventionTests
{
    private const double Lambda = 0.1;
    private const double Alpha = 2.0;

    private static AlsOptions Spark(int factors, AlsSolver solver = AlsSolver.Cholesky, int iterations = 1, int seed = 0, int cgSteps = 3) => new()
    {
        Factors = factors, Iterations = iterations, Solver = solver, Regularization = Lambda, Alpha = Alpha, Seed = seed,
        CgSteps = cgSteps, Convention = AlsConvention.Spark,
    };

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(AlsArbitraries.Small) })]
    public Property Cholesky_OneIteration_MatchesNaiveSparkReference(TrainingCase c)
    {
        var matrix = c.Matrix;
        const int factors = 5;
        var model = new AlsTrainer(Spark(factors, seed: c.Seed)).Fit(matrix);

        var users = NaiveSparkAls.HalfStep(matrix, InitialItemFactors(matrix.RowCount, matrix.ColumnCount, factors, c.Seed), factors, Lambda, Alpha);
        var items = NaiveSparkAls.HalfStep(matrix.Transpose(), users, factors, Lambda, Alpha);

        var userError = MaxRelativeError(users, Rows(model.GetUserFactors, model.UserCount));
        var itemError = MaxRelativeError(items, Rows(model.GetItemFactors, model.ItemCount));
        return (userError < 2e-3 && itemError < 2e-3).Label($"users {userError}, items {itemError}");
    }

    [Fact]
    public void Cholesky_WithNegativeValues_MatchesNaiveSparkReference()
    {
        var matrix = TestMatrices.Random(seed: 21, users: 40, items: 30, density: 0.3, negatives: true);
        const int factors = 6;
        var model = new AlsTrainer(Spark(factors, seed: 3)).Fit(matrix);

        var users = NaiveSparkAls.HalfStep(matrix, InitialItemFactors(matrix.RowCount, matrix.ColumnCount, factors, 3), factors, Lambda, Alpha);
        var items = NaiveSparkAls.HalfStep(matrix.Transpose(), users, factors, Lambda, Alpha);

        Assert.InRange(MaxRelativeError(users, Rows(model.GetUserFactors, model.UserCount)), 0, 2e-3);
        Assert.InRange(MaxRelativeError(items, Rows(model.GetItemFactors, model.ItemCount)), 0, 2e-3);
    }

    [Fact]
    public void Cholesky_SparkConvention_DiffersFromImplicitsOnTheSameData()
    {
        var matrix = TestMatrices.Random(seed: 5, users: 30, items: 20, density: 0.3);
        var spark = new AlsTrainer(Spark(4)).Fit(matrix);
        var implicitModel = new AlsTrainer(Spark(4) with { Convention = AlsConvention.Implicit }).Fit(matrix);

        var users = NaiveSparkAls.HalfStep(matrix, InitialItemFactors(matrix.RowCount, matrix.ColumnCount, 4, 0), 4, Lambda, Alpha);

        Assert.InRange(MaxRelativeError(users, Rows(spark.GetUserFactors, spark.UserCount)), 0, 2e-3);
        Assert.True(MaxRelativeError(users, Rows(implicitModel.GetUserFactors, implicitModel.UserCount)) > 0.05, "implicit's convention solves other systems");
    }

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(AlsArbitraries.Small) })]
    public Property ConjugateGradient_ManySteps_ConvergesToTheSparkReference(TrainingCase c)
    {
        // The user half-step from the initial item factors is well conditioned: CG with 3 x Factors steps lands within
        // float rounding of the exact solution of Spark's system (the per-row λ·n included).
        var matrix = c.Matrix;
        const int factors = 4;
        var options = Spark(factors, AlsSolver.ConjugateGradient, seed: c.Seed, cgSteps: 3 * factors) with { Iterations = 1 };
        var model = new AlsTrainer(options).Fit(matrix);

        var users = NaiveSparkAls.HalfStep(matrix, InitialItemFactors(matrix.RowCount, matrix.ColumnCount, factors, c.Seed), factors, Lambda, Alpha);

        var error = MaxRelativeError(users, Rows(model.GetUserFactors, model.UserCount));
        return (error < 1e-3).Label($"users {error}");
    }

    [Fact]
    public void RecalculateUser_Spark_MatchesNaiveSparkSolve()
    {
        var model = new AlsTrainer(Spark(8, iterations: 3)).Fit(TestMatrices.Random(seed: 2, users: 40, items: 35, density: 0.3));
        int[] items = [3, 9, 14, 20, 31];
        float[] values = [5, 1, -2, 3, 4];

        var folded = model.RecalculateUser(items, values);

        var expected = NaiveSparkAls.SolveRow(items, values, Rows(model.GetItemFactors, model.ItemCount), 8, Lambda, Alpha);
        Assert.InRange(MaxRelativeError([expected], [folded.Select(v => (double)v).ToArray()]), 0, 1e-3);
    }

    [Fact]
    public void PartialFitUsers_Spark_EqualsRecalculateUser()
    {
        var model = new AlsTrainer(Spark(6, iterations: 2)).Fit(TestMatrices.Random(seed: 4, users: 30, items: 25, density: 0.3));
        int[] items = [1, 4, 7, 22];
        float[] values = [2, 5, 1, -1];
        var row = CsrMatrix.FromTriplets(1, model.ItemCount, [0, 0, 0, 0], items, values);

        var partial = model.PartialFitUsers([model.UserCount], row);

        Assert.Equal(model.RecalculateUser(items, values), partial.GetUserFactors(model.UserCount).ToArray());
    }

    [Fact]
    public void Explain_Spark_ContributionsSumToTheFoldedInUsersScore()
    {
        var model = new AlsTrainer(Spark(6, iterations: 3)).Fit(TestMatrices.Random(seed: 6, users: 30, items: 25, density: 0.3));
        int[] liked = [0, 5, 11, 17];
        float[] values = [3, 1, 4, 2];
        var user = model.RecalculateUser(liked, values);

        var explanation = model.Explain(liked, values, item: 9, count: liked.Length);

        var score = System.Numerics.Tensors.TensorPrimitives.Dot<float>(user, model.GetItemFactors(9));
        Assert.Equal(score, explanation.Score, 1e-4f * Math.Max(1, Math.Abs(score)));
        Assert.Equal(explanation.Score, explanation.Contributions.Sum(s => s.Score), 1e-4f * Math.Max(1, Math.Abs(score)));
    }

    [Fact]
    public void ComputeLoss_Spark_MatchesTheLossDefinition()
    {
        // Positive values only: for negative ones the loss keeps implicit's quirk of counting |c| as a constant.
        var matrix = TestMatrices.Random(seed: 8, users: 20, items: 15, density: 0.3);
        var model = new AlsTrainer(Spark(4, iterations: 2) with { ComputeLoss = true }).Fit(matrix);

        var expected = NaiveSparkAls.Loss(matrix, Rows(model.GetUserFactors, model.UserCount), Rows(model.GetItemFactors, model.ItemCount), Lambda, Alpha);

        Assert.Equal(expected, model.TrainingLoss!.Value, expected * 1e-4);
    }

    [Fact]
    public void AlsModelFile_SaveLoad_KeepsTheConvention()
    {
        var spark = new AlsTrainer(Spark(3)).Fit(TestMatrices.Random(seed: 1, users: 10, items: 8, density: 0.4));
        var implicitModel = new AlsTrainer(Spark(3) with { Convention = AlsConvention.Implicit }).Fit(TestMatrices.Random(seed: 1, users: 10, items: 8, density: 0.4));
        using var sparkFile = new MemoryStream();
        using var implicitFile = new MemoryStream();

        AlsModelFile.Save(spark, sparkFile);
        AlsModelFile.Save(implicitModel, implicitFile);

        Assert.Equal(AlsConvention.Spark, AlsModelFile.Load(new MemoryStream(sparkFile.ToArray())).Model.Options.Convention);
        Assert.Equal(AlsConvention.Implicit, AlsModelFile.Load(new MemoryStream(implicitFile.ToArray())).Model.Options.Convention);

        // Only the Spark flag (8) tells them apart in the header's flags; implicit's files keep the bits they had.
        Assert.Equal(8u, BitConverter.ToUInt32(sparkFile.ToArray(), 12) & 8u);
        Assert.Equal(0u, BitConverter.ToUInt32(implicitFile.ToArray(), 12) & 8u);
    }

    [Fact]
    public void Validate_UndefinedConvention_Throws()
    {
        var options = new AlsOptions { Convention = (AlsConvention)7 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(nameof(AlsOptions.Convention), error.ParamName);
    }

    private static double[][] Rows(Func<int, ReadOnlySpan<float>> get, int count) =>
        Enumerable.Range(0, count).Select(r => get(r).ToArray().Select(v => (double)v).ToArray()).ToArray();

    private static double[][] InitialItemFactors(int users, int items, int factors, int seed)
    {
        var storage = new float[items * factors];
        FactorInitializer.Fill(new float[users * factors], users, storage, items, factors, factors, seed);
        return Enumerable.Range(0, items).Select(i => storage.AsSpan(i * factors, factors).ToArray().Select(v => (double)v).ToArray()).ToArray();
    }

    /// <summary>The largest difference relative to the largest magnitude of the reference.</summary>
    private static double MaxRelativeError(double[][] expected, double[][] actual)
    {
        var scale = Math.Max(1e-12, expected.SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max());
        var worst = 0.0;
        for (var r = 0; r < expected.Length; r++)
        {
            for (var f = 0; f < expected[r].Length; f++)
            {
                worst = Math.Max(worst, Math.Abs(expected[r][f] - actual[r][f]) / scale);
            }
        }

        return worst;
    }
}
