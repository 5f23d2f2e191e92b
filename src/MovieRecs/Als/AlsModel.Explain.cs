using System.Buffers;
using System.Runtime.CompilerServices;
using MovieRecs.Recommendations;

namespace MovieRecs.Als;

/// <content>Explaining recommendations (Hu, Koren and Volinsky 2008, section 5).</content>
public sealed partial class AlsModel
{
    /// <summary>
    /// Explains the score of <paramref name="item"/> for a user given by their liked items: the total score and each
    /// liked item's contribution, as <c>implicit</c>'s <c>explain</c>. To explain several items for the same user,
    /// use <see cref="CreateExplainer"/>, which factors the user's matrix once.
    /// </summary>
    /// <param name="likedItems">The user's items (their row of the training matrix), distinct.</param>
    /// <param name="values">The value of each liked item (as in the training matrix).</param>
    /// <param name="item">The item to explain.</param>
    /// <param name="count">How many contributions to return, largest magnitude first (at least 1).</param>
    /// <returns>The explanation; its contributions (all of them, not only the top ones) sum to its score, and its
    /// <see cref="Explanation.UserWeights"/> are the factor of the user's matrix that <c>implicit</c> returns as
    /// <c>user_weights</c>.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, a value is not finite, or the
    /// system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index or <paramref name="count"/> is out of range.</exception>
    /// <remarks>O(n·k² + k³) for the factorization, then O(k² + n·k) for the explained item. Allocates the k x k user
    /// weights it returns, the contributions and a few small arrays; the factorization's scratch is per thread.</remarks>
    public Explanation Explain(ReadOnlySpan<int> likedItems, ReadOnlySpan<float> values, int item, int count = 10)
    {
        // The factor is the user weights the explanation returns, so it is allocated (every element is written);
        // the user's factors live only for this call and are rented.
        var weights = GC.AllocateUninitializedArray<float>(Factors * Factors);
        var userFactors = ArrayPool<float>.Shared.Rent(Stride);
        try
        {
            return FactorExplainer(likedItems, values, weights, userFactors).Explain(item, count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(userFactors);
        }
    }

    /// <summary>
    /// Factors the user's matrix <c>W = YᵀY + λI + Σ (c_i − 1) y_i y_iᵀ</c> once, for explaining many items cheaply.
    /// </summary>
    /// <param name="likedItems">The user's items, distinct, in range.</param>
    /// <param name="values">The value of each liked item.</param>
    /// <returns>An immutable, thread-safe explainer for this user; every explanation it gives shares its user weights
    /// (the factor, <c>implicit</c>'s <c>user_weights</c>) instead of copying them.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an item repeats, a value is not finite, or the
    /// system is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item is out of range.</exception>
    public UserExplainer CreateExplainer(ReadOnlySpan<int> likedItems, ReadOnlySpan<float> values) =>
        FactorExplainer(likedItems, values, new float[Factors * Factors], new float[Stride]);

    /// <summary>Factors the user's matrix into <paramref name="weights"/> (k x k) and solves their factors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private UserExplainer FactorExplainer(ReadOnlySpan<int> likedItems, ReadOnlySpan<float> values, float[] weights, float[] userFactors)
    {
        var confidence = new float[likedItems.Length];
        FactorUserSystem(likedItems, values, weights, userFactors);
        var alpha = (float)Options.Alpha;
        for (var j = 0; j < confidence.Length; j++)
        {
            confidence[j] = AlsOptions.Confidence(Options.Convention, alpha, values[j]);
        }

        return new UserExplainer(this, likedItems.ToArray(), confidence, weights, userFactors);
    }
}
