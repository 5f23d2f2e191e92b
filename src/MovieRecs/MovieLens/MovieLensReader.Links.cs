namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    /// <summary>Reads <c>links.csv</c> of a CSV release (ml-20m and later): <c>movieId,imdbId,tmdbId</c>.</summary>
    /// <param name="path">The links file.</param>
    /// <returns>The links in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (see <see cref="ReadLinks(Stream, string)"/>).</exception>
    public static IReadOnlyList<MovieLink> ReadLinks(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = MovieLensFile.OpenSequential(path);
        return ReadLinks(stream, path);
    }

    /// <summary>Reads links from <paramref name="stream"/> (<c>links.csv</c> layout).</summary>
    /// <param name="stream">A readable stream of the links file's bytes; left open.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <returns>The links in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// A missing header <c>movieId,imdbId,tmdbId</c>, not 3 fields, a bad movie or IMDb id, a TMDB id that is
    /// neither empty nor a non-negative integer, or a movie id that an earlier line already linked (the message names
    /// that line too). IMDb and TMDB ids may repeat: a few movies of the real files share one.
    /// </exception>
    /// <remarks>IMDb ids keep their value but lose their zero padding (<c>0001234</c> becomes 1234). An empty TMDB id becomes <see langword="null"/>.</remarks>
    public static IReadOnlyList<MovieLink> ReadLinks(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        using var reader = new DelimitedRecordReader(stream, displayName, FieldSeparator.Csv, TextDecoding.Utf8WithLatin1Fallback, leaveOpen: true);
        var links = new List<MovieLink>();
        if (!reader.ReadHeader("movieId,imdbId,tmdbId"))
        {
            return links;
        }

        var firstLines = new Dictionary<int, long>();
        while (reader.ReadRecord())
        {
            reader.ExpectFieldCount(3, "movieId,imdbId,tmdbId");
            var movieId = reader.FieldId(0, "movie id");
            reader.ExpectNewId(firstLines, movieId, "movie id");
            links.Add(new MovieLink(movieId, reader.FieldId(1, "IMDb id"), reader.FieldOptionalId(2, "TMDB id")));
        }

        return links;
    }
}
