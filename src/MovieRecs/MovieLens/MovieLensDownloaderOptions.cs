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

    /// <summary>
    /// The HTTP client to use (not disposed by the downloader). Default <see langword="null"/>: a shared client that
    /// leaves redirects to the downloader, which follows them only to http and https URLs (see
    /// <see cref="MovieLensDownloader"/>).
    /// </summary>
    /// <remarks>
    /// A client whose handler follows redirects itself (the default of <see cref="HttpClientHandler"/>) takes those
    /// hops by its own rules, unseen; the downloader then checks the URL it ends at and any redirect it hands back. To
    /// have every hop checked, give the handler <see cref="HttpClientHandler.AllowAutoRedirect"/> = <see langword="false"/>.
    /// </remarks>
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
    /// How long the downloader waits for the server without receiving a byte before it abandons the download with a
    /// <see cref="MovieLensDownloadException"/>. Default one minute.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The clock runs during each wait on the network (connecting and waiting for the response headers of each
    /// request, then each read of the body) and restarts whenever bytes arrive, so a slow but steady download of any
    /// size is never cut short. It catches a server or a network path that stops sending without closing the
    /// connection, which would otherwise keep <see cref="MovieLensDownloader.EnsureAsync"/> waiting forever:
    /// <see cref="System.Net.Http.HttpClient.Timeout"/> bounds only the wait for the response headers, as the body is
    /// read as a stream.
    /// Cancelling the call's token still ends it with an <see cref="OperationCanceledException"/>.
    /// </para>
    /// <para>
    /// Time during which this process's thread pool is saturated does not count against the server: data that has
    /// arrived then waits for a thread before the download sees it, so a check that runs late starts the clock again,
    /// and the download is abandoned only by a check that runs on time while the read still has nothing.
    /// </para>
    /// <para>
    /// Choose a value well above the longest pause a healthy connection makes: a minute suits ordinary links; raise it
    /// on a congested or intermittent link, lower it to fail fast. <see cref="Timeout.InfiniteTimeSpan"/> turns the
    /// check off. Otherwise the value must be at least one millisecond and at most <see cref="int.MaxValue"/>
    /// milliseconds (about 24.8 days).
    /// </para>
    /// </remarks>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

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
    /// <see cref="CacheDirectory"/> is white space, or a checksum is not 32 hexadecimal digits.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive, or <see cref="IdleTimeout"/> is neither
    /// <see cref="Timeout.InfiniteTimeSpan"/> nor between one millisecond and <see cref="int.MaxValue"/> milliseconds.</exception>
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

        if (IdleTimeout != Timeout.InfiniteTimeSpan && (IdleTimeout < TimeSpan.FromMilliseconds(1) || IdleTimeout.TotalMilliseconds > int.MaxValue))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(IdleTimeout), IdleTimeout,
                $"IdleTimeout is {IdleTimeout}; it must be Timeout.InfiniteTimeSpan or between 1 ms and {int.MaxValue} ms.");
        }
    }
}
