using System.Text.Json.Nodes;
using MovieRecs.Tests.Cli;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// The same fit and the same answers whichever way the JIT compiled the kernels: tier-0 code with on-stack replacement
/// (what a short run of an application gets), fully optimized code, and minimal optimization throughout. Each
/// configuration runs the <c>movierecs</c> tool in a child process, since these settings are fixed when a process
/// starts. (The vector width is not among them: 256- and 512-bit kernels sum in different orders.)
/// </summary>
public sealed class JitDeterminismTests : IDisposable
{
    private static readonly (string Name, string[] Settings)[] Configurations =
    [
        ("tiered, loops start at tier 0", ["DOTNET_TC_QuickJitForLoops=1", "DOTNET_OSR_HitLimit=1"]),
        ("fully optimized", ["DOTNET_TieredCompilation=0"]),
        ("minimal optimization", ["DOTNET_JITMinOpts=1"]),
    ];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-jit-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void FitAndQueries_AreTheSameBits_UnderEveryJitConfiguration()
    {
        var data = Path.Combine(_folder.FullName, "data");
        Assert.Equal(0, CliRunner.Run("generate", "--preset", "ml-100k", "--seed", "11", "--out", data).Code);

        byte[]? expectedModel = null;
        string? expectedAnswers = null;
        for (var c = 0; c < Configurations.Length; c++)
        {
            var (name, settings) = Configurations[c];
            var model = Path.Combine(_folder.FullName, $"model-{c}.mrals");
            Run(settings, name, "train", data, "--out", model, "--factors", "24", "--iterations", "4", "--threads", "2");
            var answers = Run(settings, name, "recommend", model, "--data", data, "--user", "7", "--count", "10", "--json")
                + Run(settings, name, "similar", model, "--data", data, "--movie", "1", "--count", "10", "--json")
                + Run(settings, name, "explain", model, "--data", data, "--user", "7", "--movie", "2", "--count", "5", "--json");
            var bytes = File.ReadAllBytes(model);
            expectedModel ??= bytes;
            expectedAnswers ??= answers;
            Assert.True(expectedModel.AsSpan().SequenceEqual(bytes), $"the model fitted with {name} differs from the one fitted with {Configurations[0].Name}");
            Assert.Equal(expectedAnswers, answers);
        }
    }

    /// <summary>Runs the tool with only the given runtime settings; returns its JSON output (scores in round-trip form) without the stage timings.</summary>
    private static string Run(string[] settings, string name, params string[] args)
    {
        // The test run itself may be under such settings (the kernel reruns): start from none.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(IsJitSetting)
            .Select(key => new KeyValuePair<string, string?>(key, null)).ToList();
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            environment.Add(new(setting[..equals], setting[(equals + 1)..]));
        }

        var (code, output, error) = CliProcess.Run(args, environment, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"{args[0]} with {name} exited with {code}: {error}");
        if (args[0] == "train")
        {
            return output;
        }

        var json = JsonNode.Parse(output)!.AsObject();
        Assert.True(json.Remove("stageSeconds"), $"{args[0]} --json printed no stageSeconds: {output}");
        return json.ToJsonString();
    }

    private static bool IsJitSetting(string key) =>
        key.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_TC_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_Tiered", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_JIT", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_OSR", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase);
}
