using System.Diagnostics;

namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    /// <summary>The 19 genres of ml-100k in the order of the flags in <c>u.item</c>, as listed in <c>u.genre</c>.</summary>
    private static readonly string[] Ml100kGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>The genre name that the CSV releases use for a movie without genres.</summary>
    private const string NoGenresListed = "(no genres listed)";

    private static readonly IReadOnlyList<string> Ml100kGenresView = Array.AsReadOnly(Ml100kGenres);

    /// <summary>The genre names of ml-100k, in flag order, used when <c>u.genre</c> is not at hand.</summary>
    /// <remarks>A read-only view (19 names): <c>unknown</c>, <c>Action</c>, ..., <c>Western</c>.</remarks>
    public static IReadOnlyList<string> DefaultMl100kGenres => Ml100kGenresView;

    /// <summary>Reads the movies file of a release.</summary>
    /// <param name="path">
    /// The movies file: <c>u.item</c>, <c>movies.dat</c> or <c>movies.csv</c>. For ml-100k the genre names come from
    /// <c>u.genre</c> beside it when that file exists, else from <see cref="DefaultMl100kGenres"/>.
    /// </param>
    /// <param name="release">The release the file belongs to; it decides the layout and the encoding.</param>
    /// <returns>The movies in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (see <see cref="ReadMovies(Stream, MovieLensRelease, string, IReadOnlyList{string}?)"/>).</exception>
    public static IReadOnlyList<Movie> ReadMovies(string path, MovieLensRelease release)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ReleaseFormat.Validate(release, nameof(release));
        IReadOnlyList<string>? genres = null;
        if (release == MovieLensRelease.Ml100k)
        {
            var genrePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "u.genre");
            if (File.Exists(genrePath))
            {
                genres = ReadGenres(genrePath);
            }
        }

        using var stream = MovieLensFile.OpenSequential(path);
        return ReadMovies(stream, release, path, genres);
    }

    /// <summary>Reads movies from <paramref name="stream"/> in the layout of <paramref name="release"/>.</summary>
    /// <param name="stream">A readable stream of the movies file's bytes; left open.</param>
    /// <param name="release">The release the data belongs to; it decides the layout and the encoding.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <param name="ml100kGenres">For ml-100k, the genre names in flag order (from <c>u.genre</c>); <see langword="null"/> for <see cref="DefaultMl100kGenres"/>. Ignored by the other releases.</param>
    /// <returns>The movies in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="InvalidDataException">
    /// A line is malformed: a wrong field count, an id that is not a non-negative integer up to <see cref="int.MaxValue"/>,
    /// a genre flag other than 0 or 1 (ml-100k), or a missing CSV header <c>movieId,title,genres</c>; or a movie id is
    /// repeated (the message names the line of its first definition too).
    /// </exception>
    /// <remarks>
    /// <para>Layouts: ml-100k <c>id|title|release date|video release date|IMDb URL|</c> then one 0/1 flag per genre;
    /// ml-1m and ml-10m <c>id::title::Genre|Genre</c>; CSV <c>movieId,title,genres</c> with RFC 4180 quoting (a title in
    /// double quotes may hold commas and doubled quotes).</para>
    /// <para>Titles are kept exactly as written; <see cref="Movie.Year"/> is parsed from a trailing <c>(YYYY)</c>,
    /// trailing spaces tolerated, and is <see langword="null"/> when the title has none. The genre
    /// <c>(no genres listed)</c> means no genres. Blank lines are skipped; an empty file gives no movies.</para>
    /// </remarks>
    public static IReadOnlyList<Movie> ReadMovies(Stream stream, MovieLensRelease release, string displayName, IReadOnlyList<string>? ml100kGenres = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        ReleaseFormat.Validate(release, nameof(release));
        var separator = release switch
        {
            MovieLensRelease.Ml100k => FieldSeparator.Pipe,
            MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => FieldSeparator.DoubleColon,
            _ => FieldSeparator.Csv,
        };
        using var reader = new DelimitedRecordReader(stream, displayName, separator, ReleaseFormat.Decoding(release), leaveOpen: true);
        var movies = new List<Movie>();
        if (separator == FieldSeparator.Csv && !reader.ReadHeader("movieId,title,genres"))
        {
            return movies;
        }

        var genreNames = ml100kGenres ?? Ml100kGenres;
        var firstLines = new Dictionary<int, long>();
        while (reader.ReadRecord())
        {
            if (separator == FieldSeparator.Pipe)
            {
                reader.ExpectFieldCount(5 + genreNames.Count, $"id|title|release date|video release date|IMDb URL and {genreNames.Count} genre flags");
                var id = reader.FieldId(0, "movie id");
                reader.ExpectNewId(firstLines, id, "movie id");
                var title = reader.FieldString(1);
                var genres = new List<string>();
                for (var g = 0; g < genreNames.Count; g++)
                {
                    var flag = reader.FieldBytes(5 + g);
                    if (flag.Length != 1 || (flag[0] != (byte)'0' && flag[0] != (byte)'1'))
                    {
                        reader.Fail($"genre flag {g + 1} ({genreNames[g]}) is \"{reader.Decode(flag)}\", not 0 or 1");
                    }

                    if (flag[0] == (byte)'1')
                    {
                        genres.Add(genreNames[g]);
                    }
                }

                movies.Add(new Movie(id, title, ParseYear(title), genres.ToArray()));
            }
            else
            {
                reader.ExpectFieldCount(3, separator == FieldSeparator.Csv ? "movieId,title,genres" : "id::title::genres");
                var id = reader.FieldId(0, "movie id");
                reader.ExpectNewId(firstLines, id, "movie id");
                var title = reader.FieldString(1);
                movies.Add(new Movie(id, title, ParseYear(title), SplitGenres(reader.FieldString(2))));
            }
        }

        return movies;
    }

    /// <summary>Reads the genre names of ml-100k from <c>u.genre</c> (<c>name|index</c> lines), in index order.</summary>
    /// <param name="path">The <c>u.genre</c> file.</param>
    /// <returns>The genre names; the i-th names the i-th flag of <c>u.item</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is not <c>name|index</c>, or the indexes are not 0, 1, 2, ... in order.</exception>
    public static IReadOnlyList<string> ReadGenres(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = MovieLensFile.OpenSequential(path);
        return ReadGenres(stream, path);
    }

    /// <summary>Reads the genre names of ml-100k from <paramref name="stream"/> (<c>u.genre</c> layout), in index order.</summary>
    /// <param name="stream">A readable stream of the genre file's bytes; left open.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <returns>The genre names; the i-th names the i-th flag of <c>u.item</c>, as <see cref="ReadMovies(Stream, MovieLensRelease, string, IReadOnlyList{string}?)"/> takes them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">A line is not <c>name|index</c>, or the indexes are not 0, 1, 2, ... in order.</exception>
    public static IReadOnlyList<string> ReadGenres(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        using var reader = new DelimitedRecordReader(stream, displayName, FieldSeparator.Pipe, TextDecoding.Latin1, leaveOpen: true);
        var names = new List<string>();
        while (reader.ReadRecord())
        {
            reader.ExpectFieldCount(2, "name|index");
            var index = reader.FieldId(1, "genre index");
            if (index != names.Count)
            {
                reader.Fail($"genre index {index} is out of order; expected {names.Count}");
            }

            names.Add(reader.FieldString(0));
        }

        return names;
    }

    /// <summary>The year of a trailing <c>(YYYY)</c> in a title, trailing spaces tolerated; <see langword="null"/> when there is none.</summary>
    internal static int? ParseYear(string title)
    {
        var text = title.AsSpan().TrimEnd();
        if (text.Length < 6 || text[^1] != ')' || text[^6] != '(')
        {
            return null;
        }

        var year = 0;
        foreach (var c in text[^5..^1])
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }

            year = (year * 10) + (c - '0');
        }

        return year;
    }

    private static string[] SplitGenres(string genres)
    {
        if (genres.Length == 0 || genres == NoGenresListed)
        {
            return [];
        }

        var names = genres.Split('|');
        Debug.Assert(names.Length > 0);
        return names;
    }
}
