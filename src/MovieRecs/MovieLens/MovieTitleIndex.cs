using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// Finds movies by the titles people type: case-insensitive, diacritic-insensitive, tolerant of extra white space,
/// of MovieLens's trailing articles (<c>"Matrix, The (1999)"</c> is found by <c>"the matrix (1999)"</c>,
/// <c>"matrix, the (1999)"</c>, <c>"The Matrix"</c> or <c>"matrix"</c>; likewise A, An and the foreign articles such as
/// Les, La, Le, L', Il, Das, Der, Die, El, Los, Las), of a missing year and of MovieLens's alternative titles in
/// parentheses (<c>"City of Lost Children, The (Cité des enfants perdus, La) (1995)"</c> is found by either title).
/// When no title fits whole, the beginning of a title or a subtitle does: <c>"star wars"</c> fits the four
/// <c>"Star Wars: Episode …"</c> titles (ambiguous, so they are listed), <c>"empire strikes back"</c> the one whose
/// subtitle it is. An unknown title throws <see cref="MovieNotFoundException"/> with the closest titles; it never
/// yields a new movie. <see cref="Match"/> resolves a list of titles without throwing.
/// </summary>
/// <remarks>
/// <para>
/// Matching goes through levels and stops at the first that fits any movie: the normalized title, then the same
/// without punctuation and leading articles; each first against whole titles, then against their main and
/// alternative parts; with the year when the query has one, else without. A level that fits one movie returns it; one that fits several is ambiguous
/// (<see cref="AmbiguousMovieTitleException"/> from <see cref="Find"/>, <see langword="false"/> from
/// <see cref="TryFind"/>), so <c>"Hamlet"</c> asks for a year when several Hamlets exist.
/// </para>
/// <para>
/// When no level fits, and the words typed are not a whole title of another year, the last level compares whole
/// words (without punctuation and leading articles) against the beginning of every title, alternative title and
/// subtitle (the part after <c>": "</c>, <c>" - "</c> or <c>" – "</c>, so <c>"Star Wars: Episode IV - A New Hope"</c> has the
/// subtitles <c>"Episode IV - A New Hope"</c> and <c>"A New Hope"</c>), keeping only the query's year when it has one:
/// <c>"star wars: episode iv"</c> and <c>"a new hope"</c> fit one movie, <c>"star wars"</c> several; <c>"star war"</c>
/// fits none, since the last word must be whole.
/// </para>
/// <para>
/// Several fitting movies are listed in a fixed order that does not depend on the order of the list given (unless
/// ids repeat). Movies the query names as a whole title come by year (no year last), then id. Movies a query begins
/// come titles first, then those where only a subtitle fits; then the shorter normalized title (or subtitle), so
/// <c>"Star Trek: Generations"</c> comes before <c>"Star Trek: The Motion Picture"</c>; then the earlier year (no
/// year last), then the smaller id, then the position in the list given. The index knows nothing of popularity.
/// Suggestions are ordered as <see cref="Suggest"/> says.
/// </para>
/// <para>
/// Cost: building is O(total title length) plus sorting the title beginnings; a lookup is O(title length) with a few
/// dictionary probes and allocates only its normalized keys; a lookup that falls through to the beginnings adds a
/// binary search over them and a scan of those that fit. Suggestions are computed only for the exception,
/// <see cref="Match"/> or <see cref="Suggest"/>. A list of up to 64 searches a suggestion index built at the first
/// such call (at 62,000 titles about 0.4 s and 12 MB): the titles that begin with or hold the query come from the
/// sorted beginnings and an inverted index of words, the shared words from that index and the words within one edit
/// of the query's, and edit distances (bit-parallel, sharing the beginnings of sorted titles) are computed only for the
/// titles whose length can still beat the list's last, so an unknown title costs at most one short distance per title
/// (about 1 to 7 ms at 62,000 generated titles). A longer list ranks every title in full
/// (O(movies × query length × title length)). The index copies the list it is given, is immutable and is safe to
/// use from many threads.
/// </para>
/// </remarks>
public sealed partial class MovieTitleIndex
{
    // Lookup levels, each pair being (whole title, its main and alternative parts).
    private const int StrictWithYear = 0;
    private const int LooseWithYear = 2;
    private const int StrictWithoutYear = 4;
    private const int LooseWithoutYear = 6;
    private const int LevelCount = 8;

    // Longer lists are cheaper ranked whole than kept in order one candidate at a time.
    private const int MaxIndexedSuggestions = 64;

    /// <summary>The groups of <see cref="Suggest"/>, best first.</summary>
    private enum SuggestionGroup
    {
        Beginning,
        Contains,
        Other,
    }

    private readonly Movie[] _movies;
    private readonly Dictionary<string, int[]>[] _levels;
    private readonly string[][] _suggestionKeys;
    private readonly string[][] _searchKeys;
    private readonly int?[] _years;

    // Loose keys of every title, alternative title and subtitle, sorted ordinally, with (movie index << 1 | 1 for a
    // subtitle) beside each: the range that starts with a query is found by binary search.
    private readonly string[] _prefixKeys;
    private readonly int[] _prefixEntries;

    // What Suggest searches for a short list, built on the first such call.
    private readonly Lazy<SuggestionIndex> _suggestionIndex;

    /// <summary>Indexes <paramref name="movies"/> (copied; the order decides nothing but tie-breaking by position).</summary>
    /// <param name="movies">The movies, e.g. from a MovieLens <c>movies.dat</c> or a synthetic data set.</param>
    /// <exception cref="ArgumentNullException"><paramref name="movies"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An element of <paramref name="movies"/> is <see langword="null"/>.</exception>
    public MovieTitleIndex(IEnumerable<Movie> movies)
    {
        ArgumentNullException.ThrowIfNull(movies);
        _movies = [.. movies];
        _levels = new Dictionary<string, int[]>[LevelCount];
        var building = new Dictionary<string, List<int>>[LevelCount];
        for (var level = 0; level < building.Length; level++)
        {
            building[level] = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        }

        _suggestionKeys = new string[_movies.Length][];
        _searchKeys = new string[_movies.Length][];
        _years = new int?[_movies.Length];
        var prefixKeys = new List<string>();
        var prefixEntries = new List<int>();
        for (var i = 0; i < _movies.Length; i++)
        {
            var movie = _movies[i];
            if (movie is null)
            {
                ThrowHelper.ThrowArgument(nameof(movies), $"movies[{i}] is null.");
            }

            var parsed = ParseTitle(movie.Title);
            var year = parsed.Year ?? movie.Year;
            _years[i] = year;
            var loose = new List<string>();
            var subtitles = new List<string>();
            var variants = TitleVariants(parsed.Body);
            for (var v = 0; v < variants.Count; v++)
            {
                var strictKey = StrictKey(variants[v]);
                var looseKey = LooseKey(strictKey);
                if (strictKey.Length == 0)
                {
                    continue;
                }

                // The whole title outranks its parts (main and alternative titles).
                var part = v == 0 ? 0 : 1;
                if (year is int y)
                {
                    Add(building[StrictWithYear + part], WithYear(strictKey, y), i);
                    Add(building[LooseWithYear + part], WithYear(looseKey, y), i);
                }

                Add(building[StrictWithoutYear + part], strictKey, i);
                Add(building[LooseWithoutYear + part], looseKey, i);
                if (!loose.Contains(looseKey))
                {
                    loose.Add(looseKey);
                }

                AddSubtitles(strictKey, subtitles);
            }

            subtitles.RemoveAll(loose.Contains);
            _suggestionKeys[i] = [.. loose];
            _searchKeys[i] = [.. loose, .. subtitles];
            foreach (var key in loose)
            {
                if (key.Length > 0)
                {
                    prefixKeys.Add(key);
                    prefixEntries.Add(i << 1);
                }
            }

            foreach (var key in subtitles)
            {
                prefixKeys.Add(key);
                prefixEntries.Add((i << 1) | 1);
            }
        }

        _suggestionIndex = new Lazy<SuggestionIndex>(() => new SuggestionIndex(this), LazyThreadSafetyMode.ExecutionAndPublication);
        _prefixKeys = [.. prefixKeys];
        _prefixEntries = [.. prefixEntries];
        Array.Sort(_prefixKeys, _prefixEntries, StringComparer.Ordinal);

        for (var level = 0; level < building.Length; level++)
        {
            _levels[level] = new Dictionary<string, int[]>(building[level].Count, StringComparer.Ordinal);
            foreach (var (key, list) in building[level])
            {
                _levels[level][key] = [.. list];
            }
        }
    }

    /// <summary>The number of indexed movies.</summary>
    public int Count => _movies.Length;

    /// <summary>Finds the one movie with this title.</summary>
    /// <param name="title">The title as a person types it, with or without the year, e.g.
    /// <c>"the matrix (1999)"</c> or <c>"Toy Story"</c>; or, when no title is that, the beginning of a title or a
    /// subtitle in whole words, e.g. <c>"star wars: episode iv"</c> or <c>"empire strikes back"</c>.</param>
    /// <returns>The movie.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="title"/> is empty or white space.</exception>
    /// <exception cref="MovieNotFoundException">No movie fits; the exception lists the five closest titles.</exception>
    /// <exception cref="AmbiguousMovieTitleException">Several movies fit (e.g. the year is missing, or the query
    /// begins several titles); the exception lists them with their years.</exception>
    public Movie Find(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var matches = MatchIndexes(title);
        if (matches.Length == 1)
        {
            return _movies[matches[0]];
        }

        if (matches.Length == 0)
        {
            throw new MovieNotFoundException(title, Suggest(title));
        }

        throw new AmbiguousMovieTitleException(title, ToMovies(matches));
    }

    /// <summary>Finds the one movie with this title, without throwing when there is none or several.</summary>
    /// <param name="title">The title as a person types it.</param>
    /// <param name="movie">The movie when exactly one fits; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when exactly one movie fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    public bool TryFind(string title, [NotNullWhen(true)] out Movie? movie)
    {
        ArgumentNullException.ThrowIfNull(title);
        var matches = string.IsNullOrWhiteSpace(title) ? [] : MatchIndexes(title);
        movie = matches.Length == 1 ? _movies[matches[0]] : null;
        return movie is not null;
    }

    /// <summary>All movies that the first fitting level of matching gives for this title (none, one or several).</summary>
    /// <param name="title">The title as a person types it.</param>
    /// <returns>The fitting movies in the order the class remarks give; empty when none fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<Movie> FindAll(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return string.IsNullOrWhiteSpace(title) ? ReadOnlyCollection<Movie>.Empty : ToMovies(MatchIndexes(title));
    }

    /// <summary>
    /// Resolves several titles at once without throwing: those that fit one movie give <see cref="TitleMatches.Found"/>,
    /// the others (unknown, ambiguous or blank) <see cref="TitleMatches.Unresolved"/> with the movies they could mean,
    /// so that a caller can use what was found and tell the person what was not.
    /// </summary>
    /// <param name="titles">Titles as a person types them, matched as <see cref="Find"/> matches each.</param>
    /// <returns>The found movies, one per found title in the order given (a movie named twice appears twice), and
    /// the unresolved titles in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="titles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An element of <paramref name="titles"/> is <see langword="null"/>.</exception>
    /// <remarks>An unknown title costs a <see cref="Suggest"/> search (see the class remarks); the others cost a lookup.</remarks>
    public TitleMatches Match(IEnumerable<string> titles)
    {
        ArgumentNullException.ThrowIfNull(titles);
        var found = new List<Movie>();
        var unresolved = new List<UnresolvedTitle>();
        var position = 0;
        foreach (var title in titles)
        {
            if (title is null)
            {
                ThrowHelper.ThrowArgument(nameof(titles), $"titles[{position}] is null.");
            }

            var matches = string.IsNullOrWhiteSpace(title) ? [] : MatchIndexes(title);
            if (matches.Length == 1)
            {
                found.Add(_movies[matches[0]]);
            }
            else if (matches.Length == 0)
            {
                var suggestions = string.IsNullOrWhiteSpace(title) ? ReadOnlyCollection<Movie>.Empty : Suggest(title);
                unresolved.Add(new UnresolvedTitle(title, isAmbiguous: false, suggestions));
            }
            else
            {
                unresolved.Add(new UnresolvedTitle(title, isAmbiguous: true, ToMovies(matches)));
            }

            position++;
        }

        return new TitleMatches(found, unresolved);
    }

    /// <summary>
    /// The titles closest to <paramref name="title"/>, best first. First come the movies whose title, alternative
    /// title or subtitle begins with the query's whole words (the nearest year first when the query has one, then
    /// titles before subtitles); then those whose title holds the query's words together, or begins with the query
    /// when its last word is cut short (<c>"star war"</c>), the nearest year first; then the rest by most words in
    /// common (a word counts when it is within one edit of a title word), then the smallest edit distance between the
    /// normalized titles, then the nearest year. Remaining ties go to the shorter normalized title (or subtitle), then
    /// the earlier year (no year last), then the smaller id, then the position in the list given; so without a year,
    /// the movies a query begins come in the order <see cref="FindAll"/> gives them.
    /// </summary>
    /// <param name="title">The title as a person types it.</param>
    /// <param name="count">How many to return (default 5).</param>
    /// <returns>Up to <paramref name="count"/> movies, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <remarks>Up to 64 suggestions come from the suggestion index (see the class remarks), the same as ranking every
    /// movie in full, which a longer list does.</remarks>
    public IReadOnlyList<Movie> Suggest(string title, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || _movies.Length == 0)
        {
            return ReadOnlyCollection<Movie>.Empty;
        }

        var parsed = ParseTitle(title);
        var query = LooseKey(StrictKey(parsed.Body));
        var queryWords = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var best = count <= MaxIndexedSuggestions
            ? _suggestionIndex.Value.Best(parsed.Year, query, queryWords, count)
            : RankEveryMovie(parsed.Year, query, queryWords, count);
        var result = new Movie[best.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _movies[best[i].Index];
        }

        return new ReadOnlyCollection<Movie>(result);
    }

    /// <summary>
    /// What <see cref="Suggest"/> gives when it ranks every movie in full: the reference the indexed path must equal.
    /// </summary>
    internal IReadOnlyList<Movie> SuggestByRankingEveryMovie(string title, int count)
    {
        var parsed = ParseTitle(title);
        var query = LooseKey(StrictKey(parsed.Body));
        var best = RankEveryMovie(parsed.Year, query, query.Split(' ', StringSplitOptions.RemoveEmptyEntries), count);
        var result = new Movie[best.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _movies[best[i].Index];
        }

        return new ReadOnlyCollection<Movie>(result);
    }

    /// <summary>Builds the suggestion index now rather than at the first short <see cref="Suggest"/>.</summary>
    internal void PrepareSuggestions() => _ = _suggestionIndex.Value;

    /// <summary>The <paramref name="count"/> best ranks (fewer when there are fewer movies), every movie ranked and sorted.</summary>
    private SuggestionRank[] RankEveryMovie(int? year, string query, string[] queryWords, int count)
    {
        var all = new SuggestionRank[_movies.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = Rank(i, year, query, queryWords);
        }

        Array.Sort(all);
        return all[..Math.Min(count, all.Length)];
    }

    /// <summary>The rank of movie <paramref name="i"/> for <see cref="Suggest"/>, computed in full.</summary>
    private SuggestionRank Rank(int i, int? year, string query, string[] queryWords)
    {
        var group = Group(i, query, out var subtitle, out var length);
        var bestWords = 0;
        var bestDistance = 0;
        if (group == SuggestionGroup.Other)
        {
            var keys = _suggestionKeys[i];
            Span<int> words = keys.Length <= 8 ? stackalloc int[keys.Length] : new int[keys.Length];
            for (var k = 0; k < keys.Length; k++)
            {
                words[k] = SharedWords(queryWords, keys[k]);
                bestWords = Math.Max(bestWords, words[k]);
            }

            bestDistance = int.MaxValue;
            for (var k = 0; k < keys.Length; k++)
            {
                if (words[k] != bestWords)
                {
                    continue;
                }

                var distance = EditDistance(query, keys[k]);
                if (distance < bestDistance || (distance == bestDistance && keys[k].Length < length))
                {
                    bestDistance = distance;
                    length = keys[k].Length;
                }
            }
        }

        return new SuggestionRank(group, -bestWords, bestDistance, YearGap(year, i), subtitle, length, _years[i] ?? int.MaxValue, _movies[i].Id, i);
    }

    /// <summary>
    /// Whether a title, alternative title or subtitle of movie <paramref name="i"/> begins with the query's words,
    /// holds them or begins with the query, and the best such key (titles before subtitles, then the shorter).
    /// </summary>
    private SuggestionGroup Group(int i, string query, out int subtitle, out int length)
    {
        var group = SuggestionGroup.Other;
        subtitle = 0;
        length = int.MaxValue;
        if (query.Length == 0)
        {
            return group;
        }

        var keys = _searchKeys[i];
        for (var k = 0; k < keys.Length; k++)
        {
            var key = keys[k];
            var keyGroup = BeginsWithWords(key, query) ? SuggestionGroup.Beginning
                : key.StartsWith(query, StringComparison.Ordinal) || ContainsWords(key, query) ? SuggestionGroup.Contains
                : SuggestionGroup.Other;
            var keySubtitle = keyGroup == SuggestionGroup.Beginning && k >= _suggestionKeys[i].Length ? 1 : 0;
            if (keyGroup != SuggestionGroup.Other
                && (keyGroup, keySubtitle, key.Length).CompareTo((group, subtitle, length)) < 0)
            {
                (group, subtitle, length) = (keyGroup, keySubtitle, key.Length);
            }
        }

        return group;
    }

    private int YearGap(int? year, int i) => year is int y && _years[i] is int movieYear ? Math.Abs(y - movieYear) : 0;

    /// <summary>The fitting movies' positions, best first (see the class remarks); empty when none fits.</summary>
    /// <remarks>May return an array the index holds: callers only read it.</remarks>
    private int[] MatchIndexes(string title)
    {
        var parsed = ParseTitle(title);
        var strictKey = StrictKey(parsed.Body);
        if (strictKey.Length == 0)
        {
            return [];
        }

        var looseKey = LooseKey(strictKey);
        int[]? exact;
        if (parsed.Year is int year)
        {
            exact = Lookup(StrictWithYear, WithYear(strictKey, year), WithYear(looseKey, year));

            // The words are a whole title, only not of that year: the year is wrong, which no beginning mends.
            if (exact is null && Lookup(StrictWithoutYear, strictKey, looseKey) is not null)
            {
                return [];
            }
        }
        else
        {
            exact = Lookup(StrictWithoutYear, strictKey, looseKey);
        }

        return exact is null ? BeginningMatches(looseKey, parsed.Year)
            : exact.Length == 1 ? exact
            : ByYearAndId(exact);
    }

    /// <summary>The first of the four levels from <paramref name="levels"/> on that fits (whole, then parts; strict, then loose).</summary>
    private int[]? Lookup(int levels, string strictKey, string looseKey) =>
        Lookup(levels, strictKey) ?? Lookup(levels + 1, strictKey) ?? Lookup(levels + 2, looseKey) ?? Lookup(levels + 3, looseKey);

    /// <summary>
    /// The movies with a title, alternative title or subtitle that begins with <paramref name="query"/>'s whole words
    /// (and of <paramref name="year"/> when given), ranked: titles before subtitles, shorter, earlier, smaller id.
    /// </summary>
    private int[] BeginningMatches(string query, int? year)
    {
        if (query.Length == 0)
        {
            return [];
        }

        // The keys that start with the query are one run of the sorted array, from the first key not before it.
        List<(int Subtitle, int Length, int Year, int Id, int Index)>? found = null;
        for (var k = FirstKeyNotBefore(_prefixKeys, query); k < _prefixKeys.Length && _prefixKeys[k].StartsWith(query, StringComparison.Ordinal); k++)
        {
            var key = _prefixKeys[k];
            var index = _prefixEntries[k] >> 1;
            if ((key.Length > query.Length && key[query.Length] != ' ') || (year is int y && _years[index] != y))
            {
                continue;
            }

            found ??= [];
            found.Add((_prefixEntries[k] & 1, key.Length, _years[index] ?? int.MaxValue, _movies[index].Id, index));
        }

        if (found is null)
        {
            return [];
        }

        // Each movie once, at its best key.
        found.Sort();
        var result = new List<int>(found.Count);
        var seen = new HashSet<int>();
        foreach (var entry in found)
        {
            if (seen.Add(entry.Index))
            {
                result.Add(entry.Index);
            }
        }

        return [.. result];
    }

    /// <summary>A copy of <paramref name="indexes"/> ordered by year (none last), then id, then position.</summary>
    private int[] ByYearAndId(int[] indexes)
    {
        var keys = new (int Year, int Id, int Index)[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            var index = indexes[i];
            keys[i] = (_years[index] ?? int.MaxValue, _movies[index].Id, index);
        }

        Array.Sort(keys);
        var result = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            result[i] = keys[i].Index;
        }

        return result;
    }

    private int[]? Lookup(int level, string key) => _levels[level].TryGetValue(key, out var found) ? found : null;

    private ReadOnlyCollection<Movie> ToMovies(int[] indexes)
    {
        var movies = new Movie[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            movies[i] = _movies[indexes[i]];
        }

        return new ReadOnlyCollection<Movie>(movies);
    }

    /// <summary>The index of the first of <paramref name="sortedKeys"/> (in ordinal order) that is not before
    /// <paramref name="query"/>, or their count: where the run of keys starting with <paramref name="query"/> begins.</summary>
    private static int FirstKeyNotBefore(string[] sortedKeys, string query)
    {
        var low = 0;
        var high = sortedKeys.Length;
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (string.CompareOrdinal(sortedKeys[middle], query) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static void Add(Dictionary<string, List<int>> level, string key, int index)
    {
        if (!level.TryGetValue(key, out var list))
        {
            list = [];
            level[key] = list;
        }

        if (list.Count == 0 || list[^1] != index)
        {
            list.Add(index);
        }
    }

    private static string WithYear(string key, int year) => string.Concat(key, "\u0001", year.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The order of <see cref="Suggest"/>: each field breaks the ties of the ones before it.</summary>
    private readonly record struct SuggestionRank(
        SuggestionGroup Group, int NegatedWords, int Distance, int YearGap, int Subtitle, int Length, int Year, int Id, int Index)
        : IComparable<SuggestionRank>
    {
        public int CompareTo(SuggestionRank other)
        {
            // The groups compared as numbers: Enum.CompareTo takes an object and would box both.
            var order = ((int)Group).CompareTo((int)other.Group);
            order = order != 0 ? order : NegatedWords.CompareTo(other.NegatedWords);
            order = order != 0 ? order : Distance.CompareTo(other.Distance);
            order = order != 0 ? order : YearGap.CompareTo(other.YearGap);
            order = order != 0 ? order : Subtitle.CompareTo(other.Subtitle);
            order = order != 0 ? order : Length.CompareTo(other.Length);
            order = order != 0 ? order : Year.CompareTo(other.Year);
            order = order != 0 ? order : Id.CompareTo(other.Id);
            return order != 0 ? order : Index.CompareTo(other.Index);
        }
    }
}
