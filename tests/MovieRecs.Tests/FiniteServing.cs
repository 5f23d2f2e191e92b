using MovieRecs.Recommendations;

namespace MovieRecs.Tests;

/// <summary>What a trained model must serve whatever its options: finite scores and similarities only.</summary>
internal static class FiniteServing
{
    /// <summary>
    /// Fits through <paramref name="fit"/>; a fit that fails must be an <see cref="ArithmeticException"/> naming
    /// <paramref name="named"/>, and a fit that succeeds must score every user and item pair, and every similar item,
    /// finitely.
    /// </summary>
    public static void AssertFailsNamingOrServesFinite(
        Func<(int Users, int Items, Func<int, int, float> Score, Func<ScoredItem[][]> SimilarAll)> fit, string named)
    {
        (int Users, int Items, Func<int, int, float> Score, Func<ScoredItem[][]> SimilarAll) model;
        try
        {
            model = fit();
        }
        catch (ArithmeticException e)
        {
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
            return;
        }

        for (var user = 0; user < model.Users; user++)
        {
            for (var item = 0; item < model.Items; item++)
            {
                var score = model.Score(user, item);
                Assert.True(float.IsFinite(score), $"score({user}, {item}) = {score}");
            }
        }

        Assert.All(model.SimilarAll().SelectMany(row => row), s => Assert.True(float.IsFinite(s.Score), $"similarity {s}"));
    }
}
