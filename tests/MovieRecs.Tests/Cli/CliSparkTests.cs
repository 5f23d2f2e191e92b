using System.Text.Json;
using MovieRecs.MovieLens;
using MovieRecs.Spark;

namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs</c> with Spark ALSModel directories: <c>train --format spark</c> writes one, and every command that
/// reads a model reads it.</summary>
public sealed class CliSparkTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-spark-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>An ml-100k-shaped folder from <c>movierecs generate</c> (seed 6).</summary>
    private string GeneratedData()
    {
        var data = PathOf("data");
        Assert.Equal(0, CliRunner.Run("generate", "--preset", "ml-100k", "--seed", "6", "--out", data).Code);
        return data;
    }

    [Fact]
    public void TrainFormatSpark_ThenEveryServingCommand_ReadsTheDirectory()
    {
        var data = GeneratedData();
        var model = PathOf("spark-model");

        var trained = CliRunner.Run("train", data, "--out", model, "--format", "spark", "--convention", "spark", "--factors", "6", "--iterations", "2", "--json");

        Assert.Equal(0, trained.Code);
        Assert.Equal("spark", JsonDocument.Parse(trained.Output).RootElement.GetProperty("format").GetString());
        var metadata = SparkModelDirectory.ReadMetadata(model);
        Assert.Equal(("userId", "movieId", 6), (metadata.UserColumn, metadata.ItemColumn, metadata.Rank));

        var info = JsonDocument.Parse(CliRunner.Run("info", model, "--json").Output).RootElement;
        Assert.Equal("spark", info.GetProperty("format").GetString());
        Assert.Equal("spark", info.GetProperty("convention").GetString());
        Assert.Equal(6, info.GetProperty("factors").GetInt32());
        Assert.Equal(metadata.Uid, info.GetProperty("uid").GetString());

        // recommend --user filters the user's liked movies from --data, as for a model file.
        var (loaded, users, items) = SparkModelDirectory.Load(model);
        var recommended = JsonDocument.Parse(CliRunner.Run("recommend", model, "--data", data, "--user", "1", "--count", "5", "--json").Output).RootElement;
        var liked = MovieLensDataset.Load(data).Ratings;
        var likedColumns = Enumerable.Range(0, liked.Count)
            .Where(i => liked.UserIds[i] == 1 && liked.Ratings[i] >= 1 && items!.Contains(liked.MovieIds[i]))
            .Select(i => items!.IndexOf(liked.MovieIds[i]))
            .Distinct()
            .ToArray();
        var expected = loaded.Recommend(users!.IndexOf(1), likedColumns, 5).Select(s => items![s.Item]);
        Assert.Equal(expected, recommended.GetProperty("recommendations").EnumerateArray().Select(e => e.GetProperty("movieId").GetInt32()));

        var similar = CliRunner.Run("similar", model, "--data", data, "--movie", items![0].ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", "3", "--json");
        Assert.Equal(0, similar.Code);
        var explained = CliRunner.Run("explain", model, "--data", data, "--user", "1", "--movie", items[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(0, explained.Code);
        Assert.True(JsonDocument.Parse(explained.Output).RootElement.TryGetProperty("contributions", out _));
    }

    [SparkFixtureFact]
    public void Info_SparkFixture_ShowsItsShapeAndMetadata()
    {
        var fixture = SparkTestData.Fixture!;
        var metadata = SparkModelDirectory.ReadMetadata(fixture);

        var (code, output, _) = CliRunner.Run("info", fixture, "--json");

        Assert.Equal(0, code);
        var info = JsonDocument.Parse(output).RootElement;
        Assert.Equal(metadata.Rank, info.GetProperty("factors").GetInt32());
        Assert.Equal(metadata.SparkVersion, info.GetProperty("sparkVersion").GetString());
        Assert.Equal(metadata.UserColumn, info.GetProperty("userColumn").GetString());
        Assert.True(info.GetProperty("users").GetInt32() > 0 && info.GetProperty("items").GetInt32() > 0);
    }

    [Fact]
    public void Recommend_DamagedSparkDirectory_OneLineNamingTheFile()
    {
        var data = GeneratedData();
        var model = PathOf("spark-model");
        Assert.Equal(0, CliRunner.Run("train", data, "--out", model, "--format", "spark", "--factors", "4", "--iterations", "1").Code);
        var part = Directory.GetFiles(Path.Combine(model, "itemFactors"), "part-*").First();
        File.Delete(part);

        var (code, output, error) = CliRunner.Run("recommend", model, "--data", data, "--user", "1");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith($"movierecs: {part}: the file is missing", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void TrainFormatSpark_OutIsAFolderOfOtherFiles_RefusedBeforeTrainingAndLeftAsItWas()
    {
        var data = GeneratedData();
        var notes = PathOf("notes");
        Directory.CreateDirectory(notes);
        File.WriteAllText(Path.Combine(notes, "todo.txt"), "keep me");

        var (code, output, error) = CliRunner.Run("train", data, "--out", notes, "--format", "spark", "--factors", "4", "--iterations", "1");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal(
            $"movierecs: --out '{notes}' is a folder that is not a Spark ALSModel directory (it has no metadata folder): it is not replaced; give a new name or remove it{Environment.NewLine}",
            error);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(notes, "todo.txt")));
        Assert.Single(Directory.GetFileSystemEntries(notes));
    }

    [Fact]
    public void TrainFormatSpark_OverAnEarlierSparkModelOrAnEmptyFolder_Replaces()
    {
        var data = GeneratedData();
        var model = PathOf("spark-model");
        Directory.CreateDirectory(model);

        foreach (var factors in new[] { "4", "5" })
        {
            var (code, _, error) = CliRunner.Run("train", data, "--out", model, "--format", "spark", "--factors", factors, "--iterations", "1");
            Assert.True(code == 0, error);
            Assert.Equal(int.Parse(factors, System.Globalization.CultureInfo.InvariantCulture), SparkModelDirectory.ReadMetadata(model).Rank);
        }
    }

    [Fact]
    public void TrainFormatSpark_OutIsAFile_RefusedBeforeTraining()
    {
        var file = PathOf("model.txt");
        File.WriteAllText(file, "keep me");

        // The data does not exist: the --out mistake is found first, before any data is read.
        var (code, _, error) = CliRunner.Run("train", PathOf("no-data"), "--out", file, "--format", "spark");

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: --out '{file}' is a file; --format spark writes a directory{Environment.NewLine}", error);
        Assert.Equal("keep me", File.ReadAllText(file));
    }
}
