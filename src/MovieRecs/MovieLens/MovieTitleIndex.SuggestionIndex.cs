using System.Buffers;
using System.Diagnostics;

namespace MovieRecs.MovieLens;

public sealed partial class MovieTitleIndex
{
    /// <summary>
    /// What <see cref="Suggest"/> needs to find a short list without ranking every movie, and the search itself.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The rank of <see cref="Suggest"/> orders by group (begins, holds, other), then for the others by shared words,
    /// then by edit distance, then by fields known without any comparison (year gap, length, year, id, position). Each
    /// part is found from an index rather than by visiting every title:
    /// </para>
    /// <list type="bullet">
    /// <item>The movies of the first two groups have a key that starts with the query (a run of the sorted beginnings)
    /// or that holds every query word as a whole word (the movies of the query word held by the fewest movies, from an
    /// inverted index of words); only those are checked.</item>
    /// <item>Shared words: an inverted index from each word to the title keys that hold it, and, to find the words
    /// within one edit of a query word, the hashes of every word and of every word with one letter deleted (a
    /// deletion neighbourhood: two words are within one edit only if one equals the other or a one-deletion of it, or
    /// they share a one-deletion), each candidate checked with the edit distance. Adding the postings of the matching
    /// words counts the shared words of every key that shares any; the others share none.</item>
    /// <item>Edit distances, level of shared words by level from the most: within a level, keys go by length from the
    /// query's outward, since the distance is at least the difference in lengths (the length filter); once the list is
    /// full, a key whose bound with its known tie-breaks cannot beat the last kept is skipped, and a length whose bound
    /// exceeds the last kept distance ends that direction. Keys of one length are in ordinal order and the distance of
    /// each continues from the shared beginning with the key before (a trie walked without building it), each step a
    /// bit-parallel column (Myers 1999, in blocks of 64 query letters).</item>
    /// </list>
    /// <para>
    /// The answers equal those of ranking every movie: each filter only skips what provably cannot enter the list, and
    /// the ranks of the rest are computed exactly. A q-gram count filter was not used: at the distances of unknown
    /// titles (near the query's length) its bound is below the length filter's, and its postings cost as much as the
    /// bit-parallel distances it would save.
    /// </para>
    /// <para>Immutable once built; each search allocates its own scratch, so searches run in parallel.</para>
    /// </remarks>
    private sealed class SuggestionIndex
    {
        private const ulong HashBase = 0x100000001B3UL;

        private readonly MovieTitleIndex _owner;

        // Every suggestion key (title and alternative titles, loose), ordered by length, then ordinally; the movie of each.
        private readonly string[] _keys;
        private readonly int[] _keyMovies;

        // Beside each key, so that ranking a key reads arrays rather than the strings and movies: its length, the
        // length of the beginning it shares with the key before, and its movie's id.
        private readonly int[] _keyLengths;
        private readonly int[] _keyShared;
        private readonly int[] _keyMovieIds;
        private readonly int[] _moviesWithoutKeys;
        private readonly int _longestKey;
        private readonly HashSet<char> _keyLetters;

        // The words of every title, alternative title and subtitle.
        private readonly Dictionary<string, int> _words;
        private readonly string[] _wordText;
        private readonly int _longestWord;

        // Word → suggestion keys holding it (ascending), and word → movies with a search key holding it (ascending).
        private readonly int[] _keyPostingStarts;
        private readonly int[] _keyPostings;
        private readonly int[] _moviePostingStarts;
        private readonly int[] _moviePostings;

        // Hashes of every word of three letters or more and of its one-deletions (four letters or more), sorted, with the word.
        private readonly ulong[] _neighbourHashes;
        private readonly int[] _neighbourWords;

        public SuggestionIndex(MovieTitleIndex owner)
        {
            _owner = owner;
            var movieCount = owner._movies.Length;
            var keyList = new List<(string Key, int Movie)>();
            var withoutKeys = new List<int>();
            for (var i = 0; i < movieCount; i++)
            {
                foreach (var key in owner._suggestionKeys[i])
                {
                    keyList.Add((key, i));
                }

                if (owner._suggestionKeys[i].Length == 0)
                {
                    withoutKeys.Add(i);
                }
            }

            var order = new int[keyList.Count];
            for (var k = 0; k < order.Length; k++)
            {
                order[k] = k;
            }

            Array.Sort(order, (x, y) =>
            {
                var (a, b) = (keyList[x].Key, keyList[y].Key);
                var byLength = a.Length.CompareTo(b.Length);
                byLength = byLength != 0 ? byLength : string.CompareOrdinal(a, b);
                return byLength != 0 ? byLength : x.CompareTo(y);
            });
            _keys = new string[order.Length];
            _keyMovies = new int[order.Length];
            _keyLengths = new int[order.Length];
            _keyShared = new int[order.Length];
            _keyMovieIds = new int[order.Length];
            _keyLetters = [];
            for (var k = 0; k < order.Length; k++)
            {
                (_keys[k], _keyMovies[k]) = keyList[order[k]];
                _keyLengths[k] = _keys[k].Length;
                _keyShared[k] = k == 0 ? 0 : _keys[k].AsSpan().CommonPrefixLength(_keys[k - 1]);
                _keyMovieIds[k] = owner._movies[_keyMovies[k]].Id;
                _longestKey = Math.Max(_longestKey, _keys[k].Length);
                foreach (var c in _keys[k])
                {
                    _keyLetters.Add(c);
                }
            }

            _moviesWithoutKeys = [.. withoutKeys];

            _words = new Dictionary<string, int>(StringComparer.Ordinal);
            var wordText = new List<string>();
            var keyPairs = new List<(int Word, int Key)>();
            var keyWords = new List<int>();
            for (var k = 0; k < _keys.Length; k++)
            {
                WordsOf(_keys[k], wordText, keyWords);
                foreach (var word in keyWords)
                {
                    keyPairs.Add((word, k));
                }
            }

            var moviePairs = new List<(int Word, int Movie)>();
            var movieWords = new List<int>();
            for (var i = 0; i < movieCount; i++)
            {
                movieWords.Clear();
                foreach (var key in owner._searchKeys[i])
                {
                    WordsOf(key, wordText, keyWords);
                    foreach (var word in keyWords)
                    {
                        if (!movieWords.Contains(word))
                        {
                            movieWords.Add(word);
                            moviePairs.Add((word, i));
                        }
                    }
                }
            }

            _wordText = [.. wordText];
            foreach (var word in _wordText)
            {
                _longestWord = Math.Max(_longestWord, word.Length);
            }

            (_keyPostingStarts, _keyPostings) = Postings(keyPairs, _wordText.Length);
            (_moviePostingStarts, _moviePostings) = Postings(moviePairs, _wordText.Length);

            var hashes = new List<ulong>();
            var hashWords = new List<int>();
            for (var w = 0; w < _wordText.Length; w++)
            {
                var word = _wordText[w];
                if (word.Length >= 3)
                {
                    hashes.Add(Hash(word));
                    hashWords.Add(w);
                }

                if (word.Length >= 4)
                {
                    AddDeletionHashes(word, hashes);
                    while (hashWords.Count < hashes.Count)
                    {
                        hashWords.Add(w);
                    }
                }
            }

            _neighbourHashes = [.. hashes];
            _neighbourWords = [.. hashWords];
            Array.Sort(_neighbourHashes, _neighbourWords);
        }

        /// <summary>The <paramref name="count"/> best ranks, best first: those of <see cref="RankEveryMovie"/>.</summary>
        public SuggestionRank[] Best(int? year, string query, string[] queryWords, int count)
        {
            var owner = _owner;
            var best = new BestRanks(Math.Min(count, owner._movies.Length));
            var movieLevels = ArrayPool<int>.Shared.Rent(owner._movies.Length);
            var keyCounts = ArrayPool<int>.Shared.Rent(_keys.Length);
            var keyStamps = ArrayPool<int>.Shared.Rent(_keys.Length);
            var levelKeys = ArrayPool<int>.Shared.Rent(_keys.Length);
            try
            {
                Array.Clear(movieLevels, 0, owner._movies.Length);
                Array.Clear(keyCounts, 0, _keys.Length);
                Array.Clear(keyStamps, 0, _keys.Length);

                // Movies whose key begins with or holds the query: marked -1, they are not ranked by words.
                OfferBeginningsAndHoldings(year, query, queryWords, movieLevels, ref best);
                if (best.IsFull && best.Last.Group < SuggestionGroup.Other)
                {
                    return best.ToArray();
                }

                // Shared words per key, then per movie the most over its keys (its level).
                CountSharedWords(queryWords, keyCounts, keyStamps);
                var topLevel = 0;
                for (var k = 0; k < _keys.Length; k++)
                {
                    var movie = _keyMovies[k];
                    if (movieLevels[movie] >= 0 && keyCounts[k] > movieLevels[movie])
                    {
                        movieLevels[movie] = keyCounts[k];
                        topLevel = Math.Max(topLevel, keyCounts[k]);
                    }
                }

                // The keys of each level (those sharing as many words as their movie's best), in key order.
                var levelStarts = new int[topLevel + 2];
                for (var k = 0; k < _keys.Length; k++)
                {
                    var level = movieLevels[_keyMovies[k]];
                    if (level >= 0 && keyCounts[k] == level)
                    {
                        levelStarts[level + 1]++;
                    }
                }

                for (var level = 0; level <= topLevel; level++)
                {
                    levelStarts[level + 1] += levelStarts[level];
                }

                var fill = levelStarts[..^1];
                for (var k = 0; k < _keys.Length; k++)
                {
                    var level = movieLevels[_keyMovies[k]];
                    if (level >= 0 && keyCounts[k] == level)
                    {
                        levelKeys[fill[level]++] = k;
                    }
                }

                var distances = new SharedPrefixDistance(query, _keyLetters, _longestKey);
                for (var level = topLevel; level >= 0; level--)
                {
                    if (best.IsFull && (best.Last.Group < SuggestionGroup.Other || best.Last.NegatedWords < -level))
                    {
                        break;
                    }

                    OfferLevel(year, query.Length, level, levelKeys.AsSpan(levelStarts[level]..levelStarts[level + 1]), distances, ref best);
                }

                // Movies without a key share no word and are farthest (as the full ranking has them).
                foreach (var movie in _moviesWithoutKeys)
                {
                    best.Offer(new SuggestionRank(
                        SuggestionGroup.Other, 0, int.MaxValue, owner.YearGap(year, movie), 0, int.MaxValue, owner._years[movie] ?? int.MaxValue, owner._movies[movie].Id, movie));
                }

                return best.ToArray();
            }
            finally
            {
                ArrayPool<int>.Shared.Return(movieLevels);
                ArrayPool<int>.Shared.Return(keyCounts);
                ArrayPool<int>.Shared.Return(keyStamps);
                ArrayPool<int>.Shared.Return(levelKeys);
            }
        }

        /// <summary>
        /// Offers the movies of the first two groups: those with a key in the sorted run of beginnings that starts with
        /// the query, and those with a search key holding the query's rarest word (a key that holds the query's words
        /// together holds each). Each candidate's group is then computed as the full ranking does.
        /// </summary>
        private void OfferBeginningsAndHoldings(int? year, string query, string[] queryWords, int[] movieLevels, ref BestRanks best)
        {
            if (query.Length == 0)
            {
                return;
            }

            var owner = _owner;
            var checkedOthers = new List<int>();
            var prefixKeys = owner._prefixKeys;
            for (var k = FirstKeyNotBefore(prefixKeys, query); k < prefixKeys.Length && prefixKeys[k].StartsWith(query, StringComparison.Ordinal); k++)
            {
                Check(owner._prefixEntries[k] >> 1, ref best);
            }

            var rarest = -1;
            var lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var word in queryWords)
            {
                if (!lookup.TryGetValue(word, out var id))
                {
                    rarest = -1;
                    break;
                }

                if (rarest < 0 || Postings(_moviePostingStarts, id) < Postings(_moviePostingStarts, rarest))
                {
                    rarest = id;
                }
            }

            if (rarest >= 0)
            {
                for (var p = _moviePostingStarts[rarest]; p < _moviePostingStarts[rarest + 1]; p++)
                {
                    Check(_moviePostings[p], ref best);
                }
            }

            foreach (var movie in checkedOthers)
            {
                movieLevels[movie] = 0;
            }

            void Check(int movie, ref BestRanks best)
            {
                if (movieLevels[movie] != 0)
                {
                    return;
                }

                var group = owner.Group(movie, query, out var subtitle, out var length);
                if (group == SuggestionGroup.Other)
                {
                    movieLevels[movie] = -2;
                    checkedOthers.Add(movie);
                    return;
                }

                movieLevels[movie] = -1;
                best.Offer(new SuggestionRank(
                    group, 0, 0, owner.YearGap(year, movie), subtitle, length, owner._years[movie] ?? int.MaxValue, owner._movies[movie].Id, movie));
            }
        }

        /// <summary>
        /// Adds to each key's count the query words (repeats included) within one edit of one of its words, as
        /// <see cref="SharedWords"/> counts them.
        /// </summary>
        private void CountSharedWords(string[] queryWords, int[] keyCounts, int[] keyStamps)
        {
            var lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
            var matches = new List<int>();
            var stamp = 0;

            // A word typed twice counts twice, as in the full ranking.
            var repeated = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var word in queryWords)
            {
                repeated[word] = repeated.GetValueOrDefault(word) + 1;
            }

            foreach (var (word, repeats) in repeated)
            {
                matches.Clear();
                if (word.Length <= 3 || word.Length > _longestWord + 1)
                {
                    if (lookup.TryGetValue(word, out var exact))
                    {
                        matches.Add(exact);
                    }
                }
                else
                {
                    FindNeighbours(word, matches);
                }

                stamp++;
                foreach (var match in matches)
                {
                    for (var p = _keyPostingStarts[match]; p < _keyPostingStarts[match + 1]; p++)
                    {
                        var key = _keyPostings[p];
                        if (keyStamps[key] != stamp)
                        {
                            keyStamps[key] = stamp;
                            keyCounts[key] += repeats;
                        }
                    }
                }
            }
        }

        /// <summary>The words within one edit of <paramref name="word"/> (of four letters or more), each once.</summary>
        private void FindNeighbours(string word, List<int> matches)
        {
            Span<ulong> prefix = word.Length < 128 ? stackalloc ulong[word.Length + 1] : new ulong[word.Length + 1];
            Span<ulong> suffix = word.Length < 128 ? stackalloc ulong[word.Length + 1] : new ulong[word.Length + 1];
            Span<ulong> powers = word.Length < 128 ? stackalloc ulong[word.Length + 1] : new ulong[word.Length + 1];
            HashParts(word, prefix, suffix, powers);
            Collect(prefix[word.Length], word, matches);
            for (var i = 0; i < word.Length; i++)
            {
                Collect(DeletionHash(prefix, suffix, powers, word.Length, i), word, matches);
            }
        }

        private void Collect(ulong hash, string word, List<int> matches)
        {
            var at = Array.BinarySearch(_neighbourHashes, hash);
            if (at < 0)
            {
                return;
            }

            while (at > 0 && _neighbourHashes[at - 1] == hash)
            {
                at--;
            }

            for (; at < _neighbourHashes.Length && _neighbourHashes[at] == hash; at++)
            {
                var candidate = _neighbourWords[at];
                var text = _wordText[candidate];
                if (!matches.Contains(candidate)
                    && (text == word || (Math.Abs(word.Length - text.Length) <= 1 && EditDistance(word, text, cutoff: 1) <= 1)))
                {
                    matches.Add(candidate);
                }
            }
        }

        /// <summary>
        /// Offers the keys of one level of shared words (in key order: by length, then ordinally), lengths nearest the
        /// query's first, skipping what the length filter shows cannot enter.
        /// </summary>
        private void OfferLevel(int? year, int queryLength, int level, ReadOnlySpan<int> keys, SharedPrefixDistance distances, ref BestRanks best)
        {
            // The first key as long as the query or longer: lengths go up from there and down from just before it.
            var low = 0;
            var high = keys.Length;
            while (low < high)
            {
                var middle = low + ((high - low) >> 1);
                if (_keys[keys[middle]].Length < queryLength)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            var up = low;
            var down = low;
            while (up < keys.Length || down > 0)
            {
                var upGap = up < keys.Length ? _keyLengths[keys[up]] - queryLength : int.MaxValue;
                var downGap = down > 0 ? queryLength - _keyLengths[keys[down - 1]] : int.MaxValue;
                var goUp = upGap <= downGap;
                var gap = goUp ? upGap : downGap;
                if (best.IsFull && gap > best.Last.Distance)
                {
                    break; // every length left is at least as far
                }

                int start, end;
                if (goUp)
                {
                    start = up;
                    var length = _keyLengths[keys[up]];
                    while (up < keys.Length && _keyLengths[keys[up]] == length)
                    {
                        up++;
                    }

                    end = up;
                }
                else
                {
                    end = down;
                    var length = _keyLengths[keys[down - 1]];
                    while (down > 0 && _keyLengths[keys[down - 1]] == length)
                    {
                        down--;
                    }

                    start = down;
                }

                var previous = -1;
                for (var p = start; p < end; p++)
                {
                    // At the last kept distance only the tie-breaks, known without the distance, can let a key in.
                    var k = keys[p];
                    if (best.IsFull && gap == best.Last.Distance && RankOf(year, level, k, gap).CompareTo(best.Last) >= 0)
                    {
                        continue;
                    }

                    // The beginning shared with the key computed before: the least shared between neighbours in between.
                    var shared = -1;
                    if (previous >= 0 && k - previous <= 16)
                    {
                        shared = int.MaxValue;
                        for (var between = previous + 1; between <= k; between++)
                        {
                            shared = Math.Min(shared, _keyShared[between]);
                        }
                    }

                    var distance = distances.To(_keys[k], shared);
                    previous = k;
                    if (!best.IsFull || distance <= best.Last.Distance)
                    {
                        best.Offer(RankOf(year, level, k, distance));
                    }
                }
            }
        }

        private SuggestionRank RankOf(int? year, int level, int key, int distance)
        {
            var movie = _keyMovies[key];
            var movieYear = _owner._years[movie];
            var yearGap = year is int y && movieYear is int my ? Math.Abs(y - my) : 0;
            return new SuggestionRank(
                SuggestionGroup.Other, -level, distance, yearGap, 0, _keyLengths[key], movieYear ?? int.MaxValue, _keyMovieIds[key], movie);
        }

        /// <summary>The word ids of <paramref name="key"/>, each once, new words added to the vocabulary.</summary>
        private void WordsOf(string key, List<string> wordText, List<int> ids)
        {
            ids.Clear();
            var lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var range in key.AsSpan().Split(' '))
            {
                var word = key.AsSpan(range);
                if (word.IsEmpty)
                {
                    continue;
                }

                if (!lookup.TryGetValue(word, out var id))
                {
                    id = wordText.Count;
                    var text = word.ToString();
                    wordText.Add(text);
                    _words.Add(text, id);
                }

                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }
        }

        private static int Postings(int[] starts, int word) => starts[word + 1] - starts[word];

        /// <summary>Compressed rows from (word, item) pairs: the items of each word in the order the pairs came.</summary>
        private static (int[] Starts, int[] Items) Postings(List<(int Word, int Item)> pairs, int wordCount)
        {
            var starts = new int[wordCount + 1];
            foreach (var (word, _) in pairs)
            {
                starts[word + 1]++;
            }

            for (var w = 0; w < wordCount; w++)
            {
                starts[w + 1] += starts[w];
            }

            var items = new int[pairs.Count];
            var fill = starts[..^1];
            foreach (var (word, item) in pairs)
            {
                items[fill[word]++] = item;
            }

            return (starts, items);
        }

        private static ulong Hash(ReadOnlySpan<char> text)
        {
            var hash = 0UL;
            foreach (var c in text)
            {
                hash = unchecked((hash * HashBase) + c + 1);
            }

            return hash;
        }

        /// <summary>Hashes of the first i letters (prefix), of the letters from i on weighted as in the whole (suffix), and powers.</summary>
        private static void HashParts(string word, Span<ulong> prefix, Span<ulong> suffix, Span<ulong> powers)
        {
            var n = word.Length;
            powers[0] = 1;
            prefix[0] = 0;
            for (var i = 0; i < n; i++)
            {
                powers[i + 1] = unchecked(powers[i] * HashBase);
                prefix[i + 1] = unchecked((prefix[i] * HashBase) + word[i] + 1);
            }

            suffix[n] = 0;
            for (var i = n - 1; i >= 0; i--)
            {
                suffix[i] = unchecked(suffix[i + 1] + ((word[i] + 1UL) * powers[n - 1 - i]));
            }
        }

        /// <summary>The <see cref="Hash"/> of the word without its letter <paramref name="i"/>, from its parts.</summary>
        private static ulong DeletionHash(ReadOnlySpan<ulong> prefix, ReadOnlySpan<ulong> suffix, ReadOnlySpan<ulong> powers, int n, int i) =>
            unchecked((prefix[i] * powers[n - 1 - i]) + suffix[i + 1]);

        private static void AddDeletionHashes(string word, List<ulong> hashes)
        {
            var n = word.Length;
            var prefix = new ulong[n + 1];
            var suffix = new ulong[n + 1];
            var powers = new ulong[n + 1];
            HashParts(word, prefix, suffix, powers);
            for (var i = 0; i < n; i++)
            {
                hashes.Add(DeletionHash(prefix, suffix, powers, n, i));
            }
        }
    }

    /// <summary>
    /// The best ranks so far, best first, at most one per movie: a key that beats the last kept enters (replacing its
    /// movie's worse rank if that movie is in), so a movie ends at the best rank over its keys.
    /// </summary>
    private struct BestRanks(int capacity)
    {
        private readonly SuggestionRank[] _ranks = new SuggestionRank[capacity];
        private int _count;

        public readonly bool IsFull => _count == _ranks.Length;

        public readonly SuggestionRank Last => _ranks[_count - 1];

        public void Offer(SuggestionRank rank)
        {
            if (_ranks.Length == 0 || (IsFull && rank.CompareTo(Last) >= 0))
            {
                return;
            }

            for (var i = 0; i < _count; i++)
            {
                if (_ranks[i].Index == rank.Index)
                {
                    if (rank.CompareTo(_ranks[i]) >= 0)
                    {
                        return;
                    }

                    Array.Copy(_ranks, i + 1, _ranks, i, _count - i - 1);
                    _count--;
                    break;
                }
            }

            var at = _count < _ranks.Length ? _count++ : _count - 1;
            while (at > 0 && rank.CompareTo(_ranks[at - 1]) < 0)
            {
                _ranks[at] = _ranks[at - 1];
                at--;
            }

            _ranks[at] = rank;
        }

        public readonly SuggestionRank[] ToArray() => _ranks[.._count];
    }

    /// <summary>
    /// Levenshtein distances from one query to many keys, each continuing from the beginning it shares with the key
    /// before: the columns of the dynamic programme are kept per key letter as bit vectors (Myers 1999, global form,
    /// in blocks of 64 query letters), so a key costs (its length − the shared beginning) × ⌈query length / 64⌉ steps.
    /// </summary>
    internal sealed class SharedPrefixDistance
    {
        // Beyond this many words of kept columns, deeper letters reuse two rows (a very long query still works).
        private const int MaxKeptWords = 1 << 18;

        private readonly int _blocks;
        private readonly ulong _lastBit;
        private readonly int _queryLength;
        private readonly int[] _asciiRows;
        private readonly Dictionary<char, int>? _otherRows;
        private readonly ulong[] _matches;
        private readonly int _keptDepth;
        private readonly ulong[] _plus;
        private readonly ulong[] _minus;
        private readonly int[] _scores;
        private string _last = "";

        /// <summary>
        /// Prepares distances from <paramref name="query"/> to keys made of <paramref name="letters"/> (all letters
        /// when <see langword="null"/>), up to <paramref name="longestKey"/> long; columns are kept for sharing up to
        /// <paramref name="maxKeptWords"/> words.
        /// </summary>
        public SharedPrefixDistance(string query, IReadOnlySet<char>? letters, int longestKey, int maxKeptWords = MaxKeptWords)
        {
            _queryLength = query.Length;
            _blocks = (query.Length + 63) / 64;
            _lastBit = 1UL << ((query.Length - 1) & 63);
            _asciiRows = new int[128];
            var rows = 1;
            foreach (var c in query)
            {
                if (letters is not null && !letters.Contains(c))
                {
                    continue;
                }

                if (c < 128)
                {
                    if (_asciiRows[c] == 0)
                    {
                        _asciiRows[c] = rows++;
                    }
                }
                else
                {
                    _otherRows ??= [];
                    if (_otherRows.TryAdd(c, rows))
                    {
                        rows++;
                    }
                }
            }

            _matches = new ulong[rows * _blocks];
            for (var i = 0; i < query.Length; i++)
            {
                var row = RowOf(query[i]);
                if (row != 0)
                {
                    _matches[(row * _blocks) + (i >> 6)] |= 1UL << (i & 63);
                }
            }

            _keptDepth = _blocks == 0 ? longestKey : Math.Min(longestKey, Math.Max(1, maxKeptWords / _blocks));
            var depths = _keptDepth + 3;
            _plus = new ulong[depths * _blocks];
            _minus = new ulong[depths * _blocks];
            _scores = new int[depths];
            Array.Fill(_plus, ulong.MaxValue, 0, _blocks);
            _scores[0] = query.Length;
        }

        /// <summary>The Levenshtein distance from the query to <paramref name="key"/>.</summary>
        /// <param name="key">The key.</param>
        /// <param name="shared">How many first letters <paramref name="key"/> shares with the key before, when the
        /// caller knows; negative to compare them here.</param>
        public int To(string key, int shared = -1)
        {
            if (_blocks == 0)
            {
                return key.Length;
            }

            // Columns up to the shared beginning are those of the previous key.
            Debug.Assert(shared < 0 || shared == _last.AsSpan().CommonPrefixLength(key));
            shared = shared >= 0 ? shared : _last.AsSpan().CommonPrefixLength(key);
            var depth = Math.Min(Math.Min(shared, _keptDepth), _last.Length);
            var blocks = _blocks;
            for (; depth < key.Length; depth++)
            {
                var from = Slot(depth);
                var to = Slot(depth + 1);
                var row = RowOf(key[depth]) * blocks;
                var carry = 1; // the first row's column difference: D[0][j] = j
                for (var b = 0; b < blocks; b++)
                {
                    var plus = _plus[(from * blocks) + b];
                    var minus = _minus[(from * blocks) + b];
                    var equal = _matches[row + b];
                    var vertical = equal | minus;
                    if (carry < 0)
                    {
                        equal |= 1;
                    }

                    var horizontal = (((equal & plus) + plus) ^ plus) | equal;
                    var horizontalPlus = minus | ~(horizontal | plus);
                    var horizontalMinus = plus & horizontal;
                    var high = b == blocks - 1 ? _lastBit : 1UL << 63;
                    var carryOut = (horizontalPlus & high) != 0 ? 1 : (horizontalMinus & high) != 0 ? -1 : 0;
                    horizontalPlus <<= 1;
                    horizontalMinus <<= 1;
                    if (carry < 0)
                    {
                        horizontalMinus |= 1;
                    }
                    else if (carry > 0)
                    {
                        horizontalPlus |= 1;
                    }

                    _plus[(to * blocks) + b] = horizontalMinus | ~(vertical | horizontalPlus);
                    _minus[(to * blocks) + b] = horizontalPlus & vertical;
                    carry = carryOut;
                }

                _scores[to] = _scores[from] + carry;
            }

            _last = key;
            var result = _scores[Slot(key.Length)];
            Debug.Assert(result >= Math.Abs(_queryLength - key.Length));
            return result;
        }

        private int Slot(int depth) => depth <= _keptDepth ? depth : _keptDepth + 1 + (depth & 1);

        private int RowOf(char c) => c < 128 ? _asciiRows[c] : _otherRows is not null && _otherRows.TryGetValue(c, out var row) ? row : 0;
    }
}
