using System.Collections;
using System.Collections.Frozen;
using MovieRecs.Internal;

namespace MovieRecs;

/// <summary>
/// A frozen, dense index of external keys (user ids, movie ids, titles): key to index in <c>[0, Count)</c> and
/// index to key. It is what maps MovieLens ids to matrix rows and columns and back, like a notebook's
/// <c>user_to_idx</c> / <c>idx_to_user</c> pair.
/// </summary>
/// <typeparam name="TKey">The external key type.</typeparam>
/// <remarks>
/// Immutable and safe to share across threads. <see cref="Append(TKey)"/> returns a new index in which every
/// existing key keeps its index and the new key gets index <see cref="Count"/>: adding a user never disturbs the
/// rows of the others. Lookups are O(1).
/// </remarks>
public sealed class IdIndex<TKey> : IReadOnlyList<TKey>
    where TKey : notnull
{
    private readonly TKey[] _keys;
    private readonly FrozenDictionary<TKey, int> _indexOf;

    internal IdIndex(TKey[] keys, IEqualityComparer<TKey> comparer)
    {
        var map = new Dictionary<TKey, int>(keys.Length, comparer);
        for (var i = 0; i < keys.Length; i++)
        {
            if (!map.TryAdd(keys[i], i))
            {
                ThrowHelper.ThrowArgument(nameof(keys), $"The key '{Quote(keys[i])}' appears twice (at {map[keys[i]]} and {i}); index keys must be distinct.");
            }
        }

        _keys = keys;
        _indexOf = map.ToFrozenDictionary(comparer);
    }

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Length;

    /// <summary>The comparer that decides key equality.</summary>
    public IEqualityComparer<TKey> Comparer => _indexOf.Comparer;

    /// <summary>The key at <paramref name="index"/>.</summary>
    /// <param name="index">The index, in <c>[0, Count)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public TKey this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_keys.Length)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(index), index, $"index must be in [0, {_keys.Length}).");
            }

            return _keys[index];
        }
    }

    /// <summary>The keys, in index order.</summary>
    public ReadOnlySpan<TKey> Keys => _keys;

    /// <summary>The index of <paramref name="key"/>.</summary>
    /// <param name="key">A key of this index.</param>
    /// <returns>Its index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">The key is not in the index (the message names it).</exception>
    public int IndexOf(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_indexOf.TryGetValue(key, out var index))
        {
            throw new KeyNotFoundException($"The key '{Quote(key)}' is not in the index ({_keys.Length} keys).");
        }

        return index;
    }

    /// <summary>Looks up the index of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="index">Its index, or -1 when absent.</param>
    /// <returns><see langword="true"/> when the key is in the index.</returns>
    public bool TryGetIndex(TKey key, out int index)
    {
        if (key is not null && _indexOf.TryGetValue(key, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Whether <paramref name="key"/> is in the index.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(TKey key) => key is not null && _indexOf.ContainsKey(key);

    /// <summary>Maps many keys to their indexes.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="destination">Receives one index per key; at least as long as <paramref name="keys"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="KeyNotFoundException">A key is unknown (the message names it and its position).</exception>
    public void IndexesOf(ReadOnlySpan<TKey> keys, Span<int> destination)
    {
        if (destination.Length < keys.Length)
        {
            ThrowHelper.ThrowArgument(nameof(destination), $"destination has {destination.Length} entries; {keys.Length} are needed.");
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is null || !_indexOf.TryGetValue(keys[i], out destination[i]))
            {
                throw new KeyNotFoundException($"keys[{i}] = '{Quote(keys[i])}' is not in the index ({_keys.Length} keys).");
            }
        }
    }

    /// <summary>A new index with <paramref name="key"/> appended at index <see cref="Count"/>; existing keys keep their indexes.</summary>
    /// <param name="key">A key not yet in the index.</param>
    /// <returns>The new index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The key is already present.</exception>
    /// <remarks>O(Count): the index is frozen, so appending copies it. This index is unchanged.</remarks>
    public IdIndex<TKey> Append(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_indexOf.TryGetValue(key, out var existing))
        {
            ThrowHelper.ThrowArgument(nameof(key), $"The key '{Quote(key)}' is already in the index, at {existing}.");
        }

        var keys = new TKey[_keys.Length + 1];
        _keys.CopyTo(keys, 0);
        keys[^1] = key;
        return new IdIndex<TKey>(keys, Comparer);
    }

    /// <summary>A key as an exception message shows it: its text with control characters escaped.</summary>
    private static string Quote(TKey key) => MessageText.Escape(key.ToString() ?? string.Empty);

    /// <inheritdoc/>
    public IEnumerator<TKey> GetEnumerator() => ((IEnumerable<TKey>)_keys).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
