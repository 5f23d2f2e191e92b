using System.Diagnostics;

namespace MovieRecs.Tests.Cli;

/// <summary>Runs the tool in a child process of the same <c>dotnet</c> host, for what needs a process of its own
/// (runtime settings, a heap limit).</summary>
internal static class CliProcess
{
    /// <summary>Runs <c>MovieRecs.Cli.dll</c> with <paramref name="args"/>; <paramref name="environment"/> may set or
    /// (with a null value) remove variables. Fails the test if the tool runs longer than <paramref name="limit"/>.</summary>
    public static (int Code, string Output, string Error) Run(
        IEnumerable<string> args, IEnumerable<KeyValuePair<string, string?>> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MovieRecs.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(limit), $"the tool did not finish within {limit.TotalSeconds:0} s");
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>The <c>dotnet</c> host running this test, so the child uses the same runtime.</summary>
    private static string DotnetHost()
    {
        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? host : "dotnet";
    }
}
