using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

public class InteractionMatrixReadTests
{
    private static readonly InteractionOptions[] OptionChoices =
    [
        InteractionOptions.Default,
        new() { MinRating = 0f },
        new() { MinRating = 4.5f, Value = InteractionValue.Binary },
        new() { Value = InteractionValue.LogRating, Duplicates = DuplicateHandling.Max },
        new() { MinRating = 1f, Duplicates = DuplicateHandling.Throw },
    ];

    private static string Csv(IEnumerable<(int User, int Movie, float Rating)> rows)
    {
        var text = new StringBuilder("userId,movieId,rating,timestamp\n");
        var timestamp = 1_000_000_000L;
        foreach (var (user, movie, rating) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{user},{movie},{rating:0.0},{timestamp++}\n");
        }

        return text.ToString();
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    private static RatingsReader Reader(string text, MovieLensRelease release = MovieLensRelease.Ml25m) => new(Stream(text), release, "ratings.csv");

    private static InteractionMatrix FromTable(string text, InteractionOptions? options = null, IReadOnlyList<Movie>? movies = null, MovieLensRelease release = MovieLensRelease.Ml25m) =>
        InteractionMatrix.Build(MovieLensReader.ReadRatings(Stream(text), release, "ratings.csv"), options, movies);

    private static bool Same(InteractionMatrix expected, InteractionMatrix actual) =>
        expected.UserItems.ContentEquals(actual.UserItems)
        && expected.Users.Keys.SequenceEqual(actual.Users.Keys)
        && expected.Items.Keys.SequenceEqual(actual.Items.Keys)
        && expected.Options == actual.Options;

    /// <summary>Seeded ratings for the facts below (the properties draw shrinkable <see cref="RatingsFile"/>s instead).</summary>
    private static (int User, int Movie, float Rating)[] RandomRatings(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(0, 120);

        // Large ids (past the dense lookup table) in some cases, repeated pairs in others, user order or any order.
        var idScale = random.Next(3) == 0 ? 40_000_000 : 1;
        var pairs = random.Next(2) == 0 ? 6 : 40;
        var rows = Enumerable.Range(0, count)
            .Select(_ => (User: random.Next(1, pairs) * idScale, Movie: random.Next(1, pairs) * 7, Rating: random.Next(1, 11) / 2f))
            .ToArray();
        return random.Next(2) == 0 ? [.. rows.OrderBy(r => r.User)] : rows;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public Property Read_EqualsBuildOnTheLoadedTable_ForAnyOptionsAndChunkSize(RatingsFile file, NonNegativeInt choice, NonNegativeInt chunk)
    {
        var text = file.Text;
        var options = OptionChoices[choice.Get % OptionChoices.Length];
        var chunkCapacity = 1 + (chunk.Get % 8);
        InteractionMatrix? expected = null;
        Exception? expectedError = null;
        try
        {
            expected = FromTable(text, options, release: file.Release);
        }
        catch (ArgumentException error)
        {
            // Duplicates with DuplicateHandling.Throw: the streaming build must refuse them too.
            expectedError = error;
        }

        using var reader = Reader(text, file.Release);
        if (expectedError is not null)
        {
            var error = Record.Exception(() => InteractionMatrix.Read(reader, options, null, chunkCapacity, CancellationToken.None));
            return (error?.GetType() == expectedError.GetType() && error.Message == expectedError.Message)
                .Label($"expected {expectedError.Message}, got {error?.Message ?? "no error"}");
        }

        if (expected!.UserItems.NonZeroCount == 0)
        {
            // Build turns an empty table into an empty matrix; the read names the file instead.
            var error = Record.Exception(() => InteractionMatrix.Read(reader, options, null, chunkCapacity, CancellationToken.None));
            return (error is InvalidDataException && error.Message.StartsWith("No ratings", StringComparison.Ordinal))
                .Label($"nothing kept, got {error?.Message ?? "no error"}");
        }

        var actual = InteractionMatrix.Read(reader, options, null, chunkCapacity, CancellationToken.None);
        return Same(expected, actual).Label($"options {options}, chunk {chunkCapacity}");
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public Property Read_EqualsDirectDefinition(RatingsFile file, NonNegativeInt choice, NonNegativeInt chunk)
    {
        // Independent of Build: the kept users and movies ascending, and the value of each (user, movie) cell.
        var rows = file.Lines.Select(l => (l.User, l.Movie, l.Rating)).ToArray();
        var options = OptionChoices[choice.Get % 4];
        using var reader = Reader(file.Text, file.Release);
        var kept = rows.Where(r => r.Rating >= options.MinRating).ToArray();
        if (kept.Length == 0)
        {
            var error = Record.Exception(() => InteractionMatrix.Read(reader, options, null, 1 + (chunk.Get % 8), CancellationToken.None));
            return (error is InvalidDataException && error.Message.StartsWith("No ratings", StringComparison.Ordinal))
                .Label($"nothing kept, got {error?.Message ?? "no error"}");
        }

        var m = InteractionMatrix.Read(reader, options, null, 1 + (chunk.Get % 8), CancellationToken.None);

        var users = kept.Select(r => r.User).Distinct().Order().ToArray();
        var movies = kept.Select(r => r.Movie).Distinct().Order().ToArray();
        var dense = new float[users.Length, movies.Length];
        foreach (var (user, movie, rating) in kept)
        {
            var value = options.Value switch
            {
                InteractionValue.Binary => 1f,
                InteractionValue.LogRating => MathF.Log(1f + rating),
                _ => rating,
            };
            ref var cell = ref dense[Array.IndexOf(users, user), Array.IndexOf(movies, movie)];
            cell = options.Duplicates == DuplicateHandling.Max ? MathF.Max(cell, value) : cell + value;
        }

        return (m.Users.Keys.SequenceEqual(users) && m.Items.Keys.SequenceEqual(movies)
            && Sparse.CsrMatrixPropertyTests.DenseEqual(dense, m.UserItems.ToDense()))
            .Label($"options {options}");
    }

    [Fact]
    public void Read_SyntheticRelease_EqualsBuildFromGeneratorTableAndFromFile()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 400, movies: 250, ratings: 12_000) with { Seed = 5 });
        using var folder = new ReaderTempFolder();
        data.WriteCsvFiles(folder.Path);
        var path = Path.Combine(folder.Path, "ratings.csv");

        var streamed = InteractionMatrix.Read(path, MovieLensRelease.Ml25m);
        Assert.True(Same(InteractionMatrix.Build(data.Ratings), streamed));
        Assert.True(Same(InteractionMatrix.Build(MovieLensReader.ReadRatings(path, MovieLensRelease.Ml25m)), streamed));
        Assert.True(streamed.UserItems.NonZeroCount > 0);
        Assert.True(streamed.UserItems.NonZeroCount < data.Ratings.Count, "ratings below 3 are dropped");

        var withMovies = InteractionMatrix.Read(path, MovieLensRelease.Ml25m, movies: data.Movies);
        Assert.True(Same(InteractionMatrix.Build(data.Ratings, movies: data.Movies), withMovies));
        Assert.Equal(data.Movies.Count, withMovies.Items.Count);
    }

    [Fact]
    public void Read_SmallChunks_EqualDefaultChunks()
    {
        var text = Csv(RandomRatings(11).Concat(RandomRatings(12)));
        using var small = Reader(text);
        using var large = Reader(text);
        Assert.True(Same(
            InteractionMatrix.Read(large),
            InteractionMatrix.Read(small, InteractionOptions.Default, null, initialCapacity: 3, CancellationToken.None)));
    }

    [Fact]
    public void Read_KeepsRatingsAtOrAboveThreshold_WithRatingAsValue()
    {
        var text = Csv([(7, 100, 5f), (7, 200, 2.5f), (3, 200, 3f), (9, 300, 1f)]);
        using var reader = Reader(text);
        var m = InteractionMatrix.Read(reader);
        Assert.Equal([3, 7], m.Users.ToArray());
        Assert.Equal([100, 200], m.Items.ToArray());
        Assert.Equal(5f, m.UserItems[m.Users.IndexOf(7), m.Items.IndexOf(100)]);
        Assert.Equal(3f, m.UserItems[m.Users.IndexOf(3), m.Items.IndexOf(200)]);
        Assert.Equal(2, m.UserItems.NonZeroCount);
    }

    [Fact]
    public void Read_AfterTryRead_BuildsFromTheRemainingRatingsOnly()
    {
        var text = Csv([(1, 10, 4f), (2, 20, 5f), (3, 30, 3f)]);
        using var reader = Reader(text);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(1, first.UserId);
        var m = InteractionMatrix.Read(reader);
        Assert.Equal([2, 3], m.Users.ToArray());
        Assert.Equal([20, 30], m.Items.ToArray());
        Assert.False(reader.TryRead(out _));
    }

    [Theory]
    [InlineData(MovieLensRelease.Ml1m, "ratings.dat", "")]
    [InlineData(MovieLensRelease.Ml100k, "u.data", "\n\r\n")]
    [InlineData(MovieLensRelease.Ml25m, "ratings.csv", "userId,movieId,rating,timestamp\n")]
    public void Read_EmptyFile_ThrowsNamingTheFile(MovieLensRelease release, string name, string text)
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write(name, text);

        var error = Assert.Throws<InvalidDataException>(() => InteractionMatrix.Read(path, release));

        Assert.Equal($"No ratings in '{path}' (the file is empty or holds only its header): nothing to train on.", error.Message);
    }

    [Fact]
    public void Read_MinRatingAboveEveryRating_ThrowsNamingFileMinimumAndCount()
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write("ratings.dat", string.Concat(Enumerable.Range(1, 1500).Select(i => $"{i}::{i % 7}::{1 + (i % 5)}::97830076{i % 10}\n")));

        var error = Assert.Throws<InvalidDataException>(() => InteractionMatrix.Read(path, MovieLensRelease.Ml1m, new InteractionOptions { MinRating = 6 }));

        Assert.Equal($"No ratings >= 6 in '{path}' (1,500 ratings read, the highest 5): nothing to train on.", error.Message);
    }

    [Fact]
    public void Read_FromReaderWithNoKeptRating_ThrowsNamingTheDisplayName()
    {
        using var reader = Reader(Csv([(1, 10, 2.5f), (2, 20, 4f), (3, 30, 0.5f)]));

        var error = Assert.Throws<InvalidDataException>(() => InteractionMatrix.Read(reader, new InteractionOptions { MinRating = 4.5f }, movies: [new(10, "A", null, []), new(20, "B", null, []), new(30, "C", null, [])]));

        Assert.Equal("No ratings >= 4.5 in 'ratings.csv' (3 ratings read, the highest 4): nothing to train on.", error.Message);
    }

    [Fact]
    public void Read_ControlCharactersInFileName_AreEscapedInTheNoRatingsError()
    {
        using var reader = new RatingsReader(Stream(""), MovieLensRelease.Ml25m, "ratings\u001b]0;x\u0007.csv");

        var error = Assert.Throws<InvalidDataException>(() => InteractionMatrix.Read(reader));

        Assert.StartsWith("No ratings in 'ratings\\x1b]0;x\\x07.csv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MovieNotInList_ThrowsNamingUserAndMovie()
    {
        Movie[] movies = [new(10, "A (2000)", 2000, [])];
        using var reader = Reader(Csv([(1, 10, 4f), (42, 99, 5f)]));
        var error = Assert.Throws<KeyNotFoundException>(() => InteractionMatrix.Read(reader, movies: movies));
        Assert.Contains("42", error.Message, StringComparison.Ordinal);
        Assert.Contains("99", error.Message, StringComparison.Ordinal);

        // A movie outside the list is fine when its only rating is dropped.
        using var dropped = Reader(Csv([(1, 10, 4f), (42, 99, 1f)]));
        Assert.Equal(1, InteractionMatrix.Read(dropped, movies: movies).UserItems.NonZeroCount);
    }

    [Fact]
    public void Read_MalformedLine_ThrowsWithFileAndLine()
    {
        using var folder = new ReaderTempFolder();
        var path = folder.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,4.0,5\n1,x,4.0,5\n");
        var error = Assert.Throws<InvalidDataException>(() => InteractionMatrix.Read(path, MovieLensRelease.Ml25m));
        Assert.StartsWith($"{path}, line 3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadArguments_Throw()
    {
        Assert.Equal("ratings", Assert.Throws<ArgumentNullException>(() => InteractionMatrix.Read((RatingsReader)null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => InteractionMatrix.Read((string)null!, MovieLensRelease.Ml25m)).ParamName);
        Assert.Throws<FileNotFoundException>(() => InteractionMatrix.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "ratings.csv"), MovieLensRelease.Ml25m));
        using var reader = Reader(Csv([(1, 1, 4f)]));
        var options = new InteractionOptions { MinRating = float.PositiveInfinity };
        Assert.Equal("MinRating", Assert.Throws<ArgumentOutOfRangeException>(() => InteractionMatrix.Read(reader, options)).ParamName);
    }

    [Fact]
    public void Read_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var reader = Reader(Csv([(1, 1, 4f)]));
        Assert.ThrowsAny<OperationCanceledException>(() => InteractionMatrix.Read(reader, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Read_ReportsBytesRead()
    {
        using var folder = new ReaderTempFolder();
        var text = Csv(RandomRatings(3));
        var path = folder.Write("ratings.csv", text);
        var reports = new List<long>();
        InteractionMatrix.Read(path, MovieLensRelease.Ml25m, progress: new SynchronousProgress(reports.Add));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), reports.Max());
    }

    [RealDataFact("ml-100k")]
    public void Read_Ml100kUData_EqualsBuildOnTheLoadedTable()
    {
        var path = Path.Combine(TestData.Release("ml-100k")!, "u.data");
        var table = MovieLensReader.ReadRatings(path, MovieLensRelease.Ml100k);
        foreach (var options in OptionChoices.Take(4))
        {
            var streamed = InteractionMatrix.Read(path, MovieLensRelease.Ml100k, options);
            Assert.True(Same(InteractionMatrix.Build(table, options), streamed), $"options {options}");
        }

        // u.data is in no particular order: 943 users, 82,520 ratings of 3 or more.
        var matrix = InteractionMatrix.Read(path, MovieLensRelease.Ml100k);
        Assert.Equal(943, matrix.UserItems.RowCount);
        Assert.Equal(table.Ratings.ToArray().Count(r => r >= 3f), matrix.UserItems.NonZeroCount);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
