using Microsoft.Extensions.Options;

namespace MovieRecs.Web.Serving;

/// <summary>
/// Reloads the model when its file is replaced: watches the file's folder for any change to its name (written in
/// place, created, deleted, or renamed over, as an atomic save does) and, for a Spark model directory, to any file in
/// it (so a directory copied in place is loaded when the copy ends, not when it starts), waits until it has been quiet for
/// <see cref="ServiceOptions.ReloadDelayMilliseconds"/>, then asks <see cref="ModelHost.TryReload"/>. A file that does
/// not load is not rejected while it keeps changing (it is still being written); once it has been quiet for
/// <see cref="ServiceOptions.RetryDelayMilliseconds"/> it is tried once more, and rejected if it fails again.
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

        // A directory's files are watched through its folder, recursively, rather than by a watcher of the directory
        // itself, which would keep watching the old directory once a new one is moved over it. (This watches the
        // folder's other subfolders too; keep a Spark model in a folder of its own or with few neighbours.)
        using var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = Directory.Exists(host.ModelPath),
        };
        watcher.Changed += (_, e) => OnEvent(e.Name, name);
        watcher.Created += (_, e) => OnEvent(e.Name, name);
        watcher.Deleted += (_, e) => OnEvent(e.Name, name);
        watcher.Renamed += (_, e) =>
        {
            OnEvent(e.Name, name);
            OnEvent(e.OldName, name);
        };
        watcher.Error += (_, e) => LogWatchError(e.GetException(), folder);
        watcher.EnableRaisingEvents = true;
        LogWatching(host.ModelPath, settings.ReloadDelayMilliseconds);

        var delay = Math.Max(0, settings.ReloadDelayMilliseconds);
        var retryDelay = Math.Max(0, settings.RetryDelayMilliseconds);
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                host.NoteChange();
                await QuietAsync(delay, stoppingToken).ConfigureAwait(false);
                var attempt = await Task.Run(host.TryReload, stoppingToken).ConfigureAwait(false);

                // A file that does not load may still be being written (a slow copy that paused): it is not rejected
                // while it keeps changing. Once it has been quiet for the retry delay it is tried once more, and a
                // failure then is final.
                while (attempt.Outcome == ReloadOutcome.Failed)
                {
                    LogNotLoadedYet(host.ModelPath, attempt.Error!.Message, host.Current.Version, retryDelay);
                    if (await _changed.WaitAsync(retryDelay, stoppingToken).ConfigureAwait(false))
                    {
                        await QuietAsync(delay, stoppingToken).ConfigureAwait(false);
                        attempt = await Task.Run(host.TryReload, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    attempt = await Task.Run(host.TryReload, stoppingToken).ConfigureAwait(false);
                    if (attempt.Outcome == ReloadOutcome.Failed)
                    {
                        host.Reject(attempt);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Waits until the path has been quiet for <paramref name="delay"/> milliseconds, then takes all the
    /// events so far, to load once for them.</summary>
    private async Task QuietAsync(int delay, CancellationToken stoppingToken)
    {
        long quiet;
        while ((quiet = Environment.TickCount64 - Interlocked.Read(ref _lastChange)) < delay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delay - quiet), stoppingToken).ConfigureAwait(false);
        }

        while (_changed.CurrentCount > 0)
        {
            await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    /// <summary>Notes an event about <paramref name="changedName"/> (relative to the watched folder) if it is the model's
    /// name or a path inside it.</summary>
    private void OnEvent(string? changedName, string modelName)
    {
        if (changedName is not null
            && changedName.StartsWith(modelName, StringComparison.Ordinal)
            && (changedName.Length == modelName.Length || changedName[modelName.Length] == Path.DirectorySeparatorChar))
        {
            Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
            _changed.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Path}: a replaced file is reloaded after {Delay} ms without changes")]
    private partial void LogWatching(string path, int delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the new model file {Path} yet: {Reason} Still serving version {Version}; it is tried again when it changes, or once more after {RetryDelay} ms without changes")]
    private partial void LogNotLoadedYet(string path, string reason, int version, int retryDelay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watcher of {Folder} failed; replaced model files may go unnoticed")]
    private partial void LogWatchError(Exception exception, string folder);
}
