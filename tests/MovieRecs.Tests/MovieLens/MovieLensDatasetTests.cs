using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public class MovieLensDatasetTests
{
    private static readonly (int, int, float, long)[] Rows = [(1, 10, 4f, 100L), (2, 10, 3f, 200L), (2, 20, 5f, 300L)];

    [Fact]
    public void Load_Ml100kFolder_ReadsRatingsMoviesUsers()
    {
        using var folder = new ReaderTempFolder("ml-100k");
        folder.Write("u.data", ReaderTestFormats.Format(MovieLensRelease.Ml100k, Rows));
        var flags = string.Join("|", Enumerable.Repeat("0", 18)) + "|1";
        folder.Write("u.item", $"10|Café (1990)|||url|{flags}\n20|B (1991)|||url|{flags}\n", Encoding.Latin1);
        folder.Write("u.user", "1|33|M|technician|12345\n2|44|F|other|54321\n");

        var dataset = MovieLensDataset.Load(folder.Path);

        Assert.Equal(MovieLensRelease.Ml100k, dataset.Release);
        Assert.Equal(folder.Path, dataset.Folder);
        Assert.Equal(Rows, ReaderTestFormats.Rows(dataset.Ratings));
        Assert.Equal("Café (1990)", dataset.Movies[0].Title);
        Assert.Equal(new[] { "Western" }, dataset.Movies[0].Genres);
        Assert.Equal(2, dataset.Users.Count);
    }

    [Fact]
    public void Load_Ml1mFolder_ReadsUsers()
    {
        using var folder = new ReaderTempFolder("ml-1m");
        folder.Write("ratings.dat", ReaderTestFormats.Format(MovieLensRelease.Ml1m, Rows));
        folder.Write("movies.dat", "10::Café (1990)::Drama\n20::B (1991)::Comedy|Drama\n", Encoding.Latin1);
        folder.Write("users.dat", "1::F::1::10::12345\n2::M::56::16::54321\n");

        var dataset = MovieLensDataset.Load(folder.Path);

        Assert.Equal(MovieLensRelease.Ml1m, dataset.Release);
        Assert.Equal(3, dataset.Ratings.Count);
        Assert.Equal("Café (1990)", dataset.Movies[0].Title);
        Assert.Equal("self-employed", dataset.Users[1].Occupation);
    }

    [Fact]
    public void Load_Ml10mFolder_HasHalfStarsAndNoUsers()
    {
        using var folder = new ReaderTempFolder("ml-10M100K");
        folder.Write("ratings.dat", "1::10::3.5::100\n2::20::0.5::200\n");
        folder.Write("movies.dat", "10::Café (1990)::Drama\n20::B (1991)::(no genres listed)\n");
        folder.Write("tags.dat", "1::10::nice::100\n");

        var dataset = MovieLensDataset.Load(folder.Path);

        Assert.Equal(MovieLensRelease.Ml10m, dataset.Release);
        Assert.Equal(new[] { 3.5f, 0.5f }, dataset.Ratings.Ratings.ToArray());
        Assert.Equal("Café (1990)", dataset.Movies[0].Title);
        Assert.Empty(dataset.Movies[1].Genres);
        Assert.Empty(dataset.Users);
    }

    [Fact]
    public void Load_CsvFolder_ReadsRatingsAndMovies()
    {
        using var folder = new ReaderTempFolder("ml-latest-small");
        folder.Write("ratings.csv", ReaderTestFormats.Format(MovieLensRelease.MlLatestSmall, Rows));
        folder.Write("movies.csv", "movieId,title,genres\n10,\"Café, Le (1990)\",Drama\n20,B (1991),Comedy\n");
        var reports = new List<long>();

        var dataset = MovieLensDataset.Load(folder.Path, new Progress(reports));

        Assert.Equal(MovieLensRelease.MlLatestSmall, dataset.Release);
        Assert.Equal(Rows, ReaderTestFormats.Rows(dataset.Ratings));
        Assert.Equal("Café, Le (1990)", dataset.Movies[0].Title);
        Assert.Empty(dataset.Users);
        Assert.NotEmpty(reports);
        Assert.Equal(new FileInfo(Path.Combine(folder.Path, "ratings.csv")).Length, reports[^1]);
    }

    [Fact]
    public void Load_MissingRatingsFile_ThrowsFileNotFoundNamingIt()
    {
        using var folder = new ReaderTempFolder("ml-1m");
        folder.Write("movies.dat", "10::A (1990)::Drama\n");
        folder.Write("users.dat", "1::F::1::10::12345\n");

        var error = Assert.Throws<FileNotFoundException>(() => MovieLensDataset.Load(folder.Path));

        Assert.Contains("ratings.dat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedRatings_NamesFileAndLine()
    {
        using var folder = new ReaderTempFolder("ml-25m");
        folder.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,1\n1,10,9.0,1\n");
        folder.Write("movies.csv", "movieId,title,genres\n10,A (1990),Drama\n");

        var error = Assert.Throws<InvalidDataException>(() => MovieLensDataset.Load(folder.Path));

        Assert.Contains("ratings.csv, line 3: rating \"9.0\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExplicitRelease_SkipsDetection()
    {
        using var folder = new ReaderTempFolder("whatever");
        folder.Write("ratings.csv", ReaderTestFormats.Format(MovieLensRelease.Ml32m, Rows));
        folder.Write("movies.csv", "movieId,title,genres\n");

        var dataset = MovieLensDataset.Load(folder.Path, MovieLensRelease.Ml32m);

        Assert.Equal(MovieLensRelease.Ml32m, dataset.Release);
        Assert.Empty(dataset.Movies);
        Assert.Throws<ArgumentOutOfRangeException>(() => MovieLensDataset.Load(folder.Path, (MovieLensRelease)42));
    }

    private sealed class Progress(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
