namespace MovieRecs.Recommendations;

/// <summary>
/// Why an item scores what it does for a user (Hu, Koren and Volinsky 2008, section 5): the score is a sum over
/// the user's liked items, each contributing its confidence times a weighted similarity to the explained item.
/// </summary>
/// <param name="Item">The explained item.</param>
/// <param name="Score">The total score: the sum of every liked item's contribution (equal to the fold-in user's
/// factors dotted with the item's factors).</param>
/// <param name="Contributions">The largest contributions by magnitude, largest first: liked item and its share.</param>
public sealed record Explanation(int Item, float Score, IReadOnlyList<ScoredItem> Contributions);
