namespace MovieRecs;

/// <summary>Creates <see cref="IdIndex{TKey}"/> instances.</summary>
public static class IdIndex
{
    /// <summary>An index with no keys.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <returns>The empty index.</returns>
    public static IdIndex<TKey> Empty<TKey>()
        where TKey : notnull => new([], EqualityComparer<TKey>.Default);

    /// <summary>Creates an index of distinct keys, in the order given (the first key gets index 0).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="keys">The distinct keys.</param>
    /// <param name="comparer">Key equality; the default comparer when null.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">A key appears twice (the message names it and both positions).</exception>
    public static IdIndex<TKey> Create<TKey>(IEnumerable<TKey> keys, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new IdIndex<TKey>(keys.ToArray(), comparer ?? EqualityComparer<TKey>.Default);
    }

    /// <summary>
    /// Creates an index of the distinct values among <paramref name="values"/>, sorted ascending (the smallest key
    /// gets index 0; pandas' category codes give the same order).
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="values">Values, repeated or not (e.g. the user id of every rating).</param>
    /// <param name="comparer">Key equality; the default comparer when null.</param>
    /// <returns>The index.</returns>
    public static IdIndex<TKey> FromValues<TKey>(ReadOnlySpan<TKey> values, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        var set = new HashSet<TKey>(comparer ?? EqualityComparer<TKey>.Default);
        foreach (var value in values)
        {
            set.Add(value);
        }

        var keys = set.ToArray();
        Array.Sort(keys);
        return new IdIndex<TKey>(keys, comparer ?? EqualityComparer<TKey>.Default);
    }
}
