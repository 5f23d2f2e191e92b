using System.Text.Json;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Cli;

/// <summary>The movierecs commands end to end on generated data, called in-process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void GenerateTrainQueryEvaluate_BothModelFormats_JsonAndTables()
    {
        var data = PathOf("data");
        var generated = Run("generate", "--preset", "ml-100k", "--seed", "3", "--out", data, "--json");
        Assert.Equal(0, generated.Code);
        Assert.Equal(100_000, JsonDocument.Parse(generated.Output).RootElement.GetProperty("ratings").GetInt32());

        foreach (var model in new[] { PathOf("model.mrals"), PathOf("model.npz") })
        {
            var trained = Run("train", data, "--out", model, "--factors", "8", "--iterations", "3", "--threads", "2", "--json");
            Assert.Equal(0, trained.Code);
            var json = JsonDocument.Parse(trained.Output).RootElement;
            Assert.Equal(3, json.GetProperty("losses").GetArrayLength());
            Assert.True(json.GetProperty("stageSeconds").GetProperty("fit").GetDouble() >= 0);

            var info = JsonDocument.Parse(Run("info", model, "--json").Output).RootElement;
            Assert.Equal(8, info.GetProperty("factors").GetInt32());
            Assert.True(info.GetProperty("itemIds").GetBoolean());

            var movies = MovieLensReader.ReadMovies(Path.Combine(data, "movies.dat"), MovieLensRelease.Ml1m);
            var recommended = Run("recommend", model, "--data", data, "--titles", movies[0].Title, movies[1].Title, "--count", "4", "--json");
            Assert.Equal(0, recommended.Code);
            var items = JsonDocument.Parse(recommended.Output).RootElement.GetProperty("recommendations");
            Assert.Equal(4, items.GetArrayLength());
            Assert.DoesNotContain(items.EnumerateArray(), e => e.GetProperty("movieId").GetInt32() == movies[0].Id);

            var byUser = Run("recommend", model, "--data", data, "--user", "1", "--count", "3");
            Assert.Equal(0, byUser.Code);
            Assert.Contains("score", byUser.Output, StringComparison.Ordinal);

            var similar = JsonDocument.Parse(Run("similar", model, "--data", data, "--movie", movies[2].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", "5", "--json").Output).RootElement;
            Assert.Equal(movies[2].Id, similar.GetProperty("similar")[0].GetProperty("movieId").GetInt32());

            var explained = Run("explain", model, "--data", data, "--user", "1", "--movie", movies[3].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
            Assert.Equal(0, explained.Code);
            Assert.True(JsonDocument.Parse(explained.Output).RootElement.TryGetProperty("contributions", out _));
        }

        var evaluated = Run("evaluate", data, "--test-fraction", "0.2", "--factors", "8", "--iterations", "3", "--json");
        Assert.Equal(0, evaluated.Code);
        var metrics = JsonDocument.Parse(evaluated.Output).RootElement;
        Assert.InRange(metrics.GetProperty("als").GetProperty("ImplicitPrecision").GetDouble(), 0, 1);
        Assert.InRange(metrics.GetProperty("popularity").GetProperty("Auc").GetDouble(), 0, 1);
    }

    [Fact]
    public void Train_FolderOrRatingsFile_SameMatrixAsTheTableBuild()
    {
        var data = PathOf("data");
        Assert.Equal(0, Run("generate", "--preset", "ml-100k", "--seed", "4", "--out", data).Code);
        var ratingsFile = Directory.GetFiles(data).Single(f => Path.GetFileName(f) is "u.data" or "ratings.dat" or "ratings.csv");
        var release = MovieLensReader.DetectRelease(data);
        var expected = InteractionMatrix.Build(MovieLensReader.ReadRatings(ratingsFile, release), new InteractionOptions { MinRating = 4f });
        foreach (var source in new[] { data, ratingsFile })
        {
            var trained = Run("train", source, "--out", PathOf("m.mrals"), "--min-rating", "4", "--factors", "4", "--iterations", "1", "--json");
            Assert.Equal(0, trained.Code);
            var json = JsonDocument.Parse(trained.Output).RootElement;
            Assert.Equal(expected.UserItems.NonZeroCount, json.GetProperty("nonZeros").GetInt64());
            Assert.Equal(expected.UserItems.RowCount, json.GetProperty("users").GetInt32());
            Assert.Equal(expected.UserItems.ColumnCount, json.GetProperty("items").GetInt32());
        }
    }

    /// <summary><c>generate --preset ml-20m</c> writes half stars in the ml-1m layout; train must read them as a folder or a file.</summary>
    [Fact]
    public void Train_HalfStarDatFolderOrFile_Trains()
    {
        var data = PathOf("data");
        var options = SyntheticMovieLensOptions.Ml20m with { Users = 80, Movies = 200, Ratings = 4_000, Seed = 3 };
        SyntheticMovieLens.Generate(options).WriteMl1mFiles(data);
        var alone = PathOf("mine.dat");
        File.Copy(Path.Combine(data, "ratings.dat"), alone);
        foreach (var source in new[] { data, Path.Combine(data, "ratings.dat"), alone })
        {
            var (code, _, error) = Run("train", source, "--out", PathOf("m.mrals"), "--factors", "4", "--iterations", "1");
            Assert.True(code == 0, $"{source}: {error}");
        }
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("train")]
    [InlineData("train", "no-such-folder", "--out", "m.mrals")]
    [InlineData("info", "no-such-model.mrals")]
    [InlineData("generate", "--preset", "ml-7m", "--out", "x")]
    [InlineData("train", "no-such-folder", "--out", "m.mrals", "--factors", "many")]
    public void BadInput_OneLineOnStderr_NonZeroExit(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("movierecs: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_MinRatingAboveEveryRating_SaysNoRatingsInTheFileOnOneLine()
    {
        var data = PathOf("data");
        Assert.Equal(0, Run("generate", "--preset", "ml-100k", "--seed", "5", "--out", data).Code);
        var ratings = Path.Combine(data, "ratings.dat");

        var (code, output, error) = Run("train", data, "--out", PathOf("m.mrals"), "--min-rating", "6");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"movierecs: No ratings >= 6 in '{ratings}' (100,000 ratings read, the highest 5): nothing to train on.{Environment.NewLine}", error);
        Assert.False(File.Exists(PathOf("m.mrals")));
    }

    [Fact]
    public void Evaluate_MinRatingAboveEveryRating_SaysNoRatingsInTheFile()
    {
        var data = PathOf("data");
        Assert.Equal(0, Run("generate", "--preset", "ml-100k", "--seed", "5", "--out", data).Code);

        var (code, _, error) = Run("evaluate", data, "--min-rating", "6", "--factors", "4", "--iterations", "1");

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: No ratings >= 6 in '{Path.Combine(data, "ratings.dat")}' (100,000 ratings read, the highest 5): nothing to train on.{Environment.NewLine}", error);
    }

    [Fact]
    public void Train_EmptyRatingsFile_SaysTheFileHoldsNoRatings()
    {
        var ratings = PathOf("ratings.csv");
        File.WriteAllText(ratings, "userId,movieId,rating,timestamp\n");

        var (code, _, error) = Run("train", ratings, "--out", PathOf("m.mrals"));

        Assert.Equal(1, code);
        Assert.Equal($"movierecs: No ratings in '{ratings}' (the file is empty or holds only its header): nothing to train on.{Environment.NewLine}", error);
    }

    [Fact]
    public void Help_PrintsUsage()
    {
        var (code, output, _) = Run("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: movierecs", output, StringComparison.Ordinal);
    }
}
