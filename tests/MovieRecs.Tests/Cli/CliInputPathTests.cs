using System.Text.Json;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Cli;

/// <summary>The files and folders a command reads: a missing one named as given, a pipe refused instead of waited on.</summary>
public sealed class CliInputPathTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-cli-input-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Theory]
    [InlineData("info", "no-such-model.mrals")]
    [InlineData("info", "no-such-model.npz")]
    [InlineData("recommend", "no-such-model.mrals", "--data", "no-such-data", "--user", "1")]
    [InlineData("similar", "no-such-model.npz", "--data", "no-such-data", "--movie", "1")]
    public void MissingModel_NamedAsGivenNotAsAnAbsolutePath(params string[] args)
    {
        var (code, output, error) = CliRunner.Run([.. args, "--json"]);

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: no such file or folder: '{args[1]}'{Environment.NewLine}", error);
        Assert.Equal($"no such file or folder: '{args[1]}'", JsonDocument.Parse(output).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("info", "{path}")]
    [InlineData("train", "{path}", "--out", "m.mrals")]
    [InlineData("evaluate", "{path}")]
    public void MissingPathWithControlCharacters_EscapedOnOneLine(params string[] args)
    {
        var (code, _, error) = CliRunner.Run([.. args.Select(a => a.Replace("{path}", "a\nb\u001b[31m", StringComparison.Ordinal))]);

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: no such file or folder: 'a\\nb\\u001B[31m'{Environment.NewLine}", error);
    }

    [Fact]
    public void Recommend_DataInAFolderWithoutTheMoviesFile_NamesTheFolderAsGiven()
    {
        var folder = PathOf("only-ratings");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "u.data"), "1\t2\t5\t881250949\n");
        var model = PathOf("m.mrals");
        Assert.Equal(0, CliRunner.Run("train", folder, "--out", model, "--factors", "2", "--iterations", "1").Code);

        var (code, _, error) = CliRunner.Run("recommend", model, "--data", Path.Combine(folder, "u.data"), "--user", "1");

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: no u.item in '{folder}': the titles come from the release's movies file{Environment.NewLine}", error);
    }

    [Fact]
    public void Evaluate_SplitOfARatingsFile_SaysTheSplitNeedsTheFolder()
    {
        var ratings = PathOf("u.data");
        File.WriteAllText(ratings, "1\t2\t5\t881250949\n");

        var (code, _, error) = CliRunner.Run("evaluate", ratings, "--split", "u1");

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: --split u1 reads u1.base and u1.test of the ml-100k folder, not a file: '{ratings}'{Environment.NewLine}", error);
    }

    [LinuxFact]
    public void ModelOrDataIsAFifo_RefusedAtOnceInsteadOfWaitingForAWriter()
    {
        var data = PathOf("data");
        SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 20, movies: 30, ratings: 500) with { Seed = 2 }).WriteMl1mFiles(data);
        var model = PathOf("m.mrals");
        Assert.Equal(0, CliRunner.Run("train", data, "--out", model, "--factors", "2", "--iterations", "1").Code);
        var fifo = PathOf("pipe.mrals");
        UnixFiles.MakeFifo(fifo);
        var fifoData = PathOf("fifo-data");
        Directory.CreateDirectory(fifoData);
        File.Copy(Path.Combine(data, "movies.dat"), Path.Combine(fifoData, "movies.dat"));
        UnixFiles.MakeFifo(Path.Combine(fifoData, "ratings.dat"));

        (string[] Args, string Expected)[] cases =
        [
            (["info", fifo], $"'{fifo}' is a FIFO (named pipe); give a regular file (a pipe can be read only once, in order)"),
            (["recommend", model, "--data", fifo, "--user", "1"], $"'{fifo}' is a FIFO (named pipe); give a regular file (a pipe can be read only once, in order)"),
            (["train", fifoData, "--out", PathOf("n.mrals")], $"'{Path.Combine(fifoData, "ratings.dat")}' is a FIFO (named pipe); give a regular file (a pipe can be read only once, in order)"),
            (["recommend", model, "--data", fifoData, "--user", "1"], $"'{Path.Combine(fifoData, "ratings.dat")}' is a FIFO (named pipe); give a regular file (a pipe can be read only once, in order)"),
        ];
        foreach (var (args, expected) in cases)
        {
            var run = Task.Run(() => CliRunner.Run(args));
            Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"{string.Join(' ', args)} waits on the FIFO");
            Assert.Equal((1, $"movierecs: {expected}{Environment.NewLine}"), (run.Result.Code, run.Result.Error));
        }
    }

    /// <summary>A fact that needs Linux: the tool tells a FIFO from a file there (elsewhere it cannot, and reading one waits).</summary>
    private sealed class LinuxFactAttribute : FactAttribute
    {
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux())
            {
                Skip = "tells FIFOs from files on Linux only";
            }
        }
    }
}
