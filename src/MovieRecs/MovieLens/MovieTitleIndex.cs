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
/// An unknown title throws <see cref="MovieNotFoundException"/> with the closest titles; it never yields a new movie.
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
/// Cost: building is O(total title length); a lookup is O(title length) with a few dictionary probes and allocates
/// only its normalized keys; suggestions scan every title (O(movies × title length²) for the edit distances) and
/// are computed only for the exception or <see cref="Suggest"/>. The index copies the list it is given, is immutable
/// and is safe to use from many threads.
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

    private readonly Movie[] _movies;
    private readonly Dictionary<string, int[]>[] _levels;
    private readonly string[][] _suggestionKeys;
    private readonly int?[] _years;

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
        _years = new int?[_movies.Length];
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
            }

            _suggestionKeys[i] = [.. loose];
        }

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
    /// <c>"the matrix (1999)"</c> or <c>"Toy Story"</c>.</param>
    /// <returns>The movie.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="title"/> is empty or white space.</exception>
    /// <exception cref="MovieNotFoundException">No movie fits; the exception lists the five closest titles.</exception>
    /// <exception cref="AmbiguousMovieTitleException">Several movies fit (e.g. the year is missing); the exception
    /// lists them with their years.</exception>
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
    /// <returns>The fitting movies in index order; empty when none fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<Movie> FindAll(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return string.IsNullOrWhiteSpace(title) ? ReadOnlyCollection<Movie>.Empty : ToMovies(MatchIndexes(title));
    }

    /// <summary>
    /// The titles closest to <paramref name="title"/>: most words in common first (a word counts when it is within
    /// one edit of a title word), then the smallest edit distance between the normalized titles, then the nearest
    /// year when the query has one.
    /// </summary>
    /// <param name="title">The title as a person types it.</param>
    /// <param name="count">How many to return (default 5).</param>
    /// <returns>Up to <paramref name="count"/> movies, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
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
        var ranked = new (int Words, int Distance, int YearGap, int Index)[_movies.Length];
        for (var i = 0; i < _movies.Length; i++)
        {
            var bestWords = 0;
            var bestDistance = int.MaxValue;
            foreach (var key in _suggestionKeys[i])
            {
                var words = SharedWords(queryWords, key);
                var distance = EditDistance(query, key);
                if (words > bestWords || (words == bestWords && distance < bestDistance))
                {
                    bestWords = words;
                    bestDistance = distance;
                }
            }

            var yearGap = parsed.Year is int y && _years[i] is int movieYear ? Math.Abs(y - movieYear) : 0;
            ranked[i] = (-bestWords, bestDistance, yearGap, i);
        }

        Array.Sort(ranked);
        var result = new Movie[Math.Min(count, ranked.Length)];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _movies[ranked[i].Index];
        }

        return new ReadOnlyCollection<Movie>(result);
    }

    private int[] MatchIndexes(string title)
    {
        var parsed = ParseTitle(title);
        var strictKey = StrictKey(parsed.Body);
        if (strictKey.Length == 0)
        {
            return [];
        }

        var looseKey = LooseKey(strictKey);
        var levels = StrictWithoutYear;
        if (parsed.Year is int year)
        {
            strictKey = WithYear(strictKey, year);
            looseKey = WithYear(looseKey, year);
            levels = StrictWithYear;
        }

        return Lookup(levels, strictKey) ?? Lookup(levels + 1, strictKey)
            ?? Lookup(levels + 2, looseKey) ?? Lookup(levels + 3, looseKey) ?? [];
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
}
