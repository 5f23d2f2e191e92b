using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>Where <see cref="MovieLensDownloader"/> downloads from, where it caches, and its safety limits.</summary>
/// <remarks>Immutable and thread-safe. Every member has a default suitable for the real GroupLens site.</remarks>
public sealed record MovieLensDownloaderOptions
{
    /// <summary>The GroupLens folder that serves the release zips.</summary>
    public static Uri GroupLensBaseUri { get; } = new("https://files.grouplens.org/datasets/movielens/");

    /// <summary>
    /// The folder that serves <c>ml-1m.zip</c> and the others (and optionally <c>ml-1m.zip.md5</c>). Default
    /// <see cref="GroupLensBaseUri"/>; point it at a mirror or a local test server. Must end with a slash.
    /// </summary>
    public Uri BaseUri { get; init; } = GroupLensBaseUri;

    /// <summary>
    /// The cache folder that holds one sub-folder per release (<c>ml-100k</c>, <c>ml-1m</c>, …). Default
    /// <see langword="null"/>: <see cref="DefaultCacheDirectory"/>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The HTTP client to use (not disposed by the downloader). Default <see langword="null"/>: a shared client.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Expected MD5 checksums (32 hexadecimal digits) by release. Default <see langword="null"/>: the values GroupLens
    /// publishes (<see cref="MovieLensDownloader.PublishedMd5"/>). A release without an entry is checked against the
    /// <c>.md5</c> file served next to its zip.
    /// </summary>
    public IReadOnlyDictionary<MovieLensRelease, string>? Md5Checksums { get; init; }

    /// <summary>Largest zip accepted, in bytes. Default <see langword="null"/>: about twice each release's real size.</summary>
    public long? MaxDownloadBytes { get; init; }

    /// <summary>
    /// Largest total of extracted bytes accepted (a guard against zip bombs). Default <see langword="null"/>: about
    /// twice each release's real extracted size.
    /// </summary>
    public long? MaxExtractedBytes { get; init; }

    /// <summary>
    /// The default cache folder: the <c>MOVIERECS_DATA</c> environment variable when set; otherwise
    /// <c>$XDG_CACHE_HOME/movierecs</c> or <c>~/.cache/movierecs</c> on Linux and macOS, and
    /// <c>%LOCALAPPDATA%\movierecs</c> on Windows.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("MOVIERECS_DATA");
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Path.GetFullPath(fromEnvironment);
            }

            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "movierecs");
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            {
                return Path.Combine(xdg, "movierecs");
            }

            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "movierecs");
        }
    }

    /// <summary>Checks every member.</summary>
    /// <exception cref="ArgumentException"><see cref="BaseUri"/> is not an absolute http(s) URI ending with a slash,
    /// <see cref="CacheDirectory"/> is white space, a checksum is not 32 hexadecimal digits, or a limit is not positive.</exception>
    public void Validate()
    {
        if (BaseUri is null || !BaseUri.IsAbsoluteUri || (BaseUri.Scheme != Uri.UriSchemeHttp && BaseUri.Scheme != Uri.UriSchemeHttps)
            || !BaseUri.AbsolutePath.EndsWith('/'))
        {
            ThrowHelper.ThrowArgument(nameof(BaseUri), $"BaseUri is '{BaseUri}'; it must be an absolute http or https URI ending with '/'.");
        }

        if (CacheDirectory is not null && string.IsNullOrWhiteSpace(CacheDirectory))
        {
            ThrowHelper.ThrowArgument(nameof(CacheDirectory), "CacheDirectory must be null (the default) or a folder path.");
        }

        if (Md5Checksums is not null)
        {
            foreach (var (release, checksum) in Md5Checksums)
            {
                if (!MovieLensDownloader.IsMd5Hex(checksum))
                {
                    ThrowHelper.ThrowArgument(nameof(Md5Checksums), $"The checksum of {release} is '{checksum}'; it must be 32 hexadecimal digits.");
                }
            }
        }

        if (MaxDownloadBytes is <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(MaxDownloadBytes), MaxDownloadBytes, $"MaxDownloadBytes is {MaxDownloadBytes}; it must be positive.");
        }

        if (MaxExtractedBytes is <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(MaxExtractedBytes), MaxExtractedBytes, $"MaxExtractedBytes is {MaxExtractedBytes}; it must be positive.");
        }
    }
}
