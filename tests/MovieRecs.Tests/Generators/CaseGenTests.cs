using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using MovieRecs.Als;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// Every case generator shrinks all the way down: a property that fails for every case ends at the generator's
/// simplest case, so shrinking terminates and reaches each part of a case (shape, values, seeds, options).
/// </summary>
public class CaseGenTests
{
    private static readonly Config Fixed = Config.QuickThrowOnFailure
        .WithMaxTest(1)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20_240_601UL, 0x9E37_79B9_7F4A_7C15UL), FSharpOption<int>.None)));

    [Fact]
    public void Shrink_EvaluationCases_EndAtTheSimplest()
    {
        Assert.Equal("0x1 [], test fraction 0, seed 0, k 1", Simplest(SplitCase.Arb));
        Assert.Equal("1x2 [], test fraction 0.1, split seed 0, k 1, model seed 0", Simplest(RankingCase.Arb));
        Assert.Equal("0x1 [], user 0, excluded []", Simplest(PopularityCase.Arb));
    }

    [Fact]
    public void Shrink_TrainingAndServingCases_EndAtTheSimplest()
    {
        Assert.Equal("1x1 [], seed 0", Simplest(TrainingCase.Arb(25, 18, 0.25, negatives: true)));
        Assert.Equal("1x1 [], seed 0, 1 iterations, 3 factors, Cholesky, loss False", Simplest(WarmStartCase.Arb(60, 40, 0.15)));
        Assert.Equal("1x1 [], seed 0, user 0, item 0, 1 factors, count 1", Simplest(ServingCase.Arb(89, 69, 1, 11, 11)));
        Assert.Equal("rows 1x1 [0], users [0, 0, 0], items [0, 0, 0]", Simplest(PickedFactors.Arb(PickedFactors.FewDistinctRows, 3, 3)));
        Assert.Equal("rows 1x1 [0], users [0], items [0]", Simplest(PickedFactors.Arb(PickedFactors.SeedingSizes, 1, 1)));
        Assert.Equal("items 1x1 [0], liked [], item 0, regularization 0.25, alpha 1", Simplest(ExplainCase.Arb));
    }

    [Fact]
    public void Shrink_SelectionCases_EndAtTheSimplest()
    {
        Assert.Equal("[0] ranks [0]", Simplest(SelectionCase.Arb));
        Assert.Equal("[0 0 0 0 0 0 0 0] k 1", Simplest(LaneCase.Arb));
        Assert.Equal("[] k 1", Simplest(TopKCase.Arb));
    }

    [Fact]
    public void Shrink_PersistenceCases_EndAtTheSimplest()
    {
        Assert.Equal("FlipBits at [0] bytes 00", Simplest(Damage.AnyArb));
        Assert.Equal("FlipBits at [0] bytes 00", Simplest(Damage.BitFlipsArb));
        Assert.Equal("Bool () [0x0]", Simplest(NpyCase.Arb));
        Assert.Equal("Stored []", Simplest(NpzCase.Arb(0, 4)));
        Assert.Equal("Stored [Bool () [0x0]]", Simplest(NpzCase.Arb(1, 3)));
        Assert.Equal("0x0 []", Simplest(DoubleGrid.Arb));

        ModelCase? last = null;
        Assert.ThrowsAny<Exception>(() => Check.One(Fixed, Prop.ForAll(ModelCase.Arb(39, 39, 39, ModelCase.AnyLoss), c => { last = c; return false; })));
        Assert.NotNull(last);
        Assert.Equal(new AlsOptions { Factors = 1 }, last.Options);
        Assert.Equal(new[] { new[] { 0f } }, last.Users);
        Assert.Equal(new[] { new[] { 0f } }, last.Items);
        Assert.Null(last.Loss);
        Assert.Null(last.UserIds);
        Assert.Null(last.ItemIds);
    }

    [Fact]
    public void Shrink_MovieLensCases_EndAtTheSimplest()
    {
        Assert.Equal("Ml100k \"\"", Simplest(RatingsFile.Arb));
        Assert.Equal("[]", Simplest(RatingRows.Arb));
        Assert.Equal("[Night (1920)]", Simplest(MovieTitles.Arb));
    }

    /// <summary>The case FsCheck ends at when every case fails: the last one it tried.</summary>
    private static string Simplest<T>(Arbitrary<T> arbitrary)
    {
        T? last = default;
        Assert.ThrowsAny<Exception>(() => Check.One(Fixed, Prop.ForAll(arbitrary, c =>
        {
            last = c;
            return false;
        })));
        Assert.NotNull(last);
        return last.ToString()!;
    }
}
