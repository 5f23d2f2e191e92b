using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public class RatingsReaderTests
{
    public static TheoryData<MovieLensRelease> AllReleases() => new(Enum.GetValues<MovieLensRelease>());

    private static RatingsTable ReadText(MovieLensRelease release, string text, string name = "ratings.test") =>
        MovieLensReader.ReadRatings(new MemoryStream(Encoding.UTF8.GetBytes(text)), release, name);

    private static InvalidDataException ReadFails(MovieLensRelease release, string text, string name = "bad.ratings") =>
        Assert.Throws<InvalidDataException>(() => ReadText(release, text, name));

    [Fact]
    public void ReadRatings_Csv_ReadsColumns()
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write("ratings.csv", "userId,movieId,rating,timestamp\n11,4242,3.5,1000000007\n123456,234567,0.5,1\n7,8,5.0,99\n");

        var table = MovieLensReader.ReadRatings(path, MovieLensRelease.Ml25m);

        Assert.Equal(new[] { 11, 123456, 7 }, table.UserIds.ToArray());
        Assert.Equal(new[] { 4242, 234567, 8 }, table.MovieIds.ToArray());
        Assert.Equal(new[] { 3.5f, 0.5f, 5f }, table.Ratings.ToArray());
        Assert.Equal(new[] { 1000000007L, 1L, 99L }, table.Timestamps.ToArray());
    }

    [Fact]
    public void ReadRatings_Ml100kTabs_ReadsColumns()
    {
        var table = ReadText(MovieLensRelease.Ml100k, "7\t4242\t3\t1000000007\n8\t4243\t3\t1000000008\n");

        Assert.Equal(new[] { (7, 4242, 3f, 1000000007L), (8, 4243, 3f, 1000000008L) }, ReaderTestFormats.Rows(table));
    }

    [Fact]
    public void ReadRatings_Ml1mDoubleColons_ReadsColumns()
    {
        var table = ReadText(MovieLensRelease.Ml1m, "7::4242::5::1000000007\n9999::9876::1::1000000009\n");

        Assert.Equal(new[] { (7, 4242, 5f, 1000000007L), (9999, 9876, 1f, 1000000009L) }, ReaderTestFormats.Rows(table));
    }

    [Fact]
    public void ReadRatings_Ml10mHalfStars_ReadsHalves()
    {
        var table = ReadText(MovieLensRelease.Ml10m, "7::4242::5::1000000007\n8::4243::3.5::1000000008\n3::7::0.5::1\n");

        Assert.Equal(new[] { 5f, 3.5f, 0.5f }, table.Ratings.ToArray());
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,4.00,3\n1,2,3.50,3\n1,2,5,3\n", new[] { 4f, 3.5f, 5f })]
    [InlineData(MovieLensRelease.Ml1m, "1::2::4.0::3\n1::2::5::3\n", new[] { 4f, 5f })]
    public void ReadRatings_UnusualRatingSpellings_AreReadExactly(MovieLensRelease release, string text, float[] expected)
    {
        Assert.Equal(expected, ReadText(release, text).Ratings.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllReleases))]
    public void ReadRatings_ByteOrderMarkCrLfAndNoFinalNewline_AllRead(MovieLensRelease release)
    {
        var rows = new[] { (1, 2, 4f, 10L), (3, 4, 2f, 20L), (5, 6, 1f, 30L) };
        var text = ReaderTestFormats.Format(release, rows, "\r\n").TrimEnd('\r', '\n');
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var table = MovieLensReader.ReadRatings(new MemoryStream(bytes), release, "bom.crlf");

        Assert.Equal(rows, ReaderTestFormats.Rows(table));
    }

    [Theory]
    [MemberData(nameof(AllReleases))]
    public void ReadRatings_EmptyFile_IsEmptyTable(MovieLensRelease release)
    {
        Assert.Equal(0, ReadText(release, "").Count);
        Assert.Equal(0, MovieLensReader.ReadRatings(new MemoryStream(Encoding.UTF8.GetPreamble()), release, "bom-only").Count);
    }

    [Fact]
    public void ReadRatings_HeaderOnlyCsv_IsEmptyTable()
    {
        Assert.Equal(0, ReadText(MovieLensRelease.Ml20m, "userId,movieId,rating,timestamp\n").Count);
        Assert.Equal(0, ReadText(MovieLensRelease.Ml20m, "userId,movieId,rating,timestamp").Count);
    }

    [Fact]
    public void ReadRatings_BlankLines_AreSkippedButCounted()
    {
        var table = ReadText(MovieLensRelease.Ml1m, "\n1::2::3::4\n\r\n\n5::6::2::8\n\n");
        Assert.Equal(new[] { (1, 2, 3f, 4L), (5, 6, 2f, 8L) }, ReaderTestFormats.Rows(table));

        var error = ReadFails(MovieLensRelease.Ml1m, "\n1::2::3::4\n\n5::6::x::8\n");
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_DuplicatePairs_AreKeptInOrder()
    {
        var table = ReadText(MovieLensRelease.Ml100k, "1\t2\t3\t10\n1\t2\t5\t20\n1\t2\t3\t10\n");

        Assert.Equal(new[] { (1, 2, 3f, 10L), (1, 2, 5f, 20L), (1, 2, 3f, 10L) }, ReaderTestFormats.Rows(table));
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,4\n1,2,3.5\n", 3, "expected 4 fields")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,4,5\n", 2, "found 5")]
    [InlineData(MovieLensRelease.Ml1m, "1::2::3::4\n1:2:3:4\n", 2, "expected 4 fields")]
    [InlineData(MovieLensRelease.Ml100k, "1 2 3 4\n", 1, "expected 4 fields")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\nabc,2,3.5,4\n", 2, "user id \"abc\" is not a non-negative integer")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2x,3.5,4\n", 2, "movie id \"2x\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n-1,2,3.5,4\n", 2, "user id \"-1\" is negative")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,-2,3.5,4\n", 2, "movie id \"-2\" is negative")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n2147483648,2,3.5,4\n", 2, "greater than 2147483647")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,99999999999999999999,3.5,4\n", 2, "movie id")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,five,4\n", 2, "rating \"five\" is not a number")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,5.5,4\n", 2, "rating \"5.5\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,0,4\n", 2, "rating \"0\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.3,4\n", 2, "rating \"3.3\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,-1,4\n", 2, "rating \"-1\"")]
    [InlineData(MovieLensRelease.Ml1m, "1::2::3.5::4\n", 1, "whole stars")]
    [InlineData(MovieLensRelease.Ml100k, "1\t2\t6\t4\n", 1, "rating \"6\"")]
    [InlineData(MovieLensRelease.Ml100k, "1\t2\t0.5\t4\n", 1, "rating \"0.5\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,\n", 2, "timestamp \"\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,12x\n", 2, "timestamp \"12x\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,1234567890123456789\n", 2, "more than 18 digits")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n 1,2,3.5,4\n", 2, "user id \" 1\"")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,4\r5\n", 2, "timestamp")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,\"2\",3.5,4\n", 2, "movie id")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,4\n1,2,3.", 3, "the last line has no newline")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating,timestamp\n1,2,3.5,4\n1,2", 3, "the last line has no newline")]
    [InlineData(MovieLensRelease.Ml1m, "1::2::3::4\n1::2::3::", 2, "the last line has no newline")]
    [InlineData(MovieLensRelease.Ml25m, "1,2,3.5,4\n", 1, "expected the CSV header")]
    [InlineData(MovieLensRelease.Ml25m, "userId,movieId,rating\n1,2,3.5,4\n", 1, "expected the CSV header")]
    [InlineData(MovieLensRelease.Ml1m, "userId,movieId,rating,timestamp\n", 1, "expected 4 fields")]
    public void ReadRatings_MalformedLine_ThrowsNamingFileLineReasonAndText(MovieLensRelease release, string text, int line, string reason)
    {
        var error = ReadFails(release, text, "my-ratings.file");

        Assert.StartsWith($"my-ratings.file, line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        var lineText = text.Split('\n')[line - 1].TrimEnd('\r');

        // Tabs and carriage returns inside the line are shown escaped, like every control character.
        var shown = lineText.Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
        Assert.EndsWith($"Line text: \"{shown}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_LongBadLine_TextIsCutTo200Characters()
    {
        var longLine = "1::2::3::" + new string('9', 500);

        var error = ReadFails(MovieLensRelease.Ml1m, "1::2::3::4\n" + longLine + "\n");

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"\"{longLine[..200]}...\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_NonAsciiBytes_AreAnErrorShownAsText()
    {
        var bytes = Encoding.UTF8.GetBytes("1::2::3::4\n1::2é::3::4\n");

        var error = Assert.Throws<InvalidDataException>(() => MovieLensReader.ReadRatings(new MemoryStream(bytes), MovieLensRelease.Ml1m, "x"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"1::2é::3::4\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_MissingFile_ThrowsFileNotFoundNamingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "movierecs-no-such-folder-" + Guid.NewGuid().ToString("N"), "ratings.csv");

        var error = Assert.Throws<FileNotFoundException>(() => MovieLensReader.ReadRatings(path, MovieLensRelease.Ml25m));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => RatingsReader.Open(path, MovieLensRelease.Ml25m).Dispose());
    }

    [Fact]
    public void ReadRatings_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.ReadRatings((string)null!, MovieLensRelease.Ml1m));
        Assert.Throws<ArgumentException>(() => MovieLensReader.ReadRatings("", MovieLensRelease.Ml1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovieLensReader.ReadRatings(new MemoryStream(), (MovieLensRelease)99, "x"));
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.ReadRatings(null!, MovieLensRelease.Ml1m, "x"));
        Assert.Throws<ArgumentNullException>(() => MovieLensReader.ReadRatings(new MemoryStream(), MovieLensRelease.Ml1m, null!));
        Assert.Throws<ArgumentNullException>(() => new RatingsReader(null!, MovieLensRelease.Ml1m, "x"));
    }

    [Fact]
    public void ReadRatings_Progress_ReportsBytesReadUpToFileLength()
    {
        var rows = Enumerable.Range(0, 200_000).Select(i => (i, i % 1000, 1f + (i % 5), (long)i)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(ReaderTestFormats.Format(MovieLensRelease.Ml1m, rows));
        var reports = new List<long>();

        var table = MovieLensReader.ReadRatings(new MemoryStream(bytes), MovieLensRelease.Ml1m, "x", new SynchronousProgress(reports.Add));

        Assert.Equal(rows.Length, table.Count);
        Assert.True(reports.Count >= 2, $"{reports.Count} reports");
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(bytes.Length, reports[^1]);
    }

    [Fact]
    public void ReadRatings_CanceledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            MovieLensReader.ReadRatings(new MemoryStream("1::2::3::4\n"u8.ToArray()), MovieLensRelease.Ml1m, "x", null, cancellation.Token));
    }

    [Fact]
    public void TryRead_StreamsTheSameRatingsAsTheTable()
    {
        var rows = Enumerable.Range(0, 10_000).Select(i => (i, 7 * i, 0.5f * (1 + (i % 10)), 1_000_000_000L + i)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(ReaderTestFormats.Format(MovieLensRelease.Ml32m, rows));

        using var reader = new RatingsReader(new MemoryStream(bytes), MovieLensRelease.Ml32m, "x");
        var streamed = new List<(int, int, float, long)>();
        while (reader.TryRead(out var rating))
        {
            streamed.Add((rating.UserId, rating.MovieId, rating.Value, rating.Timestamp));
        }

        Assert.Equal(rows, streamed);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(rows.Length + 1, reader.LineNumber);
        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    [Fact]
    public void Read_MixedWithTryRead_LosesNothing()
    {
        var rows = Enumerable.Range(0, 9_000).Select(i => (i, i, 3f, (long)i)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(ReaderTestFormats.Format(MovieLensRelease.Ml100k, rows));
        using var reader = new RatingsReader(new MemoryStream(bytes), MovieLensRelease.Ml100k, "x");

        var ids = new List<int>();
        var buffer = new Rating[1000];
        while (true)
        {
            if (!reader.TryRead(out var one))
            {
                break;
            }

            ids.Add(one.UserId);
            var count = reader.Read(buffer.AsSpan(0, 1 + (ids.Count % 997)));
            ids.AddRange(buffer.Take(count).Select(r => r.UserId));
        }

        Assert.Equal(rows.Select(r => r.Item1), ids);
        Assert.Equal(0, reader.Read(buffer));
    }

    [Fact]
    public void EnumerateRatings_File_StreamsAllRatings()
    {
        using var folder = new ReaderTempFolder();
        var rows = Enumerable.Range(0, 5_000).Select(i => (i, i + 1, 4.5f, (long)i)).ToArray();
        var path = folder.Write("ratings.csv", ReaderTestFormats.Format(MovieLensRelease.MlLatestSmall, rows));

        var streamed = MovieLensReader.EnumerateRatings(path, MovieLensRelease.MlLatestSmall)
            .Select(r => (r.UserId, r.MovieId, r.Value, r.Timestamp))
            .ToArray();

        Assert.Equal(rows, streamed);
    }

    [Fact]
    public void Dispose_LeaveOpen_KeepsStreamOpen()
    {
        var stream = new MemoryStream("1::2::3::4\n"u8.ToArray());
        using (var reader = new RatingsReader(stream, MovieLensRelease.Ml1m, "x", leaveOpen: true))
        {
            Assert.True(reader.TryRead(out _));
        }

        Assert.True(stream.CanRead);
        using (new RatingsReader(stream, MovieLensRelease.Ml1m, "x"))
        {
        }

        Assert.False(stream.CanRead);
    }

    [Fact]
    public void ReadRatings_LinesGrowingLonger_SizedWithoutTrimOrGrowth()
    {
        // Sorted by user like MovieLens, with short fields so the user id decides the line length: ids grow from 2 to
        // 8 digits, the first lines are 30% shorter than the average, and sizing from them alone would overshoot
        // enough to trim (a copy of the table).
        var text = new System.Text.StringBuilder("userId,movieId,rating,timestamp\n");
        var count = 0;
        for (var i = 1; i <= 1000; i++)
        {
            for (var k = 0; k < 200; k++, count++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i * i * 10},{(k % 9) + 1},4,1\n");
            }
        }

        var table = MovieLensReader.ReadRatings(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), MovieLensRelease.Ml25m, "growing");

        Assert.Equal(count, table.Count);

        // Above the count (not trimmed) and by at most an eighth (not grown by half).
        Assert.InRange(table.Capacity, count + 1, count + (count / 8));
    }

    [Fact]
    public void TailBytesPerLine_MeasuresTheLastLines_AndRestoresThePosition()
    {
        var stream = new MemoryStream(Encoding.ASCII.GetBytes("a\nbb\n" + string.Concat(Enumerable.Repeat("123456789\n", 10_000))));
        stream.Position = 3;
        Assert.Equal(10.0, MovieLensReader.TailBytesPerLine(stream, 0));
        Assert.Equal(3, stream.Position);
        Assert.Equal(0.0, MovieLensReader.TailBytesPerLine(new MemoryStream("one line\n"u8.ToArray()), 0));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
