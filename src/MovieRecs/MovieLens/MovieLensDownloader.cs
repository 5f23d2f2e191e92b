using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Security.Cryptography;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// Downloads a MovieLens release from GroupLens on demand, verifies it against the published MD5 checksum,
/// extracts it safely and caches it, so that <see cref="EnsureAsync"/> returns a folder holding the release's files.
/// </summary>
/// <remarks>
/// <para>
/// Atomic: the zip is downloaded to a temporary file inside the cache folder, verified, extracted into a temporary
/// folder and only then renamed into place. On any failure (offline, HTTP error, checksum mismatch, unsafe zip,
/// cancellation) the temporary files are deleted, so the cache holds either the whole release or nothing of it, and
/// a <see cref="MovieLensDownloadException"/> names the URL to fetch and the folder to extract it into by hand.
/// A release folder already present (downloaded earlier, or placed by hand) is returned without any request.
/// </para>
/// <para>
/// Failures: every way a download can fail ends in a <see cref="MovieLensDownloadException"/> (never a raw framework
/// exception): the server cannot be reached (name resolution, refused connection, TLS), answers an HTTP error, redirects
/// where the downloader does not follow, stalls for <see cref="MovieLensDownloaderOptions.IdleTimeout"/>, breaks off or
/// oversizes the body, or serves a zip that fails the checksum or is unsafe; a disk error while writing the cache too.
/// Only the caller's cancellation (<see cref="OperationCanceledException"/>) and invalid arguments
/// (<see cref="ArgumentException"/>) surface otherwise. Text the server supplied is shown with control characters escaped.
/// </para>
/// <para>
/// Redirects: followed only to http and https URLs, never from https to http, at most 10 in a row and never back to a URL
/// already requested (a redirect loop). A client given in <see cref="MovieLensDownloaderOptions.HttpClient"/> whose
/// handler follows redirects itself applies its own rules to the hops it takes; the downloader checks where it ends.
/// </para>
/// <para>
/// Safe extraction: entries with absolute paths, paths that leave the target folder ("zip slip") or control
/// characters in their names are rejected,
/// and the extracted bytes are counted as they are written and capped per release (zip bombs).
/// </para>
/// <para>
/// Checksums: GroupLens publishes <c>&lt;name&gt;.zip.md5</c> beside each zip. The values of the fixed releases
/// (ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-32m) are built in; ml-latest and ml-latest-small change over time, so
/// their <c>.md5</c> file is downloaded next to the zip. MD5 guards against corrupted or truncated downloads, not
/// against a malicious server.
/// </para>
/// <para>Thread safety: the instance is immutable; concurrent calls for one release in one process are serialized,
/// and concurrent processes each download to their own temporary names, the first rename winning.</para>
/// </remarks>
public sealed partial class MovieLensDownloader
{
    private const int CopyBufferSize = 1 << 16;
    private const long MiB = 1024 * 1024;

    private readonly SemaphoreSlim[] _releaseLocks;

    /// <summary>Creates a downloader.</summary>
    /// <param name="options">Base URI, cache folder, HTTP client, checksums and limits; <see langword="null"/> for
    /// the defaults (GroupLens, <see cref="MovieLensDownloaderOptions.DefaultCacheDirectory"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see
    /// <see cref="MovieLensDownloaderOptions.Validate"/>).</exception>
    public MovieLensDownloader(MovieLensDownloaderOptions? options = null)
    {
        Options = options ?? new MovieLensDownloaderOptions();
        Options.Validate();
        CacheDirectory = Path.GetFullPath(Options.CacheDirectory ?? MovieLensDownloaderOptions.DefaultCacheDirectory);
        _releaseLocks = new SemaphoreSlim[Enum.GetValues<MovieLensRelease>().Length];
        for (var i = 0; i < _releaseLocks.Length; i++)
        {
            _releaseLocks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>The options.</summary>
    public MovieLensDownloaderOptions Options { get; }

    /// <summary>The resolved cache folder (absolute), holding one sub-folder per release.</summary>
    public string CacheDirectory { get; }

    /// <summary>The folder name of a release in the cache and in its zip, e.g. <c>"ml-1m"</c>.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The folder name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string FolderName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "ml-100k",
        MovieLensRelease.Ml1m => "ml-1m",
        MovieLensRelease.Ml10m => "ml-10m",
        MovieLensRelease.Ml20m => "ml-20m",
        MovieLensRelease.Ml25m => "ml-25m",
        MovieLensRelease.Ml32m => "ml-32m",
        MovieLensRelease.MlLatest => "ml-latest",
        MovieLensRelease.MlLatestSmall => "ml-latest-small",
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(release), release, $"{release} is not a MovieLens release."),
    };

    /// <summary>
    /// The MD5 checksum GroupLens publishes for a release's zip (lower-case hexadecimal), or <see langword="null"/>
    /// for ml-latest and ml-latest-small, which change over time (their <c>.md5</c> file is fetched instead).
    /// </summary>
    /// <param name="release">The release.</param>
    /// <returns>The checksum, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public static string? PublishedMd5(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "0e33842e24a9c977be4e0107933c0723",
        MovieLensRelease.Ml1m => "c4d9eecfca2ab87c1945afe126590906",
        MovieLensRelease.Ml10m => "ce571fd55effeba0271552578f2648bd",
        MovieLensRelease.Ml20m => "cd245b17a1ae2cc31bb14903e1204af3",
        MovieLensRelease.Ml25m => "6b51fb2759a8657d3bfcbfc42b592ada",
        MovieLensRelease.Ml32m => "d472be332d4daa821edc399621853b57",
        MovieLensRelease.MlLatest or MovieLensRelease.MlLatestSmall => null,
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(release), release, $"{release} is not a MovieLens release."),
    };

    /// <summary>The URL of a release's zip under <see cref="MovieLensDownloaderOptions.BaseUri"/>.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The URL, e.g. <c>https://files.grouplens.org/datasets/movielens/ml-1m.zip</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public Uri GetDownloadUri(MovieLensRelease release) => new(Options.BaseUri, FolderName(release) + ".zip");

    /// <summary>The folder that holds (or will hold) the release's files, e.g. <c>…/movierecs/ml-1m</c>.</summary>
    /// <param name="release">The release.</param>
    /// <returns>The absolute folder path.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public string GetReleaseDirectory(MovieLensRelease release) => Path.Combine(CacheDirectory, FolderName(release));

    /// <summary>Whether the release's folder is already in the cache (no request is made).</summary>
    /// <param name="release">The release.</param>
    /// <returns><see langword="true"/> when <see cref="GetReleaseDirectory"/> exists.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public bool IsCached(MovieLensRelease release) => Directory.Exists(GetReleaseDirectory(release));

    /// <summary>
    /// Returns the folder holding the release's files, downloading, verifying and extracting it first when the
    /// cache does not have it.
    /// </summary>
    /// <param name="release">The release.</param>
    /// <param name="progress">Receives the stage and byte counts; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the download; the cache is left clean.</param>
    /// <returns>The absolute path of the release folder (e.g. <c>…/ml-1m</c>, with <c>ratings.dat</c> directly in it).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="MovieLensDownloadException">The download, verification or extraction failed, whatever the cause
    /// (unreachable server, TLS, HTTP error, a redirect that is not followed, no data for
    /// <see cref="MovieLensDownloaderOptions.IdleTimeout"/>, broken body, checksum mismatch, unsafe or oversized zip, disk
    /// error); the message names the problem, the URL and the folder for a manual install.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; its
    /// <see cref="OperationCanceledException.CancellationToken"/> is that token.</exception>
    public async Task<string> EnsureAsync(
        MovieLensRelease release,
        IProgress<MovieLensDownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var target = GetReleaseDirectory(release);
        if (Directory.Exists(target))
        {
            progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Completed, 0, null));
            return target;
        }

        var gate = _releaseLocks[(int)release];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(target))
            {
                await DownloadAndInstallAsync(release, target, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }

        progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Completed, 0, null));
        return target;
    }

    internal static string SampleFileName(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k => "u.data",
        MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "ratings.dat",
        _ => "ratings.csv",
    };

    internal static bool IsMd5Hex(string? text)
    {
        if (text is null || text.Length != 32)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static long DefaultMaxDownloadBytes(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k or MovieLensRelease.Ml1m or MovieLensRelease.MlLatestSmall => 32 * MiB,
        MovieLensRelease.Ml10m => 160 * MiB,
        MovieLensRelease.Ml20m or MovieLensRelease.Ml25m or MovieLensRelease.Ml32m => 640 * MiB,
        _ => 2048 * MiB,
    };

    private static long DefaultMaxExtractedBytes(MovieLensRelease release) => release switch
    {
        MovieLensRelease.Ml100k or MovieLensRelease.Ml1m or MovieLensRelease.MlLatestSmall => 128 * MiB,
        MovieLensRelease.Ml10m => 1024 * MiB,
        MovieLensRelease.Ml20m or MovieLensRelease.Ml25m or MovieLensRelease.Ml32m => 3072 * MiB,
        _ => 8192 * MiB,
    };

    private async Task DownloadAndInstallAsync(
        MovieLensRelease release, string target, IProgress<MovieLensDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var url = GetDownloadUri(release);
        var unique = Guid.NewGuid().ToString("N");
        var partialZip = Path.Combine(CacheDirectory, $".{FolderName(release)}.{unique}.zip.part");
        var staging = Path.Combine(CacheDirectory, $".{FolderName(release)}.{unique}.extracting");
        using var idle = new IdleTimer(Options.IdleTimeout, cancellationToken);
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            RemoveStaleLeftovers(release);
            var expected = Options.Md5Checksums is { } table
                ? (table.TryGetValue(release, out var given) ? given : null)
                : PublishedMd5(release);
            var actual = await DownloadAsync(release, url, partialZip, idle, progress, cancellationToken).ConfigureAwait(false);

            progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Verifying, 0, null));
            expected ??= await FetchPublishedChecksumAsync(release, url, idle).ConfigureAwait(false);
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new MovieLensDownloadException(release, url, target,
                    $"The download of {url} is corrupt: its MD5 checksum is {actual} but {expected} was expected.");
            }

            Directory.CreateDirectory(staging);
            Extract(release, url, target, partialZip, staging, progress, cancellationToken);
            var content = ContentRoot(staging);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                Directory.Move(content, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process installed the release meanwhile: keep theirs.
            }
        }
        catch (Exception error) when (idle.HasExpired && error is not MovieLensDownloadException)
        {
            // The server stalled; whatever the stall surfaced as (usually a cancellation), say so.
            throw new MovieLensDownloadException(release, url, target, idle.Reason(), error);
        }
        catch (OperationCanceledException error) when (cancellationToken.IsCancellationRequested)
        {
            // The network waits observe a token linked to the caller's; the caller gets theirs back.
            if (error.CancellationToken == cancellationToken)
            {
                throw;
            }

            throw new OperationCanceledException(error.Message, error, cancellationToken);
        }
        catch (MovieLensDownloadException)
        {
            throw;
        }
        catch (Exception error) when (error is HttpRequestException or IOException or InvalidDataException
            or UnauthorizedAccessException or OperationCanceledException or NotSupportedException)
        {
            var reason = error switch
            {
                HttpRequestException { StatusCode: { } status } => $"The server answered {(int)status} ({status}) for {url}.",
                HttpRequestException => $"{url} could not be reached ({Printable(error.Message)}).",
                OperationCanceledException => $"The download of {url} timed out (HttpClient.Timeout).",
                InvalidDataException => $"{url} is not a valid zip file ({Printable(error.Message)}).",
                _ => $"Installing {url} failed ({Printable(error.Message)}).",
            };
            throw new MovieLensDownloadException(release, url, target, reason, error);
        }
        finally
        {
            TryDelete(partialZip, staging);
        }
    }

    /// <summary>Streams the zip to <paramref name="path"/> while hashing it; returns the MD5 in lower-case hex.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms",
        Justification = "MD5 is what GroupLens publishes; it detects corrupt downloads and is not used for security.")]
    private async Task<string> DownloadAsync(
        MovieLensRelease release, Uri url, string path, IdleTimer idle, IProgress<MovieLensDownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        var limit = Options.MaxDownloadBytes ?? DefaultMaxDownloadBytes(release);
        var target = GetReleaseDirectory(release);
        using var response = await SendAsync(release, url, url, idle).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        if (total > limit)
        {
            throw new MovieLensDownloadException(release, url, target,
                $"{url} is {total} bytes, more than the {limit} bytes allowed for {FolderName(release)}.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var source = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[CopyBufferSize];
                long done = 0;
                long reported = 0;
                progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Downloading, 0, total));
                int read;
                while ((read = await idle.ReadAsync(source, buffer).ConfigureAwait(false)) > 0)
                {
                    done += read;
                    if (done > limit)
                    {
                        throw new MovieLensDownloadException(release, url, target,
                            $"{url} sent more than the {limit} bytes allowed for {FolderName(release)}.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    if (progress is not null && done - reported >= MiB)
                    {
                        reported = done;
                        progress.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Downloading, done, total));
                    }
                }

                if (total is long length && done != length)
                {
                    throw new MovieLensDownloadException(release, url, target, $"The download of {url} stopped after {done} of {length} bytes.");
                }

                progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Downloading, done, total));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Reads the <c>.md5</c> file served beside the zip (BSD "MD5 (f) = x" or GNU "x  f" format).</summary>
    private async Task<string> FetchPublishedChecksumAsync(MovieLensRelease release, Uri zipUrl, IdleTimer idle)
    {
        var url = new Uri(zipUrl + ".md5");
        using var response = await SendAsync(release, zipUrl, url, idle).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new MovieLensDownloadException(release, zipUrl, GetReleaseDirectory(release),
                $"No checksum is built in for {FolderName(release)} and {url} answered {(int)response.StatusCode} ({response.StatusCode}), so the download cannot be verified.");
        }

        var buffer = new byte[4096];
        var stream = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await idle.ReadAsync(stream, buffer.AsMemory(length)).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, length);
            foreach (var token in text.Split([' ', '\t', '\r', '\n', '=', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (IsMd5Hex(token))
                {
                    return token.ToLowerInvariant();
                }
            }
        }

        throw new MovieLensDownloadException(release, zipUrl, GetReleaseDirectory(release),
            $"No checksum is built in for {FolderName(release)} and {url} holds no MD5 value, so the download cannot be verified.");
    }

    /// <summary>Extracts every entry under <paramref name="staging"/>, refusing unsafe paths and too many bytes.</summary>
    private void Extract(
        MovieLensRelease release, Uri url, string target, string zipPath, string staging,
        IProgress<MovieLensDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var limit = Options.MaxExtractedBytes ?? DefaultMaxExtractedBytes(release);
        var root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
        using var archive = ZipFile.OpenRead(zipPath);
        long declared = 0;
        foreach (var entry in archive.Entries)
        {
            // Compared before adding, so that crafted sizes cannot overflow the sum (declared <= limit here).
            if (entry.Length > limit - declared)
            {
                throw new MovieLensDownloadException(release, url, target,
                    $"{url} would extract to more than the {limit} bytes allowed for {FolderName(release)}.");
            }

            declared += entry.Length;
        }

        var buffer = new byte[CopyBufferSize];
        long written = 0;
        long reported = 0;
        progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Extracting, 0, declared));
        foreach (var entry in archive.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = entry.FullName.Replace('\\', '/');
            if (name.Any(char.IsControl))
            {
                // A NUL is not allowed in a path, and a control character in a file name is nothing a release holds.
                throw new MovieLensDownloadException(release, url, target,
                    $"{url} holds an entry with a control character in its name ('{Printable(entry.FullName)}').");
            }

            if (name.Length == 0 || name.StartsWith('/') || Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal))
            {
                throw new MovieLensDownloadException(release, url, target, $"{url} holds an entry with an absolute path ('{Printable(entry.FullName)}').");
            }

            var destination = Path.GetFullPath(Path.Combine(staging, name));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
            {
                throw new MovieLensDownloadException(release, url, target, $"{url} holds an entry that leaves its folder ('{Printable(entry.FullName)}').");
            }

            if (name.EndsWith('/'))
            {
                Directory.CreateDirectory(destination);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using var input = entry.Open();
            using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize);
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                written += read;
                if (written > limit)
                {
                    throw new MovieLensDownloadException(release, url, target,
                        $"{url} extracts to more than the {limit} bytes allowed for {FolderName(release)}.");
                }

                output.Write(buffer, 0, read);
                if (progress is not null && written - reported >= 4 * MiB)
                {
                    reported = written;
                    cancellationToken.ThrowIfCancellationRequested();
                    progress.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Extracting, written, declared));
                }
            }
        }

        progress?.Report(new MovieLensDownloadProgress(release, MovieLensDownloadStage.Extracting, written, declared));
    }

    /// <summary>The folder holding the files: the zip's single top folder (e.g. <c>ml-10M100K</c>) or the staging folder.</summary>
    private static string ContentRoot(string staging)
    {
        var directories = Directory.GetDirectories(staging);
        return directories.Length == 1 && Directory.GetFiles(staging).Length == 0 ? directories[0] : staging;
    }

    /// <summary>
    /// A download or an extraction whose files have not changed for this long belongs to a process that was killed
    /// (a live one writes continuously); its leftovers are removed before the next download of the release.
    /// </summary>
    /// <remarks>The same age as the atomic writer's stale temporary files: one convention for the library's leftovers.</remarks>
    internal static readonly TimeSpan StaleAfter = AtomicFileWriter.StaleAfter;

    /// <summary>
    /// Removes the partial zips and extraction folders of <paramref name="release"/> that a killed process left in the
    /// cache (names <c>.FOLDER.GUID.zip.part</c> and <c>.FOLDER.GUID.extracting</c>), when untouched for
    /// <see cref="StaleAfter"/>. Another process's download in progress is younger and stays.
    /// </summary>
    private void RemoveStaleLeftovers(MovieLensRelease release)
    {
        var prefix = $".{FolderName(release)}.";
        var cutoff = DateTime.UtcNow - StaleAfter;
        try
        {
            foreach (var file in Directory.EnumerateFiles(CacheDirectory, prefix + "*.zip.part"))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    FileCleanup.TryDeleteFile(file);
                }
            }

            foreach (var directory in Directory.EnumerateDirectories(CacheDirectory, prefix + "*.extracting"))
            {
                if (Directory.GetLastWriteTimeUtc(directory) < cutoff)
                {
                    FileCleanup.TryDeleteDirectory(directory);
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Best effort: leftovers cost disk space only, never a wrong result.
        }
    }

    private static void TryDelete(string file, string directory)
    {
        FileCleanup.TryDeleteFile(file);
        FileCleanup.TryDeleteDirectory(directory);
    }
}
