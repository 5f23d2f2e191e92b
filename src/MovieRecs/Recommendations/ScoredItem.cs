namespace MovieRecs.Recommendations;

/// <summary>An item index with its score: a recommendation, a similar item, or an explanation's contribution.</summary>
/// <param name="Item">The item index (a column of the training matrix), or a user index for similar users.</param>
/// <param name="Score">The score: a factor dot product, a cosine similarity, or a contribution.</param>
public readonly record struct ScoredItem(int Item, float Score);
