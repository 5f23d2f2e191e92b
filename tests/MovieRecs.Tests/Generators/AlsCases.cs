using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Als;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A user x item matrix of whole-star ratings to train on (at most one rating per cell as drawn; some matrices with
/// negative feedback), and the trainer's seed. Shrinks to fewer entries, users and items, ratings nearer 1, seed 0.
/// </summary>
public sealed record TrainingCase(Triplets Ratings, int Seed)
{
    public CsrMatrix Matrix => Ratings.ToCsr();

    /// <summary>1 to <paramref name="maxUsers"/> x 1 to <paramref name="maxItems"/>, up to <paramref name="maxDensity"/> of the cells rated.</summary>
    public static Arbitrary<TrainingCase> Arb(int maxUsers, int maxItems, double maxDensity, bool negatives = false, int minRating = 1) =>
        FsCheck.Fluent.Arb.From(
            from withNegatives in negatives ? Gen.Elements(false, true) : Gen.Constant(false)
            from ratings in SparseGen.Matrices(1, maxUsers, 1, maxItems, maxDensity, SparseGen.Stars(withNegatives, minRating), distinctCells: true)
            from seed in Gen.Choose(0, int.MaxValue)
            select new TrainingCase(ratings, seed),
            Shrink);

    public static IEnumerable<TrainingCase> Shrink(TrainingCase c) =>
        SparseGen.Shrink(c.Ratings, 1, 1).Select(t => c with { Ratings = t })
            .Concat(Shrinkable.Toward(c.Seed, 0).Select(s => c with { Seed = s }));

    public override string ToString() => $"{Ratings}, seed {Seed}";
}

/// <summary>A training case and the options a warm-start property varies: 1 to 5 iterations, 3 to 16 factors, either solver, the loss or not.</summary>
public sealed record WarmStartCase(TrainingCase Training, int Iterations, int Factors, AlsSolver Solver, bool ComputeLoss)
{
    public static Arbitrary<WarmStartCase> Arb(int maxUsers, int maxItems, double maxDensity) =>
        FsCheck.Fluent.Arb.From(
            from training in TrainingCase.Arb(maxUsers, maxItems, maxDensity, negatives: true).Generator
            from iterations in Gen.Choose(1, 5)
            from factors in Gen.Choose(3, 16)
            from solver in Gen.Elements(AlsSolver.Cholesky, AlsSolver.ConjugateGradient)
            from loss in Gen.Elements(false, true)
            select new WarmStartCase(training, iterations, factors, solver, loss),
            Shrink);

    public static IEnumerable<WarmStartCase> Shrink(WarmStartCase c) =>
        TrainingCase.Shrink(c.Training).Select(t => c with { Training = t })
            .Concat(Shrinkable.Toward(c.Iterations, 1).Select(i => c with { Iterations = i }))
            .Concat(Shrinkable.Toward(c.Factors, 3).Select(f => c with { Factors = f }))
            .Concat(c.Solver == AlsSolver.ConjugateGradient ? [c with { Solver = AlsSolver.Cholesky }] : [])
            .Concat(c.ComputeLoss ? [c with { ComputeLoss = false }] : []);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Training}, {Iterations} iterations, {Factors} factors, {Solver}, loss {ComputeLoss}");
}

/// <summary>
/// The training cases of the trainer's properties, one class per size (a <c>[Property(Arbitrary = ...)]</c> picks
/// one): the bounds are those of the seeded matrices the properties were written for.
/// </summary>
public static class AlsArbitraries
{
    /// <summary>Up to 25 users x 18 items, a quarter of the cells rated at most, ratings 1 to 5.</summary>
    public static class Small
    {
        public static Arbitrary<TrainingCase> TrainingCase() => Generators.TrainingCase.Arb(25, 18, 0.25);
    }

    /// <summary>As <see cref="Small"/>, half of the matrices with some negative ratings.</summary>
    public static class SmallWithNegatives
    {
        public static Arbitrary<TrainingCase> TrainingCase() => Generators.TrainingCase.Arb(25, 18, 0.25, negatives: true);
    }

    /// <summary>Up to 60 users x 40 items, 15% of the cells rated at most, half of the matrices with some negative ratings.</summary>
    public static class MediumWithNegatives
    {
        public static Arbitrary<TrainingCase> TrainingCase() => Generators.TrainingCase.Arb(60, 40, 0.15, negatives: true);

        public static Arbitrary<WarmStartCase> WarmStartCase() => Generators.WarmStartCase.Arb(60, 40, 0.15);
    }

    /// <summary>Up to 50 users x 30 items, a fifth of the cells rated at most.</summary>
    public static class Medium
    {
        public static Arbitrary<TrainingCase> TrainingCase() => Generators.TrainingCase.Arb(50, 30, 0.2);
    }

    /// <summary>Up to 300 users x 120 items, 5% of the cells rated at most: enough rows for every worker.</summary>
    public static class Large
    {
        public static Arbitrary<TrainingCase> TrainingCase() => Generators.TrainingCase.Arb(300, 120, 0.05);
    }
}
