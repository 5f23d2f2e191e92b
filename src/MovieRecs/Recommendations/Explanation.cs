namespace MovieRecs.Recommendations;

/// <summary>
/// Why an item scores what it does for a user (Hu, Koren and Volinsky 2008, section 5): the score is a sum over
/// the user's liked items, each contributing its confidence times a weighted similarity to the explained item.
/// What <c>implicit</c>'s <c>explain</c> returns: <c>(total_score, top_contributions, user_weights)</c>.
/// </summary>
/// <param name="Item">The explained item.</param>
/// <param name="Score">The total score: the sum of every liked item's contribution (equal to the fold-in user's
/// factors dotted with the item's factors).</param>
/// <param name="Contributions">The largest contributions by magnitude, largest first: liked item and its share.</param>
/// <param name="UserWeights">
/// <para>
/// The user weights, as <c>implicit</c> returns them: the Cholesky factor of the user's matrix
/// <c>W = YᵀY + λI + Σ_j (|c_j| − 1) y_j y_jᵀ</c> over the liked items <c>j</c> (item factors <c>y_j</c>,
/// confidence <c>c_j = Alpha · value</c>, regularization <c>λ</c>), the matrix whose inverse is the paper's
/// <c>Wᵘ</c>. It is the upper-triangular <c>U</c> with <c>W = UᵀU</c> and a positive diagonal, as
/// <c>k x k</c> floats in row-major order (<c>U[r, c]</c> at <c>r · k + c</c>, <c>k</c> the model's factor count),
/// zero below the diagonal.
/// </para>
/// <para>
/// <c>implicit</c>'s <c>user_weights</c> is <c>scipy.linalg.cho_factor(W)</c>: a pair whose matrix holds the same
/// <c>U</c> in its upper triangle (and unspecified values below it), so <c>numpy.triu(user_weights[0])</c> equals these
/// weights. They make every further explanation for the user cheap: the explained item <c>i</c> is weighted by two
/// triangular solves, <c>W⁻¹ y_i</c>, and liked item <c>j</c> contributes <c>c_j (W⁻¹ y_i) · y_j</c> when
/// <c>c_j &gt; 0</c>. Where <c>implicit</c> takes them back as an argument, a <c>UserExplainer</c> keeps them, and the
/// explanations it gives share one read-only array.
/// </para>
/// </param>
public sealed record Explanation(int Item, float Score, IReadOnlyList<ScoredItem> Contributions, ReadOnlyMemory<float> UserWeights);
