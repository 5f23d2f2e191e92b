using Microsoft.Extensions.Options;

namespace MovieRecs.Web.Serving;

/// <summary>
/// Reloads the model when its file is replaced: watches the file's folder for any change to its name (written in
/// place, created, or renamed over, as an atomic save does), waits until it has been quiet for
/// <see cref="ServiceOptions.ReloadDelayMilliseconds"/>, then asks <see cref="ModelHost.Reload"/>. Starting it also
/// loads the first model, so the service does not start without one.
/// </summary>
internal sealed partial class ModelFileWatcher(ModelHost host, IOptions<ServiceOptions> options, ILogger<ModelFileWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private long _lastChange;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.WatchModel)
        {
            return;
        }

        var folder = Path.GetDirectoryName(host.ModelPath)!;
        var name = Path.GetFileName(host.ModelPath);
        using var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, e) => OnEvent(e.Name, name);
        watcher.Created += (_, e) => OnEvent(e.Name, name);
        watcher.Renamed += (_, e) => OnEvent(e.Name, name);
        watcher.Error += (_, e) => LogWatchError(e.GetException(), folder);
        watcher.EnableRaisingEvents = true;
        LogWatching(host.ModelPath, settings.ReloadDelayMilliseconds);

        var delay = Math.Max(0, settings.ReloadDelayMilliseconds);
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);

                // Debounce: wait until the file has been quiet for the whole delay, then reload once for all the
                // events so far.
                long quiet;
                while ((quiet = Environment.TickCount64 - Interlocked.Read(ref _lastChange)) < delay)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay - quiet), stoppingToken).ConfigureAwait(false);
                }

                while (_changed.CurrentCount > 0)
                {
                    await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                }

                await Task.Run(host.Reload, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private void OnEvent(string? changedName, string modelName)
    {
        if (string.Equals(changedName, modelName, StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
            _changed.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Path}: a replaced file is reloaded after {Delay} ms without changes")]
    private partial void LogWatching(string path, int delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watcher of {Folder} failed; replaced model files may go unnoticed")]
    private partial void LogWatchError(Exception exception, string folder);
}
