using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

/// <summary>
/// The readers against generated ratings files of every release's layout (<see cref="RatingsFile"/>): what a file
/// says is what is read, and the interaction matrix of a file is the matrix of its kept lines. A failure shrinks to
/// the shortest, plainest file that still fails.
/// </summary>
public class RatingsFilePropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public Property ReadRatings_GeneratedFile_GivesBackItsLines(RatingsFile file, NonNegativeInt readSize)
    {
        var expected = file.Rows;
        var table = ReaderTestFormats.Rows(MovieLensReader.ReadRatings(file.Stream(), file.Release, "ratings"));

        // Streamed from a pipe that returns a few bytes per read, so lines straddle the reads.
        using var reader = new RatingsReader(new ForwardOnlyStream(file.Stream(), 1 + (readSize.Get % 13)), file.Release, "ratings");
        var streamed = new List<(int, int, float, long)>();
        while (reader.TryRead(out var rating))
        {
            streamed.Add((rating.UserId, rating.MovieId, rating.Value, rating.Timestamp));
        }

        return (table.SequenceEqual(expected) && streamed.SequenceEqual(expected))
            .Label($"table [{string.Join(", ", table)}], streamed [{string.Join(", ", streamed)}]");
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public Property ReadInteractionMatrix_GeneratedFile_EqualsMatrixOfTheKeptLines(RatingsFile file, InteractionOptions options, NonNegativeInt chunk)
    {
        var kept = file.Lines.Where(l => l.Rating >= options.MinRating).ToArray();
        var refused = options.Duplicates == DuplicateHandling.Throw && kept.DistinctBy(l => (l.User, l.Movie)).Count() < kept.Length;

        // Build on the table the reader loads, and the streaming read with chunks of one to eight ratings.
        var built = Outcome(() => InteractionMatrix.Build(MovieLensReader.ReadRatings(file.Stream(), file.Release, "ratings"), options));
        var streamed = Outcome(() =>
        {
            using var reader = new RatingsReader(file.Stream(), file.Release, "ratings");
            return InteractionMatrix.Read(reader, options, null, 1 + (chunk.Get % 8), CancellationToken.None);
        });
        var label = $"kept {kept.Length}, built {built}, streamed {streamed}";
        if (refused)
        {
            // Duplicates with DuplicateHandling.Throw: both refuse them, alike.
            return (built.Error is ArgumentException && streamed.Error?.GetType() == built.Error.GetType() && streamed.Error.Message == built.Error.Message).Label(label);
        }

        var (users, movies, expected) = KeptMatrix(kept, options);
        if (kept.Length == 0)
        {
            // Build gives an empty matrix; the read says that nothing is left to train on.
            return (built.Matrix is { } empty && Same(empty, users, movies, expected)
                    && streamed.Error is InvalidDataException && streamed.Error.Message.StartsWith("No ratings", StringComparison.Ordinal))
                .Label(label);
        }

        return (built.Matrix is { } b && Same(b, users, movies, expected) && streamed.Matrix is { } s && Same(s, users, movies, expected)).Label(label);
    }

    [Property(MaxTest = 25, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public Property ReadFromPath_GeneratedFile_EqualsReadFromStream(RatingsFile file)
    {
        using var folder = new ReaderTempFolder();
        var path = folder.WriteBytes(MovieLensReader.GetRatingsFileName(file.Release), file.Bytes);
        var table = ReaderTestFormats.Rows(MovieLensReader.ReadRatings(path, file.Release));
        var enumerated = MovieLensReader.EnumerateRatings(path, file.Release).Select(r => (r.UserId, r.MovieId, r.Value, r.Timestamp)).ToArray();
        var kept = file.Lines.Where(l => l.Rating >= InteractionOptions.Default.MinRating).ToArray();
        var (users, movies, expected) = KeptMatrix(kept, InteractionOptions.Default);
        var matrix = Outcome(() => InteractionMatrix.Read(path, file.Release));
        return (table.SequenceEqual(file.Rows) && enumerated.SequenceEqual(file.Rows)
                && (kept.Length == 0 ? matrix.Error is InvalidDataException : matrix.Matrix is { } m && Same(m, users, movies, expected)))
            .Label($"table [{string.Join(", ", table)}], matrix {matrix}");
    }

    /// <summary>
    /// The matrix of the kept lines straight from the definition: users and movies in ascending id order, each
    /// (user, movie) cell the sum, or the largest, of its lines' values in file order.
    /// </summary>
    private static (int[] Users, int[] Movies, CsrMatrix Matrix) KeptMatrix(RatingLine[] kept, InteractionOptions options)
    {
        var users = kept.Select(l => l.User).Distinct().Order().ToArray();
        var movies = kept.Select(l => l.Movie).Distinct().Order().ToArray();
        var cells = new Dictionary<(int Row, int Column), float>();
        foreach (var line in kept)
        {
            var value = options.Value switch
            {
                InteractionValue.Binary => 1f,
                InteractionValue.LogRating => MathF.Log(1f + line.Rating),
                _ => line.Rating,
            };
            var key = (Array.BinarySearch(users, line.User), Array.BinarySearch(movies, line.Movie));
            cells[key] = !cells.TryGetValue(key, out var cell) ? value
                : options.Duplicates == DuplicateHandling.Max ? MathF.Max(cell, value)
                : cell + value;
        }

        var matrix = CsrMatrix.FromTriplets(
            users.Length, movies.Length, [.. cells.Keys.Select(k => k.Row)], [.. cells.Keys.Select(k => k.Column)], [.. cells.Values]);
        return (users, movies, matrix);
    }

    private static bool Same(InteractionMatrix actual, int[] users, int[] movies, CsrMatrix expected) =>
        actual.Users.Keys.SequenceEqual(users) && actual.Items.Keys.SequenceEqual(movies) && actual.UserItems.ContentEquals(expected);

    private static Result Outcome(Func<InteractionMatrix> build)
    {
        try
        {
            return new Result(build(), null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            return new Result(null, e);
        }
    }

    private sealed record Result(InteractionMatrix? Matrix, Exception? Error)
    {
        public override string ToString() => Matrix is { } m
            ? $"users [{string.Join(", ", m.Users.Keys.ToArray())}] movies [{string.Join(", ", m.Items.Keys.ToArray())}] {Triplets.FromCsr(m.UserItems)}"
            : $"{Error?.GetType().Name}: {Error?.Message}";
    }
}
