using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.FSharp.Core;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Generators;

public class SparseGenTests
{
    /// <summary>Quick checks from a fixed start, throwing on a failure with the shrunk counterexample.</summary>
    private static readonly Config Fixed = Config.QuickThrowOnFailure
        .WithMaxTest(100)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20_240_601UL, 0x9E37_79B9_7F4A_7C15UL), FSharpOption<int>.None)));

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Shrink_Triplets_EveryCandidateIsValidAndStrictlySmaller(Triplets t) =>
        IsValid(t) && SparseGen.Shrink(t).All(s => IsValid(s) && SparseGen.Size(s) < SparseGen.Size(t));

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Shrink_FactorSet_EveryCandidateIsValidAndStrictlySmaller(FactorSet f) =>
        IsValid(f) && SparseGen.Shrink(f).All(s => IsValid(s) && SparseGen.Size(s) < SparseGen.Size(f));

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Shrink_ScoringCase_EveryCandidateIsValidAndStrictlySmaller(ScoringCase c) =>
        IsValid(c) && ScoringCase.Shrink(c).All(s => IsValid(s) && Size(s) < Size(c));

    [Fact]
    public void Check_TripletsWithALargeValue_ShrinksToOneEntryInAOneByOneMatrix()
    {
        Triplets? last = null;
        var property = Prop.ForAll(SparseGen.TripletsArb, t =>
        {
            var holds = t.Values.All(v => v < 2f);
            last = holds ? last : t;
            return holds;
        });

        var error = Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        // The last failing case FsCheck tried is the one it reports: the smallest that still fails.
        Assert.NotNull(last);
        Assert.Equal("1x1 [(0,0)=2]", last.ToString());
        Assert.Contains("1x1 [(0,0)=2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CsrMatrixWithALargeSum_ShrinksToOneEntryInAOneByOneMatrix()
    {
        CsrMatrix? last = null;
        var property = Prop.ForAll(SparseGen.CsrArb, m =>
        {
            var holds = m.ToDense().Cast<float>().All(v => v < 2f);
            last = holds ? last : m;
            return holds;
        });

        Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        Assert.NotNull(last);
        Assert.Equal("1x1 [(0,0)=2]", Triplets.FromCsr(last).ToString());
    }

    [Fact]
    public void Check_FactorSetWithALargeValue_ShrinksToOneValue()
    {
        FactorSet? last = null;
        var property = Prop.ForAll(SparseGen.FactorSetArb, f =>
        {
            var holds = f.Values.All(v => v < 1f);
            last = holds ? last : f;
            return holds;
        });

        var error = Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        Assert.NotNull(last);
        Assert.Equal("1x1 [1]", last.ToString());
        Assert.Contains("1x1 [1]", error.Message, StringComparison.Ordinal);
    }

    private static bool IsValid(Triplets t) =>
        t.RowCount is >= 0 and <= SparseGen.MaxSize && t.ColumnCount is >= 0 and <= SparseGen.MaxSize
        && t.Rows.Length == t.Columns.Length && t.Rows.Length == t.Values.Length
        && t.Rows.All(r => r >= 0 && r < t.RowCount) && t.Columns.All(c => c >= 0 && c < t.ColumnCount);

    private static bool IsValid(ScoringCase c) =>
        IsValid(c.Factors) && c.ItemCount >= 1 && c.Liked.Distinct().Count() == c.Liked.Length && c.Liked.All(i => i >= 0 && i < c.ItemCount);

    private static double Size(ScoringCase c) => SparseGen.Size(c.Factors) + c.Liked.Length;

    private static bool IsValid(FactorSet f) =>
        f.RowCount is >= 1 and <= SparseGen.MaxSize + 1 && f.FactorCount is >= 1 and <= SparseGen.MaxFactors
        && f.Values.Length == f.RowCount * f.FactorCount;
}
