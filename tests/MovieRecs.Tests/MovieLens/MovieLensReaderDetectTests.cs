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

    /// <summary>
    /// A <c>::</c> folder with <c>users.dat</c> looks like ml-1m by its files, but half stars in its ratings (the
    /// synthetic generator's ml-10m, ml-20m and ml-25m presets written in the ml-1m layout) say it is not.
    /// </summary>
    [Theory]
    [InlineData("1::1::5::978300760\n1::2::3::978300761\n", new[] { "users.dat", "movies.dat" }, MovieLensRelease.Ml1m)]
    [InlineData("1::1::5::978300760\n1::2::4.5::978300761\n", new[] { "users.dat", "movies.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("1::1::5.0::978300760\n1::2::4.50::978300761\n", new[] { "users.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("1::1::5::978300760\n", new[] { "users.dat", "tags.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("1::1::5::978300760\n", new[] { "movies.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("", new[] { "users.dat" }, MovieLensRelease.Ml1m)]
    public void DetectRelease_DatFolder_HalfStarsInRatingsOrTagsMeanMl10m(string ratings, string[] neighbours, MovieLensRelease expected)
    {
        using var folder = new ReaderTempFolder("generated");
        folder.Write("ratings.dat", ratings);
        foreach (var file in neighbours)
        {
            folder.Write(file, "");
        }

        Assert.Equal(expected, MovieLensReader.DetectRelease(folder.Path));
    }

    [Fact]
    public void DetectRelease_HalfStarFolderWithUsers_LoadsAndReads()
    {
        using var folder = new ReaderTempFolder();
        folder.Write("ratings.dat", "1::1::5::978300760\n1::2::4.5::978300761\n2::1::0.5::978300762\n");
        folder.Write("movies.dat", "1::A (1995)::Drama\n2::B (1996)::Comedy\n");
        folder.Write("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n");

        var dataset = MovieLensDataset.Load(folder.Path);

        Assert.Equal(new[] { 5f, 4.5f, 0.5f }, dataset.Ratings.Ratings.ToArray());
    }

    /// <summary>A lone ratings file: its first lines tell the layout, its neighbours and half stars the release.</summary>
    [Theory]
    [InlineData("u.data", "196\t242\t3\t881250949\n", new string[0], MovieLensRelease.Ml100k)]
    [InlineData("u1.base", "1\t1\t5\t874965758\n", new string[0], MovieLensRelease.Ml100k)]
    [InlineData("ratings.dat", "1::1193::5::978300760\n", new[] { "users.dat", "movies.dat" }, MovieLensRelease.Ml1m)]
    [InlineData("ratings.dat", "1::1193::5::978300760\n1::122::4.5::838985046\n", new[] { "users.dat", "movies.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("ratings.dat", "1::1193::5::978300760\n", new string[0], MovieLensRelease.Ml10m)]
    [InlineData("ratings.dat", "1::122::5::838985046\n", new[] { "tags.dat", "users.dat" }, MovieLensRelease.Ml10m)]
    [InlineData("mine.txt", "\uFEFF1::122::5::838985046\r\n", new[] { "users.dat" }, MovieLensRelease.Ml1m)]
    [InlineData("mine.txt", "userId,movieId,rating,timestamp\n1,2,3.5,4\n", new string[0], MovieLensRelease.MlLatestSmall)]
    [InlineData("ratings.csv", "userId,movieId,rating,timestamp\n", new string[0], MovieLensRelease.MlLatestSmall)]
    [InlineData("ratings.csv", "", new string[0], MovieLensRelease.MlLatestSmall)]
    [InlineData("ratings.dat", "", new string[0], MovieLensRelease.Ml10m)]
    [InlineData("u.data", "", new string[0], MovieLensRelease.Ml100k)]
    [InlineData("ratings.dat", "\n\n1\t2\t3\t4\n", new string[0], MovieLensRelease.Ml100k)]
    public void DetectRatingsFileRelease_ContentAndNeighbours_GiveRelease(string name, string text, string[] neighbours, MovieLensRelease expected)
    {
        using var folder = new ReaderTempFolder("somewhere");
        var path = folder.Write(name, text);
        foreach (var file in neighbours)
        {
            folder.Write(file, "");
        }

        Assert.Equal(expected, MovieLensReader.DetectRatingsFileRelease(path));
        _ = MovieLensReader.ReadRatings(path, expected);
    }

    [Fact]
    public void DetectRatingsFileRelease_CsvInNamedFolder_UsesTheFolderName()
    {
        using var folder = new ReaderTempFolder("ml-25m");
        var path = folder.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3.5,4\n");

        Assert.Equal(MovieLensRelease.Ml25m, MovieLensReader.DetectRatingsFileRelease(path));
    }

    [Fact]
    public void DetectRatingsFileRelease_BadArguments_Throw()
    {
        using var folder = new ReaderTempFolder();
        var missing = Path.Combine(folder.Path, "ratings.dat");

        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => MovieLensReader.DetectRatingsFileRelease(missing)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => MovieLensReader.DetectRatingsFileRelease(folder.Path));
        Assert.Throws<ArgumentException>(() => MovieLensReader.DetectRatingsFileRelease(""));
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.DetectRatingsFileRelease(null!));
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
    public void DetectAndRead_PathsWithControlCharacters_AreEscapedInTheMessages()
    {
        using var folder = new ReaderTempFolder();
        var odd = Path.Combine(folder.Path, "ml\u001b[2J\nx");
        Directory.CreateDirectory(odd);

        var empty = Assert.Throws<FileNotFoundException>(() => MovieLensReader.DetectRelease(odd));
        var missing = Assert.Throws<DirectoryNotFoundException>(() => MovieLensReader.DetectRelease(odd + "\u202e"));
        var noFile = Assert.Throws<FileNotFoundException>(() => MovieLensReader.ReadRatings(Path.Combine(odd, "u.data"), MovieLensRelease.Ml100k));
        var noDataset = Assert.Throws<DirectoryNotFoundException>(() => MovieLensDataset.Load(odd + "\u0007"));

        foreach (var message in new[] { empty.Message, missing.Message, noFile.Message, noDataset.Message })
        {
            Assert.Contains("ml\\x1b[2J\\nx", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', message);
            Assert.DoesNotContain('\n', message);
            Assert.DoesNotContain('\u202e', message);
            Assert.DoesNotContain('\u0007', message);
        }
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
