using System.Globalization;

namespace MovieRecs.MovieLens;

public sealed partial class MovieLensDownloader
{
    private static readonly Lazy<HttpClient> s_sharedClient = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(30) });

    /// <summary>Sends a GET for <paramref name="url"/> and returns the response once its headers are in.</summary>
    /// <param name="url">The URL to get (the zip or its checksum file).</param>
    /// <param name="idle">Bounds the wait for the connection and the response headers.</param>
    private async Task<HttpResponseMessage> SendAsync(Uri url, IdleTimer idle)
    {
        var client = Options.HttpClient ?? s_sharedClient.Value;
        idle.Source = url;
        idle.Restart();
        try
        {
            return await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        }
        finally
        {
            idle.Pause();
        }
    }

    /// <summary>
    /// Cancels <see cref="Token"/> when a network wait started by <see cref="Restart"/> lasts longer than the idle
    /// timeout, or when the caller cancels. Paused between waits, so that time spent hashing and writing to disk is not
    /// counted against the server.
    /// </summary>
    private sealed class IdleTimer : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _caller;
        private readonly TimeSpan _timeout;

        public IdleTimer(TimeSpan timeout, CancellationToken caller)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _caller = caller;
            _timeout = timeout;
        }

        public CancellationToken Token => _source.Token;

        /// <summary>The URL being waited for, named in the message.</summary>
        public Uri? Source { get; set; }

        /// <summary>Whether the idle timeout, not the caller, cancelled <see cref="Token"/>.</summary>
        public bool HasExpired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

        /// <summary>Starts (or restarts) the clock; a no-op once cancelled.</summary>
        public void Restart() => _source.CancelAfter(_timeout);

        /// <summary>Stops the clock; a no-op once cancelled.</summary>
        public void Pause() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

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

        public void Dispose() => _source.Dispose();
    }
}
