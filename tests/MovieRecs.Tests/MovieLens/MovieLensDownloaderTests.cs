using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public sealed class MovieLensDownloaderTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "movierecs-download-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task EnsureAsync_Absent_DownloadsVerifiesExtractsAndThenReusesTheCache()
    {
        var zip = BuildZip(("ml-100k/u.data", "7\t4242\t3\t1000000007\n"), ("ml-100k/README", "synthetic test data\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = Downloader(server, (MovieLensRelease.Ml100k, Md5(zip)));

        var folder = await downloader.EnsureAsync(MovieLensRelease.Ml100k);
        var again = await downloader.EnsureAsync(MovieLensRelease.Ml100k);

        Assert.Equal(Path.Combine(_cache, "ml-100k"), folder);
        Assert.Equal(folder, again);
        Assert.Equal("7\t4242\t3\t1000000007\n", File.ReadAllText(Path.Combine(folder, "u.data")));
        Assert.True(File.Exists(Path.Combine(folder, "README")));
        Assert.Equal(1, server.Requests("/movielens/ml-100k.zip"));
        Assert.Equal([folder], Directory.GetFileSystemEntries(_cache));
        Assert.True(downloader.IsCached(MovieLensRelease.Ml100k));
    }

    [Fact]
    public async Task EnsureAsync_LeftoversOfAKilledProcess_AreRemovedWhenStale_AnotherDownloadInProgressIsKept()
    {
        var zip = BuildZip(("ml-100k/u.data", "7\t4242\t3\t1000000007\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = Downloader(server, (MovieLensRelease.Ml100k, Md5(zip)));
        Directory.CreateDirectory(_cache);
        var old = DateTime.UtcNow - MovieLensDownloader.StaleAfter - TimeSpan.FromMinutes(5);
        var stalePart = Path.Combine(_cache, ".ml-100k.0123456789abcdef0123456789abcdef.zip.part");
        var staleStaging = Path.Combine(_cache, ".ml-100k.0123456789abcdef0123456789abcdef.extracting");
        var livePart = Path.Combine(_cache, ".ml-100k.fedcba9876543210fedcba9876543210.zip.part");
        var otherRelease = Path.Combine(_cache, ".ml-1m.0123456789abcdef0123456789abcdef.zip.part");
        File.WriteAllBytes(stalePart, new byte[100]);
        Directory.CreateDirectory(Path.Combine(staleStaging, "ml-100k"));
        File.WriteAllText(Path.Combine(staleStaging, "ml-100k", "u.data"), "half");
        File.WriteAllBytes(livePart, new byte[100]);
        File.WriteAllBytes(otherRelease, new byte[100]);
        File.SetLastWriteTimeUtc(stalePart, old);
        Directory.SetLastWriteTimeUtc(staleStaging, old);
        File.SetLastWriteTimeUtc(otherRelease, old);

        var folder = await downloader.EnsureAsync(MovieLensRelease.Ml100k);

        Assert.False(File.Exists(stalePart));
        Assert.False(Directory.Exists(staleStaging));
        Assert.True(File.Exists(livePart), "a younger partial download may belong to another process");
        Assert.True(File.Exists(otherRelease), "only the release being downloaded is cleaned");
        Assert.Equal("7\t4242\t3\t1000000007\n", File.ReadAllText(Path.Combine(folder, "u.data")));
    }

    [Fact]
    public async Task EnsureAsync_Progress_ReportsTheStagesInOrder()
    {
        var zip = BuildZip(("ml-1m/ratings.dat", "7::4242::5::1000000007\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-1m.zip", zip);
        var stages = new List<MovieLensDownloadStage>();
        var progress = new SynchronousProgress<MovieLensDownloadProgress>(p => stages.Add(p.Stage));

        await Downloader(server, (MovieLensRelease.Ml1m, Md5(zip))).EnsureAsync(MovieLensRelease.Ml1m, progress);

        var distinct = stages.Distinct().ToArray();
        Assert.Equal(
            [MovieLensDownloadStage.Downloading, MovieLensDownloadStage.Verifying, MovieLensDownloadStage.Extracting, MovieLensDownloadStage.Completed],
            distinct);
    }

    [Fact]
    public async Task EnsureAsync_ZipWithDifferentTopFolder_InstallsUnderTheReleaseName()
    {
        // ml-10m.zip holds ml-10M100K/; the cache uses ml-10m.
        var zip = BuildZip(("ml-10M100K/ratings.dat", "7::4242::3.5::1000000007\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-10m.zip", zip);

        var folder = await Downloader(server, (MovieLensRelease.Ml10m, Md5(zip))).EnsureAsync(MovieLensRelease.Ml10m);

        Assert.Equal(Path.Combine(_cache, "ml-10m"), folder);
        Assert.True(File.Exists(Path.Combine(folder, "ratings.dat")));
    }

    [Fact]
    public async Task EnsureAsync_ChecksumMismatch_ThrowsAndLeavesTheCacheClean()
    {
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = Downloader(server, (MovieLensRelease.Ml100k, new string('0', 32)));

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(() => downloader.EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("MD5", error.Message, StringComparison.Ordinal);
        Assert.Contains(Md5(zip), error.Message, StringComparison.Ordinal);
        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_NotFound_ThrowsNamingTheUrlAndTheFolder()
    {
        using var server = new LocalServer();
        var downloader = Downloader(server, (MovieLensRelease.Ml1m, new string('a', 32)));

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(() => downloader.EnsureAsync(MovieLensRelease.Ml1m));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Equal(MovieLensRelease.Ml1m, error.Release);
        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-1m.zip"), Path.Combine(_cache, "ml-1m"));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_ConnectionRefused_ThrowsNamingTheUrlAndTheFolder()
    {
        var port = FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{port}/movielens/");
        using var client = new HttpClient();
        var downloader = new MovieLensDownloader(new MovieLensDownloaderOptions { BaseUri = baseUri, CacheDirectory = _cache, HttpClient = client });

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(() => downloader.EnsureAsync(MovieLensRelease.Ml100k));

        Assert.IsType<HttpRequestException>(error.InnerException);
        AssertNamesUrlAndFolder(error, new Uri(baseUri, "ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_CanceledMidDownload_LeavesTheCacheClean()
    {
        // Over 2 MiB, so that the half the server sends passes the 1 MiB mark at which the client reports progress.
        var zip = BuildZip(("ml-100k/u.data", RandomText(4_000_000)));
        using var server = new LocalServer();
        server.ServeStalling("/movielens/ml-100k.zip", zip);
        var downloader = Downloader(server, (MovieLensRelease.Ml100k, Md5(zip)));
        using var cancellation = new CancellationTokenSource();
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SynchronousProgress<MovieLensDownloadProgress>(p =>
        {
            if (p.Stage == MovieLensDownloadStage.Downloading && p.BytesDone > 0)
            {
                written.TrySetResult();
            }
        });

        var download = downloader.EnsureAsync(MovieLensRelease.Ml100k, progress, cancellation.Token);

        // The client reports bytes only once it has written them to its partial file, and the server holds the rest
        // back until the test ends: the download is now certainly mid-way, with a partial file on disk.
        Assert.Same(written.Task, await Task.WhenAny(written.Task, download));
        var partial = Assert.Single(Directory.GetFiles(_cache, "*.part"));
        Assert.InRange(new FileInfo(partial).Length, 1, zip.Length - 1);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        AssertCacheClean();
        Assert.False(downloader.IsCached(MovieLensRelease.Ml100k));
    }

    [Fact]
    public async Task EnsureAsync_BodyStallsAfterSomeBytes_ThrowsAfterTheIdleTimeoutAndLeavesTheCacheClean()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) }; // covers the headers only
        var server = new RawServer(async (_, stream, stop) =>
        {
            await WriteAsciiAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n", stop);
            await stream.WriteAsync(new byte[1000], stop);
            await stream.FlushAsync(stop);
            await Task.Delay(Timeout.Infinite, stop); // stalls until the server stops
        });
        using (server)
        {
            var downloader = RawDownloader(server, client, idleTimeout: TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            var error = await ThrowsWithinAsync<MovieLensDownloadException>(downloader.EnsureAsync(MovieLensRelease.Ml100k));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
            Assert.Contains("no data arrived for 0.3 s", error.Message, StringComparison.Ordinal);
            AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
            Assert.Null(error.InnerException as MovieLensDownloadException);
            AssertCacheClean();
        }

        Assert.True(server.Stopped, "the server and its connections stop when disposed");
    }

    [Fact]
    public async Task EnsureAsync_NoResponseHeaders_ThrowsAfterTheIdleTimeout()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var server = new RawServer((_, _, stop) => Task.Delay(Timeout.Infinite, stop)); // reads the request, never answers
        using (server)
        {
            var downloader = RawDownloader(server, client, idleTimeout: TimeSpan.FromMilliseconds(300));

            var error = await ThrowsWithinAsync<MovieLensDownloadException>(downloader.EnsureAsync(MovieLensRelease.Ml100k));

            Assert.Contains("no data arrived for 0.3 s", error.Message, StringComparison.Ordinal);
            AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
            AssertCacheClean();
        }

        Assert.True(server.Stopped);
    }

    [Fact]
    public async Task EnsureAsync_SlowButSteadyBody_IsNotTimedOut()
    {
        // The whole body takes about twice the idle timeout, but a piece arrives every 50 ms: the timeout is per read,
        // not for the whole download.
        var zip = BuildZip(("ml-100k/u.data", RandomText(3000)));
        var idle = TimeSpan.FromSeconds(1.5);
        using var server = new RawServer(SteadyBody(zip, pieces: 60));
        var downloader = RawDownloader(server, client: null, idleTimeout: idle, md5: Md5(zip));
        var clock = Stopwatch.StartNew();

        var folder = await WithinAsync(downloader.EnsureAsync(MovieLensRelease.Ml100k));

        Assert.True(clock.Elapsed > 1.5 * idle, $"the body took {clock.Elapsed}, not clearly longer than the timeout");
        Assert.True(File.Exists(Path.Combine(folder, "u.data")));
    }

    [Fact]
    public async Task EnsureAsync_CanceledWhileTheServerStalls_ThrowsOperationCanceledNotATimeout()
    {
        using var server = new RawServer(async (_, stream, stop) =>
        {
            await WriteAsciiAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n", stop);
            await stream.WriteAsync(new byte[1000], stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        var downloader = RawDownloader(server, client: null, idleTimeout: TimeSpan.FromSeconds(20));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await ThrowsWithinAsync<OperationCanceledException>(downloader.EnsureAsync(MovieLensRelease.Ml100k, null, cancellation.Token));

        Assert.Equal(cancellation.Token, error.CancellationToken);
        AssertCacheClean();
    }

    [Theory]
    [InlineData("file:///etc/passwd", "default", "'file:///etc/passwd'")]
    [InlineData("file:///etc/passwd", "not following", "'file:///etc/passwd'")]
    [InlineData("file:///etc/passwd", "following", "not a valid URI")] // the handler fails before the downloader sees the hop
    [InlineData("ftp://127.0.0.1:{port}/mirror/ml-100k.zip", "default", "'ftp://127.0.0.1:{port}/mirror/ml-100k.zip'")]
    [InlineData("ftp://127.0.0.1:{port}/mirror/ml-100k.zip", "not following", "'ftp://127.0.0.1:{port}/mirror/ml-100k.zip'")]
    [InlineData("ftp://127.0.0.1:{port}/mirror/ml-100k.zip", "following", "'ftp://127.0.0.1:{port}/mirror/ml-100k.zip'")]
    public async Task EnsureAsync_RedirectToAnotherScheme_ThrowsNamingTheTarget(string location, string clientKind, string named)
    {
        // The ftp URL points at this same server, so a client that followed it would fetch the zip: only the scheme
        // check stands in the way.
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"));
        using var client = CreateClient(clientKind);
        var port = "";
        using var server = RedirectingServer(zip, path => path == "/movielens/ml-100k.zip" ? location.Replace("{port}", port, StringComparison.Ordinal) : null);
        port = server.Port.ToString(CultureInfo.InvariantCulture);

        var error = await ThrowsWithinAsync<MovieLensDownloadException>(
            RawDownloader(server, client, md5: Md5(zip)).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains(named.Replace("{port}", port, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.Contains("only http and https", error.Message, StringComparison.Ordinal);
        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        AssertCacheClean();
    }

    [Theory]
    [InlineData("http://[bad\u0007", "default", "'http://[bad\\x07'")]
    [InlineData("http://[bad\u0007", "not following", "'http://[bad\\x07'")]
    [InlineData("http://[bad\u0007", "following", "'http://[bad\\x07'")]
    [InlineData("http://127.0.0.1:99999/ml-100k.zip", "default", "'http://127.0.0.1:99999/ml-100k.zip'")]
    [InlineData("http://127.0.0.1:99999/ml-100k.zip", "not following", "'http://127.0.0.1:99999/ml-100k.zip'")]
    [InlineData("http://127.0.0.1:99999/ml-100k.zip", "following", "'http://127.0.0.1:99999/ml-100k.zip'")]
    [InlineData("//[::1", "default", "'//[::1'")]
    [InlineData("//[::1", "not following", "'//[::1'")]
    [InlineData("//[::1", "following", "hostname")] // the handler fails before the downloader sees the hop
    public async Task EnsureAsync_LocationHeaderNotAUri_ThrowsNamingItWithControlCharactersEscaped(string location, string clientKind, string named)
    {
        using var client = CreateClient(clientKind);
        using var server = RedirectingServer([], path => path == "/movielens/ml-100k.zip" ? location : null);

        var error = await ThrowsWithinAsync<MovieLensDownloadException>(RawDownloader(server, client).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid URI", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        AssertCacheClean();
    }

    [Theory]
    [InlineData("default")]
    [InlineData("not following")]
    [InlineData("following")]
    public async Task EnsureAsync_RedirectLoop_ThrowsNamingTheLoop(string clientKind)
    {
        using var client = CreateClient(clientKind);
        using var server = RedirectingServer([], path => path switch
        {
            "/movielens/ml-100k.zip" => "/elsewhere/ml-100k.zip",
            "/elsewhere/ml-100k.zip" => "/movielens/ml-100k.zip",
            _ => null,
        });

        var error = await ThrowsWithinAsync<MovieLensDownloadException>(RawDownloader(server, client).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("redirect loop", error.Message, StringComparison.Ordinal);
        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_TooManyRedirects_ThrowsNamingTheLimit()
    {
        // Every hop goes to a new URL, so there is no loop: only the limit on redirects stops it.
        using var server = RedirectingServer([], path => path == "/movielens/ml-100k.zip"
            ? "/hop/1"
            : "/hop/" + (int.Parse(path["/hop/".Length..], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));

        var error = await ThrowsWithinAsync<MovieLensDownloadException>(RawDownloader(server, client: null).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("more than 10 redirects", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, server.Requests);
        AssertCacheClean();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnsureAsync_RedirectFromHttpsToHttp_IsNotFollowed(bool handlerFollowsRedirects)
    {
        using var certificate = SelfSignedLoopbackCertificate();
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = handlerFollowsRedirects,
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var port = "";
        using var server = RedirectingServer(BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n")),
            path => path == "/movielens/ml-100k.zip" ? $"http://127.0.0.1:{port}/mirror/ml-100k.zip" : null, certificate);
        port = server.Port.ToString(CultureInfo.InvariantCulture);
        Assert.StartsWith("https://", server.Url("/").ToString(), StringComparison.Ordinal);

        var error = await ThrowsWithinAsync<MovieLensDownloadException>(RawDownloader(server, client).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains($"from https to http ('http://127.0.0.1:{port}/mirror/ml-100k.zip')", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
        AssertCacheClean();
    }

    [Theory]
    [InlineData("default")]
    [InlineData("not following")]
    [InlineData("following")]
    public async Task EnsureAsync_RedirectToHttp_IsFollowed(string clientKind)
    {
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"));
        using var client = CreateClient(clientKind);
        using var server = RedirectingServer(zip, path => path == "/movielens/ml-100k.zip" ? "../mirror/ml-100k.zip" : null);

        var folder = await WithinAsync(RawDownloader(server, client, md5: Md5(zip)).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Equal("1\t2\t3\t4\n", File.ReadAllText(Path.Combine(folder, "u.data")));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task EnsureAsync_ZipEntryNameWithControlCharacters_IsRejectedWithTheNameEscaped()
    {
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"), ("ml-100k/bad\0name\u001b[31m", "x"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(
            () => Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("ml-100k/bad\\x00name\\x1b[31m", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
        AssertCacheClean();
    }

    [Theory]
    [InlineData("connection dropped mid-body", null)]
    [InlineData("chunked body cut short", null)] // with no length announced, the checksum may be what catches it
    [InlineData("corrupted bytes", "MD5")]
    [InlineData("HTTP 500", "500")]
    public async Task EnsureAsync_FailedDownload_LeavesTheCacheCleanAndARetrySucceeds(string fault, string? reason)
    {
        var data = RandomText(300_000);
        var zip = BuildZip(("ml-100k/u.data", data), ("ml-100k/README", "synthetic test data\n"));
        using var server = new LocalServer();
        server.ServeFailingOnce("/movielens/ml-100k.zip", zip, fault);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(
            () => Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).EnsureAsync(MovieLensRelease.Ml100k));

        AssertNamesUrlAndFolder(error, server.Url("/movielens/ml-100k.zip"), Path.Combine(_cache, "ml-100k"));
        if (reason is not null)
        {
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        }

        AssertCacheClean();

        // A new downloader, as a later run of the program would make: nothing of the failed attempt is in its way.
        var retry = Downloader(server, (MovieLensRelease.Ml100k, Md5(zip)));
        Assert.False(retry.IsCached(MovieLensRelease.Ml100k));
        var folder = await retry.EnsureAsync(MovieLensRelease.Ml100k);

        Assert.Equal(data, File.ReadAllText(Path.Combine(folder, "u.data")));
        Assert.Equal([folder], Directory.GetFileSystemEntries(_cache));
        Assert.Equal(2, server.Requests("/movielens/ml-100k.zip"));
    }

    [Fact]
    public async Task EnsureAsync_ZipSlipEntry_IsRejected()
    {
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"), ("../escaped.txt", "outside"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(
            () => Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("leaves its folder", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cache, "escaped.txt")));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_AbsoluteEntryPath_IsRejected()
    {
        var outside = Path.Combine(Path.GetTempPath(), "movierecs-absolute-" + Guid.NewGuid().ToString("N") + ".txt");
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"), (outside, "outside"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(
            () => Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("absolute path", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(outside));
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_EntriesLargerThanTheCap_AreRejected()
    {
        // 5 MB of zeros compress to a few kilobytes: a small zip bomb.
        var zip = BuildZip(("ml-100k/u.data", new string('\0', 5_000_000)));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = new MovieLensDownloader(Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).Options with { MaxExtractedBytes = 1_000_000 });

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(() => downloader.EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("1000000 bytes allowed", error.Message, StringComparison.Ordinal);
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_DownloadLargerThanTheCap_IsRejected()
    {
        var zip = BuildZip(("ml-100k/u.data", RandomText(100_000)));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = new MovieLensDownloader(Downloader(server, (MovieLensRelease.Ml100k, Md5(zip))).Options with { MaxDownloadBytes = 10_000 });

        await Assert.ThrowsAsync<MovieLensDownloadException>(() => downloader.EnsureAsync(MovieLensRelease.Ml100k));

        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_NotAZip_ThrowsAndLeavesTheCacheClean()
    {
        var notZip = Encoding.ASCII.GetBytes("<html>maintenance</html>");
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", notZip);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(
            () => Downloader(server, (MovieLensRelease.Ml100k, Md5(notZip))).EnsureAsync(MovieLensRelease.Ml100k));

        Assert.Contains("not a valid zip", error.Message, StringComparison.Ordinal);
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_NoBuiltInChecksum_UsesTheMd5FileBesideTheZip()
    {
        var zip = BuildZip(("ml-latest-small/ratings.csv", "userId,movieId,rating,timestamp\n7,4242,4.0,1000000007\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-latest-small.zip", zip);
        server.Serve("/movielens/ml-latest-small.zip.md5", Encoding.ASCII.GetBytes($"MD5 (ml-latest-small.zip) = {Md5(zip)}\n"));
        var downloader = Downloader(server);

        var folder = await downloader.EnsureAsync(MovieLensRelease.MlLatestSmall);

        Assert.True(File.Exists(Path.Combine(folder, "ratings.csv")));
        Assert.Equal(1, server.Requests("/movielens/ml-latest-small.zip.md5"));
    }

    [Fact]
    public async Task EnsureAsync_NoChecksumAnywhere_ThrowsAndLeavesTheCacheClean()
    {
        var zip = BuildZip(("ml-latest/ratings.csv", "userId,movieId,rating,timestamp\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-latest.zip", zip);

        var error = await Assert.ThrowsAsync<MovieLensDownloadException>(() => Downloader(server).EnsureAsync(MovieLensRelease.MlLatest));

        Assert.Contains("cannot be verified", error.Message, StringComparison.Ordinal);
        AssertCacheClean();
    }

    [Fact]
    public async Task EnsureAsync_FolderPlacedByHand_MakesNoRequest()
    {
        using var server = new LocalServer();
        Directory.CreateDirectory(Path.Combine(_cache, "ml-1m"));

        var folder = await Downloader(server).EnsureAsync(MovieLensRelease.Ml1m);

        Assert.Equal(Path.Combine(_cache, "ml-1m"), folder);
        Assert.Equal(0, server.TotalRequests);
    }

    [Fact]
    public async Task EnsureAsync_ConcurrentCalls_DownloadOnce()
    {
        var zip = BuildZip(("ml-100k/u.data", "1\t2\t3\t4\n"));
        using var server = new LocalServer();
        server.Serve("/movielens/ml-100k.zip", zip);
        var downloader = Downloader(server, (MovieLensRelease.Ml100k, Md5(zip)));

        var folders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => downloader.EnsureAsync(MovieLensRelease.Ml100k)));

        Assert.Single(folders.Distinct());
        Assert.Equal(1, server.Requests("/movielens/ml-100k.zip"));
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml100k, "https://files.grouplens.org/datasets/movielens/ml-100k.zip")]
    [InlineData(MovieLensRelease.Ml1m, "https://files.grouplens.org/datasets/movielens/ml-1m.zip")]
    [InlineData(MovieLensRelease.Ml10m, "https://files.grouplens.org/datasets/movielens/ml-10m.zip")]
    [InlineData(MovieLensRelease.Ml20m, "https://files.grouplens.org/datasets/movielens/ml-20m.zip")]
    [InlineData(MovieLensRelease.Ml25m, "https://files.grouplens.org/datasets/movielens/ml-25m.zip")]
    [InlineData(MovieLensRelease.Ml32m, "https://files.grouplens.org/datasets/movielens/ml-32m.zip")]
    [InlineData(MovieLensRelease.MlLatest, "https://files.grouplens.org/datasets/movielens/ml-latest.zip")]
    [InlineData(MovieLensRelease.MlLatestSmall, "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip")]
    public void GetDownloadUri_Default_IsTheGroupLensUrl(MovieLensRelease release, string url)
    {
        var downloader = new MovieLensDownloader(new MovieLensDownloaderOptions { CacheDirectory = _cache });

        Assert.Equal(new Uri(url), downloader.GetDownloadUri(release));
        Assert.False(downloader.IsCached(release));
    }

    [Fact]
    public void PublishedMd5_FixedReleases_AreHexAndDistinct()
    {
        var fixedReleases = new[] { MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.Ml20m, MovieLensRelease.Ml25m, MovieLensRelease.Ml32m };
        var values = fixedReleases.Select(MovieLensDownloader.PublishedMd5).ToArray();

        Assert.All(values, v => Assert.Matches("^[0-9a-f]{32}$", v));
        Assert.Equal(values.Length, values.Distinct().Count());
        Assert.Null(MovieLensDownloader.PublishedMd5(MovieLensRelease.MlLatest));
        Assert.Null(MovieLensDownloader.PublishedMd5(MovieLensRelease.MlLatestSmall));
        Assert.Throws<ArgumentOutOfRangeException>("release", () => MovieLensDownloader.PublishedMd5((MovieLensRelease)99));
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        Assert.Throws<ArgumentException>("BaseUri", () => new MovieLensDownloader(new MovieLensDownloaderOptions { BaseUri = new Uri("https://example.org/no-slash") }));
        Assert.Throws<ArgumentException>("BaseUri", () => new MovieLensDownloader(new MovieLensDownloaderOptions { BaseUri = new Uri("ftp://example.org/") }));
        Assert.Throws<ArgumentException>("CacheDirectory", () => new MovieLensDownloader(new MovieLensDownloaderOptions { CacheDirectory = " " }));
        Assert.Throws<ArgumentException>("Md5Checksums", () => new MovieLensDownloader(new MovieLensDownloaderOptions
        {
            Md5Checksums = new Dictionary<MovieLensRelease, string> { [MovieLensRelease.Ml1m] = "xyz" },
        }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxDownloadBytes", () => new MovieLensDownloader(new MovieLensDownloaderOptions { MaxDownloadBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("MaxExtractedBytes", () => new MovieLensDownloader(new MovieLensDownloaderOptions { MaxExtractedBytes = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>("IdleTimeout", () => new MovieLensDownloader(new MovieLensDownloaderOptions { IdleTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>("IdleTimeout", () => new MovieLensDownloader(new MovieLensDownloaderOptions { IdleTimeout = TimeSpan.FromTicks(9_999) }));
        Assert.Throws<ArgumentOutOfRangeException>("IdleTimeout", () => new MovieLensDownloader(new MovieLensDownloaderOptions { IdleTimeout = TimeSpan.FromSeconds(-5) }));
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>("IdleTimeout", () => new MovieLensDownloader(new MovieLensDownloaderOptions { IdleTimeout = TimeSpan.FromDays(25) }));
        Assert.Contains("25.00:00:00", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_IdleTimeout_DefaultsToOneMinuteAndAcceptsItsBounds()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), new MovieLensDownloaderOptions().IdleTimeout);
        foreach (var timeout in new[] { Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(int.MaxValue) })
        {
            var options = new MovieLensDownloaderOptions { IdleTimeout = timeout };
            options.Validate();
            Assert.Equal(timeout, new MovieLensDownloader(options).Options.IdleTimeout);
        }
    }

    [Fact]
    public void DefaultCacheDirectory_IsAnAbsolutePathEndingInMovieRecs()
    {
        var folder = MovieLensDownloaderOptions.DefaultCacheDirectory;

        Assert.True(Path.IsPathRooted(folder));
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("MOVIERECS_DATA")))
        {
            Assert.Equal("movierecs", Path.GetFileName(folder));
        }
    }

    /// <summary>How long a test waits for a download before failing, so that a hang fails the test instead of stalling it.</summary>
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(10);

    private static async Task<T> WithinAsync<T>(Task<T> task)
    {
        using var giveUp = new CancellationTokenSource();
        var finished = await Task.WhenAny(task, Task.Delay(Safety, giveUp.Token));
        giveUp.Cancel();
        Assert.True(finished == task, $"still running after {Safety.TotalSeconds} s");
        return await task;
    }

    private static async Task<TException> ThrowsWithinAsync<TException>(Task task)
        where TException : Exception
    {
        using var giveUp = new CancellationTokenSource();
        var finished = await Task.WhenAny(task, Task.Delay(Safety, giveUp.Token));
        giveUp.Cancel();
        Assert.True(finished == task, $"still running after {Safety.TotalSeconds} s");
        return await Assert.ThrowsAnyAsync<TException>(() => task);
    }

    /// <summary>The client of <see cref="MovieLensDownloaderOptions.HttpClient"/>, by kind: null for the downloader's own.</summary>
    private static HttpClient? CreateClient(string kind) => kind switch
    {
        "default" => null,
        "not following" => new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) },
        "following" => new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
        _ => throw new ArgumentException($"Unknown client kind '{kind}'.", nameof(kind)),
    };

    private MovieLensDownloader RawDownloader(RawServer server, HttpClient? client, TimeSpan? idleTimeout = null, string? md5 = null)
    {
        var options = new MovieLensDownloaderOptions
        {
            BaseUri = server.Url("/movielens/"),
            CacheDirectory = _cache,
            HttpClient = client,
            Md5Checksums = new Dictionary<MovieLensRelease, string> { [MovieLensRelease.Ml100k] = md5 ?? new string('0', 32) },
        };
        return new MovieLensDownloader(idleTimeout is { } timeout ? options with { IdleTimeout = timeout } : options);
    }

    /// <summary>A server that answers a path with a redirect to the location <paramref name="redirect"/> gives, else with <paramref name="zip"/> (or 404 when empty).</summary>
    private static RawServer RedirectingServer(byte[] zip, Func<string, string?> redirect, X509Certificate2? certificate = null) =>
        new(async (path, stream, stop) =>
        {
            if (redirect(path) is { } location)
            {
                await WriteAsciiAsync(stream, $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);
            }
            else if (zip.Length == 0)
            {
                await WriteAsciiAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);
            }
            else
            {
                await WriteAsciiAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {zip.Length}\r\nConnection: close\r\n\r\n", stop);
                await stream.WriteAsync(zip, stop);
            }
        }, certificate);

    /// <summary>A certificate for 127.0.0.1, valid for a day; the test's client trusts it by thumbprint only.</summary>
    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12, so that the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// A server's answer that sends the zip in <paramref name="pieces"/> pieces, one every 50 ms, from a thread of its own,
    /// as a remote server would: its pieces keep coming however busy this process's thread pool is.
    /// <paramref name="sending"/>, when given, is set once the headers and the first piece are sent.
    /// </summary>
    private static Func<string, Stream, CancellationToken, Task> SteadyBody(byte[] zip, int pieces, ManualResetEventSlim? sending = null) =>
        (_, stream, stop) => Task.Factory.StartNew(
            () =>
            {
                stream.Write(Encoding.Latin1.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {zip.Length}\r\nConnection: close\r\n\r\n"));
                var piece = (zip.Length + pieces - 1) / pieces;
                for (var offset = 0; offset < zip.Length && !stop.IsCancellationRequested; offset += piece)
                {
                    stream.Write(zip.AsSpan(offset, Math.Min(piece, zip.Length - offset)));
                    stream.Flush();
                    sending?.Set();
                    stop.WaitHandle.WaitOne(50);
                }
            },
            stop,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>Writes <paramref name="text"/> one byte per character, control characters included.</summary>
    private static async Task WriteAsciiAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private MovieLensDownloader Downloader(LocalServer server, params (MovieLensRelease Release, string Md5)[] checksums) =>
        new(new MovieLensDownloaderOptions
        {
            BaseUri = server.Url("/movielens/"),
            CacheDirectory = _cache,
            HttpClient = server.Client,
            Md5Checksums = checksums.ToDictionary(c => c.Release, c => c.Md5),
        });

    private void AssertCacheClean() =>
        Assert.Empty(Directory.Exists(_cache) ? Directory.GetFileSystemEntries(_cache) : []);

    private static void AssertNamesUrlAndFolder(MovieLensDownloadException error, Uri url, string folder)
    {
        Assert.Equal(url, error.Url);
        Assert.Equal(folder, error.TargetDirectory);
        Assert.Contains(url.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
    }

#pragma warning disable CA5351 // MD5 is the checksum GroupLens publishes; the tests compute it the same way.
    private static string Md5(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));
#pragma warning restore CA5351

    private static byte[] BuildZip(params (string Name, string Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return memory.ToArray();
    }

    private static string RandomText(int length)
    {
        var random = new Random(17);
        var chars = new char[length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('!' + random.Next(90));
        }

        return new string(chars);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A loopback HTTP server serving fixed bytes per path and counting requests; 404 for anything else.</summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, byte[]> _content = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, string> _faults = new(StringComparer.Ordinal);
        private readonly Task _loop;
        private readonly int _port;
        private string? _stallingPath;

        public LocalServer()
        {
            for (var attempt = 0; ; attempt++)
            {
                _port = FreePort();
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                }
            }

            Client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            _loop = Task.Run(LoopAsync);
        }

        public HttpClient Client { get; }

        public int TotalRequests => _requests.Values.Sum();

        public Uri Url(string path) => new($"http://127.0.0.1:{_port}{path}");

        public void Serve(string path, byte[] content) => _content[path] = content;

        public void ServeStalling(string path, byte[] content)
        {
            _content[path] = content;
            _stallingPath = path;
        }

        /// <summary>Serves <paramref name="content"/>, except that the first request fails as <paramref name="fault"/> says.</summary>
        public void ServeFailingOnce(string path, byte[] content, string fault)
        {
            _content[path] = content;
            _faults[path] = fault;
        }

        public int Requests(string path) => _requests.TryGetValue(path, out var count) ? count : 0;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
            }

            Client.Dispose();
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
                {
                    return;
                }

                _ = Task.Run(() => RespondAsync(context));
            }
        }

        private async Task RespondAsync(HttpListenerContext context)
        {
            var path = context.Request.Url!.AbsolutePath;
            _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            var response = context.Response;
            try
            {
                if (!_content.TryGetValue(path, out var body))
                {
                    response.StatusCode = 404;
                    response.Close();
                    return;
                }

                if (_faults.TryRemove(path, out var fault))
                {
                    await FailAsync(response, body, fault);
                    return;
                }

                response.ContentLength64 = body.Length;
                if (path == _stallingPath)
                {
                    await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                    await response.OutputStream.FlushAsync();

                    // Hold the rest back until the test ends.
                    await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    response.Abort();
                    return;
                }

                await response.OutputStream.WriteAsync(body);
                response.Close();
            }
            catch (Exception error) when (error is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away (cancellation tests); nothing to do.
            }
        }

        private static async Task FailAsync(HttpListenerResponse response, byte[] body, string fault)
        {
            switch (fault)
            {
                case "connection dropped mid-body":
                    response.ContentLength64 = body.Length;
                    await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    break;
                case "chunked body cut short":
                    // No length announced: only the broken framing tells the client the body is incomplete.
                    response.SendChunked = true;
                    await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    break;
                case "corrupted bytes":
                    var corrupted = body.ToArray();
                    corrupted[corrupted.Length / 2] ^= 0x5A;
                    response.ContentLength64 = corrupted.Length;
                    await response.OutputStream.WriteAsync(corrupted);
                    response.Close();
                    break;
                case "HTTP 500":
                    response.StatusCode = 500;
                    response.Close();
                    break;
                default:
                    throw new ArgumentException($"Unknown fault '{fault}'.", nameof(fault));
            }
        }
    }

    /// <summary>
    /// A loopback server on an ephemeral port that reads one request per connection and lets the test write the raw
    /// response: what <see cref="HttpListener"/> would refuse to send (any Location header) and bodies that stall.
    /// Given a certificate, it speaks https.
    /// The response script gets a token that fires when the server stops, which it does when disposed or, at the
    /// latest, after <see cref="Lifetime"/>; every connection is closed after its response.
    /// </summary>
    private sealed class RawServer : IDisposable
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new(Lifetime);
        private readonly Func<string, Stream, CancellationToken, Task> _respond;
        private readonly X509Certificate2? _certificate;
        private readonly ConcurrentQueue<Task> _connections = new();
        private readonly Task _loop;
        private int _requests;

        public RawServer(Func<string, Stream, CancellationToken, Task> respond, X509Certificate2? certificate = null)
        {
            _respond = respond;
            _certificate = certificate;
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _stop.Token.Register(_listener.Stop);
            _loop = Task.Run(AcceptAsync);
        }

        public int Port { get; }

        public int Requests => Volatile.Read(ref _requests);

        /// <summary>Whether the accept loop and every connection have finished.</summary>
        public bool Stopped => _loop.IsCompleted && _connections.All(c => c.IsCompleted);

        public Uri Url(string path) => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}{path}");

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                Task.WaitAll([_loop, .. _connections], TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _connections.Enqueue(Task.Run(() => ServeAsync(client)));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    Stream stream = client.GetStream();
                    if (_certificate is not null)
                    {
                        var tls = new SslStream(stream);
                        stream = tls;
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                    }

                    await using var _ = stream;
                    var path = await ReadRequestPathAsync(stream, _stop.Token);
                    Interlocked.Increment(ref _requests);
                    await _respond(path, stream, _stop.Token);
                }
                catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                    or AuthenticationException)
                {
                    // The client went away, or the server is stopping.
                }
            }
        }

        /// <summary>Reads the request head (up to the blank line) and returns the path of its request line.</summary>
        private static async Task<string> ReadRequestPathAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new byte[16 * 1024];
            var length = 0;
            while (length < head.Length)
            {
                var read = await stream.ReadAsync(head.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("The client closed the connection before the end of its request.");
                }

                length += read;
                var text = Encoding.Latin1.GetString(head, 0, length);
                if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var requestLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                    return requestLine.Length == 3 ? requestLine[1] : throw new IOException("Bad request line.");
                }
            }

            throw new IOException("The request head is too long.");
        }
    }

    /// <summary>
    /// The download while every thread of the pool is blocked for longer than the idle timeout. Alone in its collection,
    /// because it blocks the pool for the whole process.
    /// </summary>
    [Collection(nameof(BusyThreadPool))]
    public sealed class BusyThreadPool : IDisposable
    {
        private readonly MovieLensDownloaderTests _outer = new();

        public void Dispose() => _outer.Dispose();

        [Fact]
        public Task EnsureAsync_PoolBlockedWhileDataArrives_IsNotTimedOut() =>
            // The server keeps sending (from its own thread) while this process's pool is saturated for longer than the
            // idle timeout. The data has arrived, only the pool cannot yet hand it to the reader: a timeout that
            // fires late then is no stall, and the download must go on once the pool is free.
            DownloadWhilePoolIsBlockedAsync(
                idle: TimeSpan.FromSeconds(2),
                blockers: () => Enumerable.Repeat(TimeSpan.FromMilliseconds(2500), (2 * Environment.ProcessorCount) + 4));

        [Fact]
        public Task EnsureAsync_PoolFreesAThreadJustAsTheWaitIsDue_IsNotTimedOut() =>
            // The timer's callback is queued at high priority, ahead of ordinary work: the first thread the pool frees
            // runs it, while the read whose data has arrived still waits in the ordinary queue behind other work. Here
            // one work item ends just after the wait is due (on time, as far as the callback can tell) and the others
            // hold every other thread of the pool, and queue behind them, for longer.
            DownloadWhilePoolIsBlockedAsync(
                idle: TimeSpan.FromSeconds(1),
                blockers: () => Enumerable.Repeat(TimeSpan.FromSeconds(2), ThreadPool.ThreadCount + 6).Prepend(TimeSpan.FromMilliseconds(1020)));

        /// <summary>
        /// Downloads from a server that sends steadily from its own thread, with work items that sleep for
        /// <paramref name="blockers"/> queued to the pool once the server is sending (its accept loop and the request's
        /// parsing run on the pool, as a remote server's would not: from then on, every delay is this process's own).
        /// </summary>
        private async Task DownloadWhilePoolIsBlockedAsync(TimeSpan idle, Func<IEnumerable<TimeSpan>> blockers)
        {
            var zip = BuildZip(("ml-100k/u.data", RandomText(3000)));
            using var sending = new ManualResetEventSlim();
            using var server = new RawServer(SteadyBody(zip, pieces: 30, sending));
            var downloader = _outer.RawDownloader(server, client: null, idleTimeout: idle, md5: Md5(zip));
            var download = downloader.EnsureAsync(MovieLensRelease.Ml100k);

            Assert.True(sending.Wait(TimeSpan.FromSeconds(10)), "the server did not start sending");
            using var blocked = new CountdownEvent(1);
            foreach (var sleep in blockers())
            {
                blocked.AddCount();
                ThreadPool.UnsafeQueueUserWorkItem(
                    static state =>
                    {
                        Thread.Sleep(state.Sleep);
                        state.Blocked.Signal();
                    },
                    (Blocked: blocked, Sleep: sleep),
                    preferLocal: false);
            }

            try
            {
                var folder = await WithinAsync(download);
                Assert.True(File.Exists(Path.Combine(folder, "u.data")));
            }
            finally
            {
                blocked.Signal();
                blocked.Wait();
            }
        }
    }
}

/// <summary>Tests that must run with nothing else in the process.</summary>
[CollectionDefinition(nameof(MovieLensDownloaderTests.BusyThreadPool), DisableParallelization = true)]
public sealed class RunsAloneDefinition;
