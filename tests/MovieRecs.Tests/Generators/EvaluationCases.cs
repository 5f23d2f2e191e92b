using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A user x item matrix of positive half stars to split (0 to 40 users, 1 to 25 items, up to 60% of the cells), with
/// the split's test fraction (in thousandths), seed and leave-K-out count.
/// </summary>
public sealed record SplitCase(Triplets Interactions, int TestPermille, int Seed, int K)
{
    public CsrMatrix Matrix => Interactions.ToCsr();

    public double TestFraction => TestPermille / 1000.0;

    public static Gen<SplitCase> Gen { get; } =
        from interactions in SparseGen.Matrices(0, 40, 1, 25, 0.6, SparseGen.HalfStars)
        from permille in FsCheck.Fluent.Gen.Choose(0, 1000)
        from seed in FsCheck.Fluent.Gen.Choose(0, int.MaxValue)
        from k in FsCheck.Fluent.Gen.Choose(1, 4)
        select new SplitCase(interactions, permille, seed, k);

    public static Arbitrary<SplitCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<SplitCase> Shrink(SplitCase c) =>
        SparseGen.Shrink(c.Interactions, 0, 1).Select(t => c with { Interactions = t })
            .Concat(Shrinkable.Toward(c.TestPermille, 0).Select(p => c with { TestPermille = p }))
            .Concat(Shrinkable.Toward(c.Seed, 0).Select(s => c with { Seed = s }))
            .Concat(Shrinkable.Toward(c.K, 1).Select(k => c with { K = k }));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Interactions}, test fraction {TestFraction}, seed {Seed}, k {K}");
}

/// <summary>
/// A split to evaluate: a matrix of positive half stars (1 to 160 users, so that some cases span several of the
/// evaluator's blocks of 64 users; 2 to 30 items; 5% to 55% of the cells), the split's test fraction (10% to 90%)
/// and seed, the K of the metrics (1 to 11), and a seed for a shuffling model.
/// </summary>
public sealed record RankingCase(Triplets Interactions, int TestPercent, int SplitSeed, int K, int ModelSeed)
{
    public CsrMatrix Matrix => Interactions.ToCsr();

    public double TestFraction => TestPercent / 100.0;

    public static Gen<RankingCase> Gen { get; } =
        from interactions in SparseGen.Matrices(1, 160, 2, 30, 0.55, SparseGen.HalfStars)
        from percent in FsCheck.Fluent.Gen.Choose(10, 90)
        from splitSeed in FsCheck.Fluent.Gen.Choose(0, int.MaxValue)
        from k in FsCheck.Fluent.Gen.Choose(1, 11)
        from modelSeed in FsCheck.Fluent.Gen.Choose(0, int.MaxValue)
        select new RankingCase(interactions, percent, splitSeed, k, modelSeed);

    public static Arbitrary<RankingCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<RankingCase> Shrink(RankingCase c) =>
        SparseGen.Shrink(c.Interactions, 1, 2).Select(t => c with { Interactions = t })
            .Concat(Shrinkable.Toward(c.TestPercent, 10).Select(p => c with { TestPercent = p }))
            .Concat(Shrinkable.Toward(c.SplitSeed, 0).Select(s => c with { SplitSeed = s }))
            .Concat(Shrinkable.Toward(c.K, 1).Select(k => c with { K = k }))
            .Concat(Shrinkable.Toward(c.ModelSeed, 0).Select(s => c with { ModelSeed = s }));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Interactions}, test fraction {TestFraction}, split seed {SplitSeed}, k {K}, model seed {ModelSeed}");
}

/// <summary>
/// A training matrix of positive half stars (0 to 15 users, 1 to 20 items), a user to recommend to and four items
/// to exclude; the user and the items are taken modulo the matrix's shape, so they stay valid as it shrinks.
/// </summary>
public sealed record PopularityCase(Triplets Train, int User, int[] Exclude)
{
    public int UserIndex => Train.RowCount == 0 ? 0 : User % Train.RowCount;

    public int[] ExcludedItems => [.. Exclude.Select(i => i % Train.ColumnCount)];

    public static Gen<PopularityCase> Gen { get; } =
        from train in SparseGen.Matrices(0, 15, 1, 20, 0.6, SparseGen.HalfStars)
        from user in FsCheck.Fluent.Gen.Choose(0, 14)
        from exclude in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, 19), 4)
        select new PopularityCase(train, user, exclude);

    public static Arbitrary<PopularityCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<PopularityCase> Shrink(PopularityCase c) =>
        SparseGen.Shrink(c.Train, 0, 1).Select(t => c with { Train = t })
            .Concat(Shrinkable.Toward(c.User, 0).Select(u => c with { User = u }))
            .Concat(Shrinkable.ShrinkArray(c.Exclude, i => Shrinkable.Toward(i, 0)).Select(e => c with { Exclude = e }));

    public override string ToString() => $"{Train}, user {UserIndex}, excluded [{string.Join(", ", ExcludedItems)}]";
}

/// <summary>The arbitraries a <c>[Property(Arbitrary = [typeof(EvaluationArbitraries)])]</c> draws its parameters from.</summary>
public static class EvaluationArbitraries
{
    public static Arbitrary<SplitCase> SplitCase() => Generators.SplitCase.Arb;

    public static Arbitrary<RankingCase> RankingCase() => Generators.RankingCase.Arb;

    public static Arbitrary<PopularityCase> PopularityCase() => Generators.PopularityCase.Arb;
}
