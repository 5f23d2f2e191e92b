using System.Globalization;
using System.Net;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

public sealed partial class MovieLensDownloader
{
    /// <summary>The most redirects one request follows before the download is abandoned.</summary>
    internal const int MaxRedirects = 10;

    /// <summary>Server-supplied text longer than this is cut in messages.</summary>
    private const int MaxShownLength = 200;

    /// <summary>
    /// The client used when <see cref="MovieLensDownloaderOptions.HttpClient"/> is <see langword="null"/>. It does not
    /// follow redirects itself, so that <see cref="SendAsync"/> checks every hop.
    /// </summary>
    private static readonly Lazy<HttpClient> s_sharedClient = new(() =>
        new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(30) });

    /// <summary>
    /// Sends a GET for <paramref name="url"/> and returns the response once its headers are in, following redirects to
    /// http and https URLs only: at most <see cref="MaxRedirects"/> of them, never back to a URL already requested, and
    /// never from https to http. A client whose handler follows redirects itself does so by its own rules; then the URL it
    /// ends at, and any redirect it hands back, are checked here.
    /// </summary>
    /// <param name="release">The release, for the exception.</param>
    /// <param name="zipUrl">The zip's URL, for the exception.</param>
    /// <param name="url">The URL to get (the zip or its checksum file).</param>
    /// <param name="idle">Bounds the wait for the response headers of each request.</param>
    /// <exception cref="MovieLensDownloadException">A redirect is not followed, or the client cannot send the request.</exception>
    private async Task<HttpResponseMessage> SendAsync(MovieLensRelease release, Uri zipUrl, Uri url, IdleTimer idle)
    {
        var client = Options.HttpClient ?? s_sharedClient.Value;
        var requested = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            requested.Add(current.AbsoluteUri);
            idle.Source = current;
            HttpResponseMessage response;
            idle.Restart();
            try
            {
                response = await client.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            }
            catch (UriFormatException error)
            {
                // Only a handler that follows redirects itself parses a URL the server supplied.
                throw Failure(release, zipUrl,
                    $"{current} redirects to an address that is not a valid URI ({Printable(error.Message)}); only http and https redirects are followed.",
                    error);
            }
            catch (InvalidOperationException error)
            {
                // The client was disposed, or its handler broke the HttpClient contract.
                throw Failure(release, zipUrl, $"The HTTP client could not request {current} ({Printable(error.Message)}).", error);
            }
            finally
            {
                idle.Pause();
            }

            var reached = response.RequestMessage?.RequestUri ?? current;
            if (!IsHttpUrl(reached))
            {
                response.Dispose();
                throw Failure(release, zipUrl,
                    $"{current} was redirected to '{Printable(reached.OriginalString)}', which is not an http or https URL; only http and https redirects are followed.");
            }

            requested.Add(reached.AbsoluteUri);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            var status = response.StatusCode;
            var location = response.Headers.TryGetValues("Location", out var values) ? values.FirstOrDefault() : null;
            response.Dispose();
            var answered = $"{reached.AbsoluteUri} answered {(int)status} ({status})";
            if (string.IsNullOrWhiteSpace(location))
            {
                throw Failure(release, zipUrl, $"{answered} without a Location header to redirect to.");
            }

            if (!Uri.TryCreate(location.Trim(), UriKind.RelativeOrAbsolute, out var next)
                || (!next.IsAbsoluteUri && !Uri.TryCreate(reached, next, out next)))
            {
                throw Failure(release, zipUrl, $"{answered} with a Location header that is not a valid URI: '{Printable(location)}'.");
            }

            if (!IsHttpUrl(next))
            {
                throw Failure(release, zipUrl,
                    $"{answered} redirecting to '{Printable(location)}', which is not an http or https URL; only http and https redirects are followed.");
            }

            if (reached.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
            {
                throw Failure(release, zipUrl,
                    $"{answered} redirecting from https to http ('{Printable(location)}'); a redirect to an insecure URL is not followed.");
            }

            if (requested.Contains(next.AbsoluteUri))
            {
                throw Failure(release, zipUrl,
                    $"{answered} redirecting to {next.AbsoluteUri}, which was already requested: a redirect loop.");
            }

            if (redirects == MaxRedirects)
            {
                throw Failure(release, zipUrl,
                    $"{url} led to more than {MaxRedirects} redirects; the one from {reached.AbsoluteUri} to {next.AbsoluteUri} is not followed.");
            }

            current = next;
        }
    }

    private static bool IsHttpUrl(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private MovieLensDownloadException Failure(MovieLensRelease release, Uri zipUrl, string reason, Exception? innerException = null) =>
        new(release, zipUrl, GetReleaseDirectory(release), reason, innerException);

    /// <summary>Shows text a server supplied (or a message quoting it): control characters escaped
    /// (<see cref="MessageText.Escape"/>), cut at <see cref="MaxShownLength"/>.</summary>
    internal static string Printable(string text) =>
        text.Length > MaxShownLength ? MessageText.Escape(text[..MaxShownLength]) + "..." : MessageText.Escape(text);

    /// <summary>
    /// Cancels <see cref="Token"/> when a network wait started by <see cref="Restart"/> lasts longer than the idle
    /// timeout, or when the caller cancels. Paused between waits, so that time spent hashing and writing to disk is not
    /// counted against the server.
    /// </summary>
    /// <remarks>
    /// Data that has arrived still takes a hop through the thread pool's queue before the read that waits for it returns.
    /// In a process whose pool is saturated (every thread blocked, new ones added about twice a second) that hop waits,
    /// while the timer's callback is queued at high priority, ahead of it: the first thread the pool frees or adds runs
    /// the callback, and the read that has in fact finished is still queued. So a callback that runs more than
    /// <see cref="Lateness"/> late starts the clock again, the whole timeout from then; and one that runs on time does not
    /// abandon the wait itself but queues a last look behind whatever the pool already holds (<see cref="Confirm"/>):
    /// the wait is abandoned only if that look, run on time, finds the same read still waiting.
    /// </remarks>
    private sealed class IdleTimer : IDisposable
    {
        /// <summary>How late a callback may run and still count.</summary>
        private static readonly TimeSpan Lateness = TimeSpan.FromMilliseconds(100);

        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _caller;
        private readonly TimeSpan _timeout;
        private readonly Timer _timer;
        private readonly Lock _lock = new();
        private long _dueAt;
        private long _wait;
        private bool _waiting;
        private bool _disposed;

        public IdleTimer(TimeSpan timeout, CancellationToken caller)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _caller = caller;
            _timeout = timeout;
            _timer = new Timer(static state => ((IdleTimer)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        }

        public CancellationToken Token => _source.Token;

        /// <summary>The URL being waited for, named in the message.</summary>
        public Uri? Source { get; set; }

        /// <summary>Whether the idle timeout, not the caller, cancelled <see cref="Token"/>.</summary>
        public bool HasExpired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

        /// <summary>Starts (or restarts) the clock; a no-op with an infinite timeout.</summary>
        public void Restart()
        {
            if (_timeout == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            lock (_lock)
            {
                _waiting = true;
                _wait++;
                _dueAt = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
                _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>Stops the clock.</summary>
        public void Pause()
        {
            lock (_lock)
            {
                _waiting = false;
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }

        private void OnTimer()
        {
            long wait;
            lock (_lock)
            {
                if (!_waiting || _disposed || !IsDue())
                {
                    return;
                }

                wait = _wait;
            }

            // On time, but run from the pool's high-priority queue: data that has arrived may still wait in its ordinary
            // queue. Look again behind it.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Timer.Confirm(state.Wait), (Timer: this, Wait: wait), preferLocal: false);
        }

        /// <summary>Abandons the wait if it is still the one the timer expired (and this look runs on time).</summary>
        private void Confirm(long wait)
        {
            lock (_lock)
            {
                if (!_waiting || _disposed || _wait != wait || !IsDue())
                {
                    return;
                }

                _waiting = false;
            }

            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the cancellation: the download is over anyway.
            }
        }

        /// <summary>
        /// Whether the wait has lasted the whole timeout, seen from a callback on time (within <see cref="Lateness"/>);
        /// otherwise re-arms the timer: early (a restart raced the callback) for the rest, late (the process was too busy
        /// to tell a stall from a read it had not yet been able to finish) for the whole timeout from now, as the
        /// saturated time does not count. Called under the lock.
        /// </summary>
        private bool IsDue()
        {
            var now = Environment.TickCount64;
            var late = now - _dueAt;
            if (late < 0)
            {
                _timer.Change(TimeSpan.FromMilliseconds(-late), Timeout.InfiniteTimeSpan);
                return false;
            }

            if (late > (long)Lateness.TotalMilliseconds)
            {
                _dueAt = now + (long)_timeout.TotalMilliseconds;
                _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
                return false;
            }

            return true;
        }

        /// <summary>Reads from <paramref name="stream"/>, waiting at most the idle timeout for the first byte.</summary>
        public async ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer)
        {
            Restart();
            try
            {
                return await stream.ReadAsync(buffer, Token).ConfigureAwait(false);
            }
            finally
            {
                Pause();
            }
        }

        public string Reason() =>
            $"{Source} stalled: no data arrived for {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s "
            + "(MovieLensDownloaderOptions.IdleTimeout), so the download was abandoned.";

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
            }

            _timer.Dispose();
            _source.Dispose();
        }
    }
}
