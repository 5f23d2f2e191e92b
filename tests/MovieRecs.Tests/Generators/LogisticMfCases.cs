using FsCheck;
using FsCheck.Fluent;
using MovieRecs.LogisticMf;

namespace MovieRecs.Tests.Generators;

/// <summary>A user x item matrix of ratings with logistic MF options: the input of a logistic MF fit.</summary>
/// <param name="Matrix">The user x item ratings (whole stars, cells distinct).</param>
/// <param name="Options">The options of the fit.</param>
public sealed record LogisticMfCase(Triplets Matrix, LogisticMfOptions Options)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"k = {Options.Factors}, {Options.Iterations} iterations, lr {Options.LearningRate}, reg {Options.Regularization}, neg {Options.NegativeProportion}, seed {Options.Seed}, {Matrix}";
}

/// <summary>
/// Shrinkable generators of logistic MF cases: 1..10 users x 1..9 items of whole stars, 1..6 factors, 0..4
/// iterations, a few learning rates, regularizations and negative proportions, any seed. A failure shrinks toward a
/// smaller matrix, fewer factors and iterations, and the simplest options.
/// </summary>
public static class LogisticMfCases
{
    private static readonly double[] LearningRates = [1.0, 0.5, 0.25];
    private static readonly double[] Regularizations = [0.6, 0.0, 0.1];

    /// <summary>Cases of any options.</summary>
    public static Gen<LogisticMfCase> Cases { get; } =
        from matrix in SparseGen.Matrices(1, 10, 1, 9, 0.6, SparseGen.Stars(), distinctCells: true)
        from factors in Gen.Choose(1, 6)
        from iterations in Gen.Choose(0, 4)
        from learningRate in Gen.Elements(LearningRates)
        from regularization in Gen.Elements(Regularizations)
        from negatives in Gen.Choose(0, 3)
        from seed in Gen.Choose(int.MinValue, int.MaxValue)
        select new LogisticMfCase(matrix, new LogisticMfOptions
        {
            Factors = factors,
            Iterations = iterations,
            LearningRate = learningRate,
            Regularization = regularization,
            NegativeProportion = negatives,
            Seed = seed,
        });

    /// <summary>Smaller cases: a smaller matrix (values kept positive), fewer factors and iterations, simpler options.</summary>
    public static IEnumerable<LogisticMfCase> Shrink(LogisticMfCase c)
    {
        foreach (var m in SparseGen.Shrink(c.Matrix, 1, 1).Where(m => m.Values.All(v => v > 0)))
        {
            yield return c with { Matrix = m };
        }

        var o = c.Options;
        foreach (var k in Shrinkable.Toward(o.Factors, 1))
        {
            yield return c with { Options = o with { Factors = k } };
        }

        foreach (var n in Shrinkable.Toward(o.Iterations, 0))
        {
            yield return c with { Options = o with { Iterations = n } };
        }

        foreach (var n in Shrinkable.Toward(o.NegativeProportion, 0))
        {
            yield return c with { Options = o with { NegativeProportion = n } };
        }

        foreach (var lr in Shrinkable.TowardFirst(o.LearningRate, LearningRates))
        {
            yield return c with { Options = o with { LearningRate = lr } };
        }

        foreach (var reg in Shrinkable.TowardFirst(o.Regularization, Regularizations))
        {
            yield return c with { Options = o with { Regularization = reg } };
        }

        foreach (var seed in Shrinkable.Toward(o.Seed, 0))
        {
            yield return c with { Options = o with { Seed = seed } };
        }
    }

    /// <summary>The arbitrary of <see cref="Cases"/> with <see cref="Shrink"/>.</summary>
    public static Arbitrary<LogisticMfCase> Arbitrary { get; } = Arb.From(Cases, Shrink);
}

/// <summary>FsCheck arbitraries of logistic MF cases, for <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class LogisticMfArbitraries
{
    /// <summary>The logistic MF cases.</summary>
    public static Arbitrary<LogisticMfCase> LogisticMfCase() => LogisticMfCases.Arbitrary;
}
