using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public partial class MovieLensReaderTests
{
    [Theory]
    [InlineData("ml-100k", new[] { "u.data", "u.item" }, MovieLensRelease.Ml100k)]
    [InlineData("anything", new[] { "u.item" }, MovieLensRelease.Ml100k)]
    [InlineData("ml-1m", new[] { "ratings.dat", "movies.dat", "users.dat" }, MovieLensRelease.Ml1m)]
    [InlineData("ml-10M100K", new[] { "ratings.dat", "movies.dat", "tags.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("ml-10m", new[] { "movies.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("ml-20m", new[] { "ratings.csv", "movies.csv" }, MovieLensRelease.Ml20m)]
    [InlineData("ml-25m", new[] { "ratings.csv", "movies.csv" }, MovieLensRelease.Ml25m)]
    [InlineData("ML-32M", new[] { "ratings.csv" }, MovieLensRelease.Ml32m)]
    [InlineData("ml-latest", new[] { "ratings.csv" }, MovieLensRelease.MlLatest)]
    [InlineData("ml-latest-small", new[] { "ratings.csv", "movies.csv" }, MovieLensRelease.MlLatestSmall)]
    [InlineData("data", new[] { "ratings.csv" }, MovieLensRelease.MlLatestSmall)]
    [InlineData("data", new[] { "movies.csv" }, MovieLensRelease.MlLatest)]
    public void DetectRelease_FilesAndFolderName_GiveRelease(string folderName, string[] files, MovieLensRelease expected)
    {
        using var folder = new ReaderTempFolder(folderName);
        foreach (var file in files)
        {
            folder.Write(file, "");
        }

        Assert.Equal(expected, MovieLensReader.DetectRelease(folder.Path));
        Assert.Equal(expected, MovieLensReader.DetectRelease(folder.Path + Path.DirectorySeparatorChar));
    }

    /// <summary>Unnamed CSV folders are told apart by the size of ratings.csv (sparse files: no disk space used).</summary>
    [Theory]
    [InlineData(2_500_000L, false, MovieLensRelease.MlLatestSmall)]
    [InlineData(533_444_411L, false, MovieLensRelease.Ml20m)]
    [InlineData(678_260_987L, true, MovieLensRelease.Ml25m)]
    [InlineData(877_000_000L, false, MovieLensRelease.Ml32m)]
    [InlineData(930_000_000L, true, MovieLensRelease.MlLatest)]
    public void DetectRelease_UnnamedCsvFolder_UsesRatingsSize(long ratingsBytes, bool genome, MovieLensRelease expected)
    {
        using var folder = new ReaderTempFolder("unpacked");
        using (var ratings = new FileStream(Path.Combine(folder.Path, "ratings.csv"), FileMode.Create))
        {
            ratings.SetLength(ratingsBytes);
        }

        if (genome)
        {
            folder.Write("genome-scores.csv", "");
        }

        Assert.Equal(expected, MovieLensReader.DetectRelease(folder.Path));
    }

    [Fact]
    public void DetectRelease_FolderWithoutMovieLensFiles_ThrowsFileNotFound()
    {
        using var folder = new ReaderTempFolder();
        folder.Write("README.txt", "hello");

        var error = Assert.Throws<FileNotFoundException>(() => MovieLensReader.DetectRelease(folder.Path));

        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectRelease_MissingFolder_ThrowsDirectoryNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), "movierecs-missing-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => MovieLensReader.DetectRelease(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MovieLensReader.DetectRelease(""));
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.DetectRelease(null!));
    }

    [Fact]
    public void ReadMl100kSplit_WrittenFiles_ReadsBaseAndTest()
    {
        using var folder = new ReaderTempFolder();
        folder.Write("ua.base", "1\t2\t3\t4\n5\t6\t1\t8\n");
        folder.Write("ua.test", "9\t10\t5\t12\n");

        var (train, test) = MovieLensReader.ReadMl100kSplit(folder.Path, "ua");

        Assert.Equal(new[] { 1, 5 }, train.UserIds.ToArray());
        Assert.Equal(new[] { 9 }, test.UserIds.ToArray());
        Assert.Throws<ArgumentException>(() => MovieLensReader.ReadMl100kSplit(folder.Path, "u6"));
        Assert.Throws<FileNotFoundException>(() => MovieLensReader.ReadMl100kSplit(folder.Path, "ub"));
    }
}
