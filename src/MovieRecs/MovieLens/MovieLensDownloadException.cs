namespace MovieRecs.MovieLens;

/// <summary>
/// Thrown when <see cref="MovieLensDownloader"/> cannot make a release available, whatever the cause: offline or
/// unreachable server, TLS failure, HTTP error, a redirect that is not followed (another scheme, https to http, a
/// malformed Location header, a loop, too many), a server that stalls, a broken or oversized body, checksum mismatch,
/// unsafe or oversized zip, disk error. The message names the problem, the URL to download and the folder to extract
/// it into, so the data can be put in place by hand; nothing half-written is left in the cache.
/// </summary>
/// <remarks>The cause, when a framework exception reported it, is the <see cref="Exception.InnerException"/>.</remarks>
public sealed class MovieLensDownloadException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public MovieLensDownloadException()
        : this("The MovieLens release could not be downloaded.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MovieLensDownloadException(string message)
        : base(message)
    {
        TargetDirectory = string.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MovieLensDownloadException(string message, Exception? innerException)
        : base(message, innerException)
    {
        TargetDirectory = string.Empty;
    }

    /// <summary>Creates the exception for a failed release.</summary>
    /// <param name="release">The release.</param>
    /// <param name="url">The zip file's URL.</param>
    /// <param name="targetDirectory">The folder the extracted files belong in.</param>
    /// <param name="reason">What went wrong, as a sentence.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="url"/>, <paramref name="targetDirectory"/> or
    /// <paramref name="reason"/> is <see langword="null"/>.</exception>
    public MovieLensDownloadException(MovieLensRelease release, Uri url, string targetDirectory, string reason, Exception? innerException = null)
        : base(BuildMessage(release, url, targetDirectory, reason), innerException)
    {
        Release = release;
        Url = url;
        TargetDirectory = targetDirectory;
    }

    /// <summary>The release that failed.</summary>
    public MovieLensRelease Release { get; }

    /// <summary>The URL of the zip file to download by hand; <see langword="null"/> for the general constructors.</summary>
    public Uri? Url { get; }

    /// <summary>The folder that must hold the extracted files (e.g. <c>…/ml-1m</c> with <c>ratings.dat</c> in it).</summary>
    public string TargetDirectory { get; }

    private static string BuildMessage(MovieLensRelease release, Uri url, string targetDirectory, string reason)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(targetDirectory);
        ArgumentNullException.ThrowIfNull(reason);
        var sample = Path.Combine(targetDirectory, MovieLensDownloader.SampleFileName(release));
        return $"{reason} To install {MovieLensDownloader.FolderName(release)} by hand, download {url} and extract it so that "
            + $"its files are directly in {targetDirectory} (e.g. {sample}).";
    }
}
