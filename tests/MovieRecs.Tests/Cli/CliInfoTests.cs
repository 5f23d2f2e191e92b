using MovieRecs.Persistence;
using MovieRecs.Tests.Persistence;

namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs info</c> given what is not a model it can load: one line on standard error, exit code 1.</summary>
public sealed class CliInfoTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-info-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("model")]
    [InlineData("model.npz")]
    public void Info_FolderThatIsNoSparkModel_SaysSo(string name)
    {
        // A folder is read as a Spark ALSModel directory; one without Spark's metadata is named as not one.
        var folder = Directory.CreateDirectory(Path.Combine(_folder.FullName, name)).FullName;

        var (code, output, error) = CliRunner.Run("info", folder);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"movierecs: {folder}: not a Spark ALSModel directory: it has no metadata folder.", error.TrimEnd());
    }

    [Fact]
    public void Info_ZipBombUnderAHeapLimit_IsRejectedNotOutOfMemory()
    {
        // The .npz of the report: 67,108,864 users x 4 factors of deflated zeros (1 GiB) in about 1 MB. Loaded, the
        // rows padded to 8 or 16 floats would take 2 or 4 GiB; the tool runs under a 1 GiB heap, in its own process.
        var bomb = Path.Combine(_folder.FullName, "bomb.npz");
        File.WriteAllBytes(bomb, NpzBomb.Build(
            NpzBomb.Zeros32(ImplicitModelFile.UserFactorsKey, 67_108_864, 4),
            NpzBomb.Stored(ImplicitModelFile.ItemFactorsKey, NpyArray.Create<float>([1, 2, 3, 4], 1, 4))));
        Assert.True(new FileInfo(bomb).Length < 2 << 20);

        var (code, error) = RunInChildProcess(("DOTNET_GCHeapHardLimit", "0x40000000"), "info", bomb);

        Assert.True(code == 1, $"exit code {code}: {error}");
        Assert.StartsWith($"movierecs: {bomb}: TooManyElements: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Runs the tool in a child process with one more environment variable; returns its exit code and standard error.</summary>
    private static (int Code, string Error) RunInChildProcess((string Name, string Value) variable, params string[] args)
    {
        var (code, _, error) = CliProcess.Run(args, [new(variable.Name, variable.Value)], TimeSpan.FromMinutes(1));
        return (code, error);
    }
}
