using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Recommendations;

namespace MovieRecs.Als;

/// <summary>
/// Explains many items for one user with a single factorization of the user's matrix
/// <c>W = YᵀY + λI + Σ (c_i − 1) y_i y_iᵀ</c>: the score of item <c>i</c> is
/// <c>Σ_j c_j (W⁻¹ y_i) · y_j</c> over the user's liked items <c>j</c>, and each term is that liked item's
/// contribution (Hu, Koren and Volinsky 2008, section 5).
/// </summary>
/// <remarks>Created by <see cref="AlsModel.CreateExplainer"/>. Immutable and thread-safe. Each explanation costs
/// O(k² + n·k) for n liked items; the factorization (O(n·k² + k³)) is paid once. The factor <c>U</c> of
/// <c>W = UᵀU</c> is what <c>implicit</c>'s <c>explain</c> returns as <c>user_weights</c> for its next calls: here
/// the explainer keeps it, and every <see cref="Explanation"/> it gives shares it as
/// <see cref="Explanation.UserWeights"/> (no copy per call).</remarks>
public sealed class UserExplainer
{
    private readonly AlsModel _model;
    private readonly int[] _likedItems;
    private readonly float[] _confidence;
    private readonly float[] _weights;
    private readonly float[] _userFactors;

    // weights: the factor U of the user's matrix, k x k row-major, zero below the diagonal; never written again
    // (explanations hand it out read-only).
    internal UserExplainer(AlsModel model, int[] likedItems, float[] confidence, float[] weights, float[] userFactors)
    {
        _model = model;
        _likedItems = likedItems;
        _confidence = confidence;
        _weights = weights;
        _userFactors = userFactors;
    }

    /// <summary>The user's factors solved from the liked items (what <see cref="AlsModel.RecalculateUser(ReadOnlySpan{int}, ReadOnlySpan{float})"/> returns).</summary>
    public ReadOnlySpan<float> UserFactors => _userFactors.AsSpan(0, _model.Factors);

    /// <summary>The liked items the explanations are made of.</summary>
    public ReadOnlySpan<int> LikedItems => _likedItems;

    /// <summary>Explains <paramref name="item"/>: the total score and the largest contributions.</summary>
    /// <param name="item">The item to explain, in <c>[0, ItemCount)</c>.</param>
    /// <param name="count">How many contributions to return, largest magnitude first (ties to the lower item); at least 1.</param>
    /// <returns>The explanation; the sum of all contributions is its score; its <see cref="Explanation.UserWeights"/>
    /// are this explainer's factor, shared.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="count"/> is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Explanation Explain(int item, int count = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if ((uint)item >= (uint)_model.ItemCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(item), item, $"item = {item} is outside [0, {_model.ItemCount}).");
        }

        var contributions = new ScoredItem[_likedItems.Length];
        var total = 0.0;
        if (_likedItems.Length > 0)
        {
            var items = _model.ItemFactorMatrix;
            var weighted = new float[items.Stride];
            items.PaddedRow(item).CopyTo(weighted);
            Cholesky.Solve(_model.Width, _weights, items.Factors, items.Factors, weighted);
            for (var j = 0; j < _likedItems.Length; j++)
            {
                var liked = _likedItems[j];
                var c = _confidence[j];
                var share = c > 0f ? c * TensorPrimitives.Dot(weighted.AsSpan(0, items.Factors), items.Row(liked)) : 0f;
                contributions[j] = new ScoredItem(liked, share);
                total += share;
            }
        }

        Array.Sort(contributions, static (a, b) =>
        {
            var byMagnitude = MathF.Abs(b.Score).CompareTo(MathF.Abs(a.Score));
            return byMagnitude != 0 ? byMagnitude : a.Item.CompareTo(b.Item);
        });
        var top = contributions.Length <= count ? contributions : contributions[..count];
        return new Explanation(item, (float)total, top, _weights);
    }
}
