using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>How the files of each release are laid out and encoded.</summary>
internal static class ReleaseFormat
{
    /// <summary>Throws when <paramref name="release"/> is not a defined <see cref="MovieLensRelease"/>.</summary>
    public static void Validate(MovieLensRelease release, string paramName)
    {
        if (!Enum.IsDefined(release))
        {
            ThrowHelper.ThrowArgumentOutOfRange(paramName, release, $"{paramName} is {(int)release}, which is not a defined MovieLensRelease.");
        }
    }

    /// <summary>True for the releases stored as CSV with a header (ml-20m and later).</summary>
    public static bool IsCsv(MovieLensRelease release) => release >= MovieLensRelease.Ml20m;

    /// <summary>True where ratings are in half stars 0.5..5; false where they are whole stars 1..5.</summary>
    public static bool HasHalfStars(MovieLensRelease release) => release >= MovieLensRelease.Ml10m;

    /// <summary>The separator of the ratings file.</summary>
    public static RatingsLayout RatingsLayout(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => MovieLens.RatingsLayout.Tab,
        MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => MovieLens.RatingsLayout.DoubleColon,
        _ => MovieLens.RatingsLayout.Csv,
    };

    /// <summary>How text fields (titles, tags, occupations) are decoded.</summary>
    public static TextDecoding Decoding(MovieLensRelease release) =>
        release <= MovieLensRelease.Ml1m ? TextDecoding.Latin1 : TextDecoding.Utf8WithLatin1Fallback;

    public static string RatingsFileName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "u.data",
        MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "ratings.dat",
        _ => "ratings.csv",
    };

    public static string MoviesFileName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "u.item",
        MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "movies.dat",
        _ => "movies.csv",
    };

    public static string? UsersFileName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "u.user",
        MovieLensRelease.Ml1m => "users.dat",
        _ => null,
    };

    public static string? TagsFileName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k or MovieLensRelease.Ml1m => null,
        MovieLensRelease.Ml10m => "tags.dat",
        _ => "tags.csv",
    };

    public static string? LinksFileName(MovieLensRelease release) => IsCsv(release) ? "links.csv" : null;
}

/// <summary>The field separator of a ratings file.</summary>
internal enum RatingsLayout
{
    /// <summary>ml-100k <c>u.data</c> and its splits: tab-separated, no header.</summary>
    Tab,

    /// <summary>ml-1m and ml-10m <c>ratings.dat</c>: <c>::</c>-separated, no header.</summary>
    DoubleColon,

    /// <summary>CSV releases: comma-separated with the header <c>userId,movieId,rating,timestamp</c>.</summary>
    Csv,
}

/// <summary>How the bytes of text fields become strings.</summary>
internal enum TextDecoding
{
    /// <summary>ISO-8859-1: each byte is the code point of the same value.</summary>
    Latin1,

    /// <summary>UTF-8; a line that is not valid UTF-8 is decoded as ISO-8859-1 instead of failing.</summary>
    Utf8WithLatin1Fallback,
}
