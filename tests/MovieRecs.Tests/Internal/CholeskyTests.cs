using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

[Trait("Category", "Kernels")]
public sealed class CholeskyTests
{
    public static TheoryData<string> Widths => KernelChecks.Widths;

    [Theory]
    [MemberData(nameof(Widths))]
    public void FactorAndSolve_RandomSpdSystems_MatchGaussianElimination(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var size in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 50 })
        {
            checks.CholeskySolve(size, seed: 100 + size);
        }
    }

    [Fact]
    public void Factor_IndefiniteMatrix_ReportsThePivot()
    {
        // diag(1, -1): the second pivot is not positive.
        var matrix = new float[] { 1, 0, 0, -1 };
        var pivot = Cholesky.Factor<ScalarOps, float>(ref matrix[0], 2, 2);
        Assert.Equal(1, pivot);
    }

    [Fact]
    public void Factor_NaNPivot_ReportsThePivot()
    {
        var matrix = new float[] { float.NaN, 0, 0, 1 };
        Assert.Equal(0, Cholesky.Factor<ScalarOps, float>(ref matrix[0], 2, 2));
    }
}
