using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary>Generate, write, read back as a folder and as a lone ratings file, train: for every preset and writer.</summary>
public sealed partial class SyntheticMovieLensTests
{
    /// <summary>Every release with a synthetic preset, and both writers.</summary>
    public static TheoryData<MovieLensRelease, string> PresetsAndWriters()
    {
        var data = new TheoryData<MovieLensRelease, string>();
        foreach (var release in Enum.GetValues<MovieLensRelease>())
        {
            if (HasPreset(release))
            {
                data.Add(release, "ml-1m");
                data.Add(release, "csv");
            }
        }

        return data;
    }

    [Fact]
    public void PresetsAndWriters_CoverEveryPreset() =>
        Assert.Equal(5, PresetsAndWriters().Count / 2);

    [Theory]
    [MemberData(nameof(PresetsAndWriters))]
    public void Generate_EveryPreset_ReadsBackAsFolderAndFileAndTrains(MovieLensRelease preset, string writer)
    {
        // The preset's rating scale, popularity and dates, at a size that takes milliseconds.
        var options = SyntheticMovieLensOptions.ForRelease(preset) with { Users = 60, Movies = 150, Ratings = 3_000, Seed = 9, MaxDegreeOfParallelism = 1 };
        var data = SyntheticMovieLens.Generate(options);
        using var folder = new ReaderTempFolder();
        var ratingsFile = Write(data, folder.Path, writer);
        var expected = InteractionMatrix.Build(data.Ratings);
        Assert.Equal(options.HalfStarRatings, data.Ratings.Ratings.ToArray().Any(r => r != MathF.Round(r)));

        // As a folder: the dataset and the streamed matrix.
        var release = MovieLensReader.DetectRelease(folder.Path);
        var dataset = MovieLensDataset.Load(folder.Path);
        Assert.Equal(data.Ratings.Count, dataset.Ratings.Count);
        Assert.Equal(data.Movies.Count, dataset.Movies.Count);
        AssertSameMatrix(expected, InteractionMatrix.Build(dataset.Ratings));
        AssertSameMatrix(expected, InteractionMatrix.Read(Path.Combine(folder.Path, MovieLensReader.GetRatingsFileName(release)), release));

        // As the ratings file, with its neighbours and alone in a folder of its own.
        using var alone = new ReaderTempFolder();
        var lonely = Path.Combine(alone.Path, "my-ratings" + Path.GetExtension(ratingsFile));
        File.Copy(ratingsFile, lonely);
        foreach (var file in new[] { ratingsFile, lonely })
        {
            var fileRelease = MovieLensReader.DetectRatingsFileRelease(file);
            AssertSameMatrix(expected, InteractionMatrix.Read(file, fileRelease));
            Assert.Equal(data.Ratings.Count, MovieLensReader.ReadRatings(file, fileRelease).Count);
        }

        // And a tiny model trains on what was read.
        var matrix = InteractionMatrix.Read(lonely, MovieLensReader.DetectRatingsFileRelease(lonely));
        var model = new AlsTrainer(new AlsOptions { Factors = 4, Iterations = 1, Seed = 1, MaxDegreeOfParallelism = 1 }).Fit(matrix.UserItems);
        Assert.Equal(matrix.UserItems.RowCount, model.UserCount);
        Assert.Equal(matrix.UserItems.ColumnCount, model.ItemCount);
    }

    private static bool HasPreset(MovieLensRelease release)
    {
        try
        {
            SyntheticMovieLensOptions.ForRelease(release);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static string Write(SyntheticMovieLens data, string folder, string writer)
    {
        if (writer == "csv")
        {
            data.WriteCsvFiles(folder);
            return Path.Combine(folder, "ratings.csv");
        }

        data.WriteMl1mFiles(folder);
        return Path.Combine(folder, "ratings.dat");
    }

    private static void AssertSameMatrix(InteractionMatrix expected, InteractionMatrix actual)
    {
        Assert.True(expected.UserItems.ContentEquals(actual.UserItems), "the matrices differ");
        Assert.Equal(expected.Users.Keys.ToArray(), actual.Users.Keys.ToArray());
        Assert.Equal(expected.Items.Keys.ToArray(), actual.Items.Keys.ToArray());
    }
}
