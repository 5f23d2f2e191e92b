using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Bpr;

namespace MovieRecs.Tests.Generators;

/// <summary>A user x item matrix with BPR options for a one-thread fit: the input of a BPR fit.</summary>
/// <param name="Matrix">The user x item matrix (cells distinct; values are ignored by BPR).</param>
/// <param name="Factors">The latent factors (the bias column comes on top).</param>
/// <param name="Iterations">The epochs.</param>
/// <param name="VerifyNegativeSamples">Whether negatives the user has are skipped.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Blocks">The user blocks and item strata of the fit (at most the user and item counts, see
/// <see cref="EffectiveBlocks"/>).</param>
public sealed record BprCase(Triplets Matrix, int Factors, int Iterations, bool VerifyNegativeSamples, int Seed, int Blocks = 1)
{
    /// <summary>The blocks a fit uses: <see cref="Blocks"/>, at most the user and item counts.</summary>
    public int EffectiveBlocks => Math.Min(Blocks, Math.Min(Matrix.RowCount, Matrix.ColumnCount));

    /// <summary>The options of the case: one thread, a learning rate of 0.05 so that steps visibly move the factors.</summary>
    public BprOptions Options => new()
    {
        Factors = Factors,
        Iterations = Iterations,
        VerifyNegativeSamples = VerifyNegativeSamples,
        Seed = Seed,
        LearningRate = 0.05,
        Regularization = 0.01,
        MaxDegreeOfParallelism = 1,
    };

    /// <inheritdoc/>
    public override string ToString() =>
        $"factors {Factors}, iterations {Iterations}, verify {VerifyNegativeSamples}, seed {Seed}, blocks {Blocks}, {Matrix}";
}

/// <summary>
/// Shrinkable generators of BPR cases: 1..8 users x 1..9 items, 1..20 factors (so every vector width meets its
/// tails), 1..4 epochs, with and without negative checks, 1..4 blocks. A failure shrinks toward fewer users, items,
/// factors, epochs and blocks, and seed 0.
/// </summary>
public static class BprCases
{
    /// <summary>Cases of any size and option.</summary>
    public static Gen<BprCase> Cases { get; } =
        from matrix in SparseGen.Matrices(1, 8, 1, 9, 0.7, Gen.Constant(1f), distinctCells: true)
        from factors in Gen.Choose(1, 20)
        from iterations in Gen.Choose(1, 4)
        from verify in Gen.Elements(true, false)
        from seed in Gen.Choose(0, 1000)
        from blocks in Gen.Choose(1, 4)
        select new BprCase(matrix, factors, iterations, verify, seed, blocks);

    /// <summary>Smaller cases: a smaller matrix, fewer factors and epochs, seed 0, checks on.</summary>
    public static IEnumerable<BprCase> Shrink(BprCase c)
    {
        foreach (var m in SparseGen.Shrink(c.Matrix, 1, 1))
        {
            yield return c with { Matrix = m };
        }

        foreach (var f in Shrinkable.Toward(c.Factors, 1))
        {
            yield return c with { Factors = f };
        }

        foreach (var i in Shrinkable.Toward(c.Iterations, 1))
        {
            yield return c with { Iterations = i };
        }

        foreach (var b in Shrinkable.Toward(c.Blocks, 1))
        {
            yield return c with { Blocks = b };
        }

        if (c.Seed != 0)
        {
            yield return c with { Seed = 0 };
        }

        if (!c.VerifyNegativeSamples)
        {
            yield return c with { VerifyNegativeSamples = true };
        }
    }

    /// <summary>The arbitrary of <see cref="Cases"/> with <see cref="Shrink"/>.</summary>
    public static Arbitrary<BprCase> Arbitrary { get; } = Arb.From(Cases, Shrink);
}

/// <summary>FsCheck arbitraries of BPR cases, for <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class BprArbitraries
{
    /// <summary>The BPR cases.</summary>
    public static Arbitrary<BprCase> BprCase() => BprCases.Arbitrary;
}
