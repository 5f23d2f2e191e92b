using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public class RatingsReaderTests
{
    [Fact]
    public void ReadRatings_Csv_ReadsColumns()
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3.5,1112486027\n162541,209171,0.5,1\n7,8,5.0,99\n");

        var table = MovieLensReader.ReadRatings(path, MovieLensRelease.Ml25m);

        Assert.Equal(new[] { 1, 162541, 7 }, table.UserIds.ToArray());
        Assert.Equal(new[] { 2, 209171, 8 }, table.MovieIds.ToArray());
        Assert.Equal(new[] { 3.5f, 0.5f, 5f }, table.Ratings.ToArray());
        Assert.Equal(new[] { 1112486027L, 1L, 99L }, table.Timestamps.ToArray());
    }
}
