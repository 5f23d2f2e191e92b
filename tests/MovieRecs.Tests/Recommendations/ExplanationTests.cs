using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Recommendations;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Recommendations;

/// <summary>
/// <see cref="Explanation"/> as <see cref="AlsModel.Explain"/> and <see cref="UserExplainer.Explain"/> give it: the
/// contributions add up to the score, and the user weights are <c>implicit</c>'s <c>user_weights</c>, the upper
/// Cholesky factor <c>U</c> of <c>W = YᵀY + λI + Σ (|c_j| − 1) y_j y_jᵀ</c>, checked against <c>W</c> built here in
/// double from the item factors.
/// </summary>
public sealed class ExplanationTests
{
    public static class Cases
    {
        public static FsCheck.Arbitrary<ExplainCase> ExplainCase() => Generators.ExplainCase.Arb;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(Cases) })]
    public bool Explain_UserWeightsAreTheCholeskyFactorOfTheUsersMatrix_AndContributionsSumToTheScore(ExplainCase c)
    {
        var model = Model(c);
        var (liked, values) = c.Liked();
        var explanation = model.Explain(liked, values, c.ItemIndex, count: int.MaxValue);
        var k = model.Factors;
        var u = explanation.UserWeights.Span;
        var w = UsersMatrix(c);

        var upperWithPositiveDiagonal = true;
        for (var r = 0; r < k; r++)
        {
            for (var s = 0; s < k; s++)
            {
                upperWithPositiveDiagonal &= s < r ? u[(r * k) + s] == 0f : s > r || u[(r * k) + s] > 0f;
            }
        }

        // UᵀU = W up to float rounding; W's scale decides the tolerance, so a wrong alpha, regularization or sign of
        // a disliked item's weight (all at least 0.25 away) cannot hide in it.
        var scale = 1.0 + w.Cast<double>().Max(Math.Abs);
        var worst = 0.0;
        for (var r = 0; r < k; r++)
        {
            for (var s = 0; s < k; s++)
            {
                var product = 0.0;
                for (var m = 0; m <= Math.Min(r, s); m++)
                {
                    product += (double)u[(m * k) + r] * u[(m * k) + s];
                }

                worst = Math.Max(worst, Math.Abs(product - w[r, s]));
            }
        }

        var sum = explanation.Contributions.Sum(p => (double)p.Score);
        var magnitude = 1.0 + explanation.Contributions.Sum(p => Math.Abs((double)p.Score));
        return u.Length == k * k
            && upperWithPositiveDiagonal
            && worst <= 1e-5 * scale
            && explanation.Contributions.Count == liked.Length
            && Math.Abs(sum - explanation.Score) <= 1e-5 * magnitude;
    }

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(Cases) })]
    public bool CreateExplainer_SharesOneCopyOfTheUserWeights_EqualToAOneCallExplanation(ExplainCase c)
    {
        var model = Model(c);
        var (liked, values) = c.Liked();
        var explainer = model.CreateExplainer(liked, values);
        var first = explainer.Explain(c.ItemIndex);
        var other = explainer.Explain((c.ItemIndex + 1) % model.ItemCount);
        var once = model.Explain(liked, values, c.ItemIndex);
        return first.UserWeights.Equals(other.UserWeights)
            && !once.UserWeights.Equals(first.UserWeights)
            && once.UserWeights.Span.SequenceEqual(first.UserWeights.Span)
            && once.Score == first.Score
            && once.Contributions.SequenceEqual(first.Contributions);
    }

    [Fact]
    public void Explain_NoLikedItems_ScoresZero_AndWeighsByTheRegularizedGramMatrix()
    {
        var c = new ExplainCase(new FactorSet(3, 2, [1f, 0.5f, -0.25f, 2f, 0f, 1f]), [0f, 0f, 0f], 1, 2, 1f);
        var explanation = Model(c).Explain([], [], 1);
        var w = UsersMatrix(c); // YᵀY + 0.5 I = [[1.5625, 0], [0, 5.75]] (after 0.5 + 1 + 0.0625 and 0.5 + 0.25 + 4 + 1)

        Assert.Equal(0f, explanation.Score);
        Assert.Empty(explanation.Contributions);
        Assert.Equal(0.0, w[0, 1]);
        Assert.Equal([(float)Math.Sqrt(w[0, 0]), 0f, 0f, (float)Math.Sqrt(w[1, 1])], explanation.UserWeights.ToArray());
    }

    [Fact]
    public void Explain_WithAnExplainer_AllocatesNoCopyOfTheUserWeights()
    {
        var (model, userItems) = ServingFixture.Fit(11, items: 80, factors: 48);
        var explainer = model.CreateExplainer(userItems.GetColumnIndices(0), userItems.GetValues(0));
        explainer.Explain(2, 3);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var explanation = explainer.Explain(2, 3);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var weightBytes = (long)model.Factors * model.Factors * sizeof(float);
        Assert.Equal(model.Factors * model.Factors, explanation.UserWeights.Length);
        Assert.True(allocated < weightBytes / 4, $"a reused explainer allocated {allocated} bytes; the weights are {weightBytes}");
    }

    private static AlsModel Model(ExplainCase c) =>
        AlsModel.FromFactors(
            new AlsOptions { Factors = c.Items.FactorCount, Regularization = c.Regularization, Alpha = c.Alpha },
            new float[c.Items.FactorCount],
            c.Items.Values);

    /// <summary><c>W = YᵀY + λI + Σ_j (|c_j| − 1) y_j y_jᵀ</c> in double, as <c>implicit</c>'s <c>user_linear_equation</c> builds it.</summary>
    private static double[,] UsersMatrix(ExplainCase c)
    {
        var k = c.Items.FactorCount;
        var w = new double[k, k];
        var (liked, values) = c.Liked();
        for (var i = 0; i < c.Items.RowCount; i++)
        {
            var weight = 1.0;
            var j = Array.IndexOf(liked, i);
            if (j >= 0)
            {
                weight += Math.Abs(c.Alpha * (double)values[j]) - 1.0;
            }

            var y = c.Items.Row(i);
            for (var r = 0; r < k; r++)
            {
                for (var s = 0; s < k; s++)
                {
                    w[r, s] += weight * y[r] * y[s];
                }
            }
        }

        for (var r = 0; r < k; r++)
        {
            w[r, r] += c.Regularization;
        }

        return w;
    }
}
