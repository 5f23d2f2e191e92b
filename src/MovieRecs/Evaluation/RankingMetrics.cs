namespace MovieRecs.Evaluation;

/// <summary>
/// The ranking metrics at <see cref="K"/> of a model on a test matrix, as computed by
/// <see cref="RankingEvaluator.Evaluate(Recommendations.IRecommender, Sparse.CsrMatrix, Sparse.CsrMatrix, int, EvaluationOptions?, IProgress{int}?, CancellationToken)"/>:
/// implicit's <c>ranking_metrics_at_k</c> plus the textbook precision and recall it does not report.
/// </summary>
/// <param name="K">The cut-off: how many recommendations each user got.</param>
/// <param name="UserCount">The number of users evaluated: those with at least one test item.</param>
/// <param name="Hits">The total number of recommended items, over all users, that are test items of their user.</param>
/// <param name="ImplicitPrecision">
/// What implicit reports as "precision@k": total hits divided by the total of <c>min(K, |test items|)</c> over the
/// evaluated users. A micro average whose denominator shrinks for users with fewer than K test items, so it reaches
/// 1 for a perfect ranking; it is neither the precision nor the recall of any single user.
/// </param>
/// <param name="Precision">The textbook precision@k: the mean over users of <c>hits / K</c>.</param>
/// <param name="Recall">The recall@k: the mean over users of <c>hits / |test items|</c>.</param>
/// <param name="MeanAveragePrecision">
/// MAP@k as implicit computes it: the mean over users of <c>(sum over hit positions i of hits so far / i) /
/// min(K, |test items|)</c>, positions counted from 1.
/// </param>
/// <param name="Ndcg">
/// NDCG@k with binary relevance as implicit computes it: the mean over users of <c>(sum over hit positions i of
/// 1 / log2(i + 1)) / (sum over i = 1..min(K, |test items|) of 1 / log2(i + 1))</c>.
/// </param>
/// <param name="Auc">
/// implicit's AUC@k, the mean over users of an AUC estimated from the top-K list alone: with P test items, N = items
/// - P, h hits and m misses (listed items that are not test items; m = K - h when the list is full),
/// <c>(sum over misses of the hits ranked above it + (h + P) / 2 * (N - m)) / (P N)</c>. It treats every test item missing from the list as ranked in the middle of the unranked
/// negatives, so it stays near 0.5 unless the list holds a large share of the user's test items.
/// </param>
/// <remarks>Every metric is in [0, 1]. Immutable.</remarks>
public sealed record RankingMetrics(
    int K,
    int UserCount,
    long Hits,
    double ImplicitPrecision,
    double Precision,
    double Recall,
    double MeanAveragePrecision,
    double Ndcg,
    double Auc);
