using MovieRecs.Als;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Persistence;

/// <summary>Seeded models for the model-file tests.</summary>
internal static class AlsModelFileTestModels
{
    public static AlsOptions RandomOptions(Random random, int factors) => new()
    {
        Factors = factors,
        Regularization = random.Next(3) == 0 ? 0 : random.NextDouble() * 2,
        Alpha = 0.5 + (random.NextDouble() * 40),
        Iterations = random.Next(0, 30),
        Solver = random.Next(2) == 0 ? AlsSolver.ConjugateGradient : AlsSolver.Cholesky,
        CgSteps = random.Next(1, 8),
        Seed = random.Next(int.MinValue, int.MaxValue),
        MaxDegreeOfParallelism = random.Next(3) == 0 ? -1 : random.Next(1, 64),
        ComputeLoss = random.Next(2) == 0,
    };

    /// <summary>A model with factors uniform in [-1, 1), built through <see cref="AlsModel.FromFactors(AlsOptions, ReadOnlySpan{float}, ReadOnlySpan{float}, double?)"/>.</summary>
    public static AlsModel Random(Random random, int users, int items, AlsOptions options, double? trainingLoss = null)
    {
        var userFactors = Floats(random, users * options.Factors);
        var itemFactors = Floats(random, items * options.Factors);
        return AlsModel.FromFactors(options, userFactors, itemFactors, trainingLoss);
    }

    public static AlsModel Random(int seed, int users, int items, int factors, double? trainingLoss = null)
    {
        var random = new Random(seed);
        return Random(random, users, items, RandomOptions(random, factors), trainingLoss);
    }

    public static float[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>A small model fitted by the trainer (so that serving answers are meaningful) and its matrix.</summary>
    public static (AlsModel Model, CsrMatrix UserItems) Trained(int seed, int users = 30, int items = 25, int factors = 6)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var u = 0; u < users; u++)
        {
            for (var i = 0; i < items; i++)
            {
                if (random.NextDouble() < 0.2)
                {
                    rows.Add(u);
                    columns.Add(i);
                    values.Add(random.Next(1, 6));
                }
            }
        }

        var matrix = CsrMatrix.FromTriplets(users, items, rows.ToArray(), columns.ToArray(), values.ToArray());
        var options = new AlsOptions { Factors = factors, Iterations = 3, Seed = seed, Regularization = 0.1, Alpha = 2, ComputeLoss = true };
        return (new AlsTrainer(options).Fit(matrix), matrix);
    }

    /// <summary>Asserts the factors are equal bit for bit (so -0 differs from 0, and no rounding hides).</summary>
    public static void AssertSameFactors(AlsModel expected, AlsModel actual)
    {
        Assert.True(SameFactors(expected, actual), "the factors differ");
    }

    public static bool SameFactors(AlsModel expected, AlsModel actual)
    {
        if (expected.UserCount != actual.UserCount || expected.ItemCount != actual.ItemCount || expected.Factors != actual.Factors)
        {
            return false;
        }

        for (var u = 0; u < expected.UserCount; u++)
        {
            if (!Bits(expected.GetUserFactors(u)).SequenceEqual(Bits(actual.GetUserFactors(u))))
            {
                return false;
            }
        }

        for (var i = 0; i < expected.ItemCount; i++)
        {
            if (!Bits(expected.GetItemFactors(i)).SequenceEqual(Bits(actual.GetItemFactors(i))))
            {
                return false;
            }
        }

        return true;
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
