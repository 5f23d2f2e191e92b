using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MovieRecs.Tests;

/// <summary>
/// The quickstart program (samples/Quickstart) with no data and a network that accepts connections but never
/// answers: it gives up after its idle timeout with the downloader's message, which says where to put the files by
/// hand, and names --data and MOVIERECS_DATA. It used to wait 30 s and say only "Offline: A task was canceled."
/// </summary>
public sealed class QuickstartOfflineTests : IDisposable
{
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("movierecs-quickstart-");

    public void Dispose() => _cache.Delete(recursive: true);

    [UnixFact]
    public async Task Run_NetworkNeverAnswers_GivesUpAfterTheIdleTimeoutSayingWhatToDo()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<Socket>();
        _ = HoldConnectionsAsync(silent, held);
        var proxy = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Quickstart.dll"), "--idle-timeout", "1" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MOVIERECS_DATA"] = null;
        start.Environment["XDG_CACHE_HOME"] = _cache.FullName;
        foreach (var name in new[] { "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy" })
        {
            start.Environment[name] = proxy;
        }

        start.Environment["NO_PROXY"] = null;
        start.Environment["no_proxy"] = null;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("Running on the synthetic", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            // Past this point it trains on the synthetic data set, which other tests cover.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var output = string.Join('\n', lines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:0.0} s: {output}");
        var offline = Assert.Single(lines, line => line.StartsWith("Offline: ", StringComparison.Ordinal));
        Assert.Contains("stalled", offline, StringComparison.Ordinal);
        Assert.Contains($"To install ml-1m by hand, download https://files.grouplens.org/datasets/movielens/ml-1m.zip and extract it so that its files are directly in {Path.Combine(_cache.FullName, "movierecs", "ml-1m")}", offline, StringComparison.Ordinal);
        Assert.Contains("Or give a MovieLens folder with --data <dir> or the MOVIERECS_DATA variable.", lines);
        Assert.Empty(Directory.GetFiles(_cache.FullName, "*", SearchOption.AllDirectories));
        Assert.NotEmpty(held);
    }

    private static async Task HoldConnectionsAsync(TcpListener listener, List<Socket> held)
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync();
                lock (held)
                {
                    held.Add(socket);
                }
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // The listener was stopped.
        }
    }

    /// <summary>The <c>dotnet</c> host running this test, so the child uses the same runtime.</summary>
    private static string DotnetHost()
    {
        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? host : "dotnet";
    }
}
