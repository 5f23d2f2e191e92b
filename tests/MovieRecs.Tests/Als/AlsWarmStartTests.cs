using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Als;

/// <summary>
/// Warm start continues a fit exactly: n fits of one iteration, each starting from the last model, give the same
/// factors bit for bit as one fit of n iterations. The CLI's iterations sweep relies on it.
/// </summary>
public class AlsWarmStartTests
{
    [Property(MaxTest = 12, Arbitrary = new[] { typeof(AlsArbitraries.MediumWithNegatives) })]
    public bool Fit_SingleIterationWarmStarts_BitIdenticalToFreshFit(WarmStartCase c)
    {
        var matrix = c.Training.Matrix;
        var iterations = c.Iterations;
        var options = new AlsOptions
        {
            Factors = c.Factors,
            Iterations = iterations,
            Seed = c.Training.Seed,
            Regularization = 0.05,
            Solver = c.Solver,
            ComputeLoss = c.ComputeLoss,
            MaxDegreeOfParallelism = 2,
        };
        var fresh = new AlsTrainer(options).Fit(matrix);

        var single = new AlsTrainer(options with { Iterations = 1 });
        var stepped = single.Fit(matrix);
        for (var step = 2; step <= iterations; step++)
        {
            stepped = single.Fit(matrix, stepped);
        }

        return SameBits(fresh.CopyUserFactors(), stepped.CopyUserFactors())
            && SameBits(fresh.CopyItemFactors(), stepped.CopyItemFactors())
            && Nullable.Equals(fresh.TrainingLoss, stepped.TrainingLoss);
    }

    [Fact]
    public void Fit_WarmStartOfSeveralIterations_EqualsSingleSteps()
    {
        var matrix = TestMatrices.Random(7, users: 80, items: 50, density: 0.1);
        var options = new AlsOptions { Factors = 8, Iterations = 1, Seed = 7 };
        var one = new AlsTrainer(options);
        var three = new AlsTrainer(options with { Iterations = 3 });

        var bySingles = one.Fit(matrix, one.Fit(matrix, one.Fit(matrix, one.Fit(matrix))));
        var byJump = three.Fit(matrix, one.Fit(matrix));

        Assert.True(SameBits(bySingles.CopyUserFactors(), byJump.CopyUserFactors()));
        Assert.True(SameBits(bySingles.CopyItemFactors(), byJump.CopyItemFactors()));
        // The warm start really continued: four iterations differ from one.
        Assert.False(SameBits(bySingles.CopyItemFactors(), one.Fit(matrix).CopyItemFactors()));
    }

    private static bool SameBits(float[,] expected, float[,] actual)
    {
        if (expected.GetLength(0) != actual.GetLength(0) || expected.GetLength(1) != actual.GetLength(1))
        {
            return false;
        }

        for (var r = 0; r < expected.GetLength(0); r++)
        {
            for (var f = 0; f < expected.GetLength(1); f++)
            {
                if (BitConverter.SingleToInt32Bits(expected[r, f]) != BitConverter.SingleToInt32Bits(actual[r, f]))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
