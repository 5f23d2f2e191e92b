using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;
using MovieRecs.Tests.Internal;

namespace MovieRecs.Tests.Als;

/// <summary>
/// Full small fits at every kernel width this machine accelerates (the trainer's internal fit picks the width): a
/// width repeats its own factors and loss bit for bit whatever the thread count, and lands within rounding of the
/// scalar width, also when a warm start crosses from one row stride to another.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class AlsTrainerWidthTests
{
    /// <summary>No register width divides it, so rows are padded and kernels run their tails.</summary>
    private const int Factors = 20;

    public static TheoryData<string> AcceleratedWidths => KernelWidths.Accelerated;

    public static TheoryData<string> NotAcceleratedWidths => KernelWidths.NotAccelerated;

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void Fit_ConjugateGradientAtWidth_IsRepeatableAndCloseToScalar(string width) =>
        CheckFit(KernelWidths.Parse(width), AlsSolver.ConjugateGradient);

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void Fit_CholeskyAtWidth_IsRepeatableAndCloseToScalar(string width) =>
        CheckFit(KernelWidths.Parse(width), AlsSolver.Cholesky);

    private static void CheckFit(SimdWidth width, AlsSolver solver)
    {
        var userItems = TestMatrices.Random(seed: 7, users: 60, items: 40, density: 0.15, negatives: true);
        var model = Fit(userItems, width, solver, threads: 1);
        Assert.Equal(width, model.Width);
        Assert.Equal(KernelTable.StrideFor(Factors, width), model.Stride);
        AssertSameBits(model, Fit(userItems, width, solver, threads: 2));
        if (width == SimdWidth.Scalar)
        {
            return;
        }

        // Cholesky solves exactly, so widths differ by rounding only (about 1e-5 of the largest factor here). CG runs
        // Factors steps per row, close to its exact solve, but float CG drifts with rounding, and the negative
        // confidences here make the systems badly conditioned: over seeds 0 to 11 of this matrix the user factors of
        // the 256- and 512-bit widths differ from the scalar width's by 1e-3 to 1.3e-2 of the largest factor. A wrong
        // kernel is off by the factors' own size.
        var tolerance = solver == AlsSolver.Cholesky ? 1e-3 : 2.5e-2;
        var scalar = Fit(userItems, SimdWidth.Scalar, solver, threads: 2);
        AssertClose(scalar, model, tolerance, $"{width} {solver}");

        // Two more iterations from the scalar model: its rows are copied into this width's stride.
        var continued = Fit(userItems, width, solver, threads: 2, initial: scalar, iterations: 2);
        AssertClose(Fit(userItems, SimdWidth.Scalar, solver, threads: 2, initial: scalar, iterations: 2), continued, tolerance, $"{width} {solver} warm start");
    }

    private static AlsModel Fit(CsrMatrix userItems, SimdWidth width, AlsSolver solver, int threads, AlsModel? initial = null, int iterations = 4)
    {
        var options = new AlsOptions
        {
            Factors = Factors,
            Iterations = iterations,
            Regularization = 0.1,
            Alpha = 2.0,
            Solver = solver,
            CgSteps = Factors,
            Seed = 3,
            MaxDegreeOfParallelism = threads,
            ComputeLoss = true,
        };
        return new AlsTrainer(options).Fit(userItems, initial, width, progress: null, CancellationToken.None);
    }

    private static void AssertSameBits(AlsModel expected, AlsModel actual)
    {
        Assert.Equal(expected.TrainingLoss, actual.TrainingLoss);
        Assert.Equal(Bits(expected.CopyUserFactors()), Bits(actual.CopyUserFactors()));
        Assert.Equal(Bits(expected.CopyItemFactors()), Bits(actual.CopyItemFactors()));
    }

    private static void AssertClose(AlsModel expected, AlsModel actual, double tolerance, string what)
    {
        KernelChecks.Close(expected.TrainingLoss!.Value, actual.TrainingLoss!.Value, 1e-4, 0, $"{what}: loss");
        AssertClose(expected.CopyUserFactors(), actual.CopyUserFactors(), tolerance, $"{what}: user factors");
        AssertClose(expected.CopyItemFactors(), actual.CopyItemFactors(), tolerance, $"{what}: item factors");
    }

    /// <summary>Every factor within <paramref name="tolerance"/> times the largest factor's magnitude.</summary>
    private static void AssertClose(float[,] expected, float[,] actual, double tolerance, string what)
    {
        var scale = expected.Cast<float>().Max(MathF.Abs);
        var worst = expected.Cast<float>().Zip(actual.Cast<float>(), (e, a) => Math.Abs(e - a)).Max() / scale;
        Assert.True(worst <= tolerance, $"{what}: the largest difference is {worst:E2} of the largest factor, more than {tolerance:E0}.");
    }

    private static int[] Bits(float[,] values) => [.. values.Cast<float>().Select(BitConverter.SingleToInt32Bits)];
}
