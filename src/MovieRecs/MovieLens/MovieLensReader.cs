namespace MovieRecs.MovieLens;

/// <summary>
/// Reads the files of every MovieLens release: ratings (streamed or into a <see cref="RatingsTable"/>), movies,
/// users, tags and links, and tells a release from the files in a folder.
/// </summary>
/// <remarks>
/// <para>
/// Every method takes either a path or a <see cref="Stream"/> plus a display name used in error messages. Malformed
/// input throws <see cref="InvalidDataException"/> whose message names the file, the 1-based line number, the reason
/// and the offending line text (cut to 200 characters); a missing file throws <see cref="FileNotFoundException"/>
/// naming the path.
/// </para>
/// <para>
/// Encodings: ml-100k and ml-1m are ISO-8859-1 (Latin-1). ml-10m and the CSV releases are UTF-8; a line that is not
/// valid UTF-8 is decoded as Latin-1 rather than failing, so a file saved in either encoding reads right.
/// A UTF-8 byte order mark at the start of any file is skipped; lines may end in LF or CR LF.
/// </para>
/// <para>All members are static and thread-safe; each call reads its own file.</para>
/// </remarks>
public static partial class MovieLensReader
{
    /// <summary>The name of the ratings file of <paramref name="release"/>: <c>u.data</c>, <c>ratings.dat</c> or <c>ratings.csv</c>.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The file name, without folder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string GetRatingsFileName(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        return ReleaseFormat.RatingsFileName(release);
    }

    /// <summary>The name of the movies file of <paramref name="release"/>: <c>u.item</c>, <c>movies.dat</c> or <c>movies.csv</c>.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The file name, without folder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string GetMoviesFileName(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        return ReleaseFormat.MoviesFileName(release);
    }

    /// <summary>The name of the users file of <paramref name="release"/> (<c>u.user</c> or <c>users.dat</c>), or <see langword="null"/> for releases without demographics (ml-10m and later).</summary>
    /// <param name="release">The release.</param>
    /// <returns>The file name, without folder, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string? GetUsersFileName(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        return ReleaseFormat.UsersFileName(release);
    }

    /// <summary>The name of the tags file of <paramref name="release"/> (<c>tags.dat</c> or <c>tags.csv</c>), or <see langword="null"/> for ml-100k and ml-1m, which have none.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The file name, without folder, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string? GetTagsFileName(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        return ReleaseFormat.TagsFileName(release);
    }
}
