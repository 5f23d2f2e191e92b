using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace MovieRecs.Web.Tests;

/// <summary>The service over a model file and a data folder, in memory (or on Kestrel, for the browser), with its
/// log kept for assertions.</summary>
public sealed class ServiceFactory(
    string modelFile, string dataFolder, bool watchModel = false, int reloadDelayMilliseconds = 50, int retryDelayMilliseconds = 1000)
    : WebApplicationFactory<Program>
{
    /// <summary>Every message logged at Information or above, as "Level: message".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("MovieRecs:Model", modelFile);
        builder.UseSetting("MovieRecs:Data", dataFolder);
        builder.UseSetting("MovieRecs:WatchModel", watchModel ? "true" : "false");
        builder.UseSetting("MovieRecs:ReloadDelayMilliseconds", reloadDelayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("MovieRecs:RetryDelayMilliseconds", retryDelayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(Log)));
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(log);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
