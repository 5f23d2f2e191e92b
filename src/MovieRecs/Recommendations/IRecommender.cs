namespace MovieRecs.Recommendations;

/// <summary>
/// A fitted model that ranks items for the users of the matrix it was trained on. Evaluation and batch
/// recommendation work against this interface, so a model and a baseline are measured the same way.
/// </summary>
/// <remarks>Implementations are immutable and safe to call from many threads at once.</remarks>
public interface IRecommender
{
    /// <summary>The number of users (rows of the training matrix).</summary>
    int UserCount { get; }

    /// <summary>The number of items (columns of the training matrix).</summary>
    int ItemCount { get; }

    /// <summary>
    /// Writes the best items for <paramref name="user"/>, best first (ties broken by lower item index), skipping
    /// the items in <paramref name="excludeItems"/> (e.g. the user's own training row).
    /// </summary>
    /// <param name="user">The user, in <c>[0, UserCount)</c>.</param>
    /// <param name="excludeItems">Items never to return, in any order; indices must be in <c>[0, ItemCount)</c>.</param>
    /// <param name="items">Receives the item indices; its length is how many are wanted.</param>
    /// <param name="scores">Receives each item's score; at least as long as <paramref name="items"/>.</param>
    /// <returns>The number of items written: the smaller of <paramref name="items"/>' length and the number of
    /// items not excluded.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or an excluded item is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is shorter than <paramref name="items"/>.</exception>
    int Recommend(int user, ReadOnlySpan<int> excludeItems, Span<int> items, Span<float> scores);
}
