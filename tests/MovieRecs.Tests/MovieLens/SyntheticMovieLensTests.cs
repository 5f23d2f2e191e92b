using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public sealed partial class SyntheticMovieLensTests
{
    private static readonly Lazy<SyntheticMovieLens> s_ml100k = new(() => SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k));

    private static SyntheticMovieLens Ml100k => s_ml100k.Value;

    [Fact]
    public void Generate_SameSeed_GivesIdenticalTables()
    {
        var again = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k);

        AssertSameTable(Ml100k.Ratings, again.Ratings);
        Assert.Equal(Ml100k.Movies, again.Movies, (a, b) => a.Title == b.Title && a.Genres.SequenceEqual(b.Genres));
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentTables()
    {
        var other = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k with { Seed = 43 });

        Assert.Equal(Ml100k.Ratings.Count, other.Ratings.Count);
        var sameMovie = 0;
        for (var i = 0; i < other.Ratings.Count; i++)
        {
            sameMovie += Ml100k.Ratings.MovieIds[i] == other.Ratings.MovieIds[i] ? 1 : 0;
        }

        Assert.True(sameMovie < other.Ratings.Count / 10, $"{sameMovie} of {other.Ratings.Count} ratings have the same movie at the same position.");
    }

    [Fact]
    public void Generate_ThreadCount_DoesNotChangeTheResult()
    {
        var options = SyntheticMovieLensOptions.Custom(300, 400, 30_000) with { Seed = 7 };

        var single = SyntheticMovieLens.Generate(options with { MaxDegreeOfParallelism = 1 });
        var many = SyntheticMovieLens.Generate(options with { MaxDegreeOfParallelism = 5 });

        AssertSameTable(single.Ratings, many.Ratings);
    }

    [Fact]
    public void Generate_Ml100k_HasTheExactShape()
    {
        var table = Ml100k.Ratings;

        Assert.Equal(100_000, table.Count);
        Assert.Equal(943, table.UserIds.ToArray().Distinct().Count());
        Assert.Equal(1682, table.MovieIds.ToArray().Distinct().Count());
        Assert.Equal(1, table.UserIds.ToArray().Min());
        Assert.Equal(943, table.UserIds.ToArray().Max());
        Assert.Equal(1, table.MovieIds.ToArray().Min());
        Assert.Equal(1682, table.MovieIds.ToArray().Max());
        Assert.Equal(1682, Ml100k.Movies.Count);
    }

    [Fact]
    public void Generate_Ml100k_HasNoDuplicatePairs()
    {
        var table = Ml100k.Ratings;
        var pairs = new HashSet<long>();
        for (var i = 0; i < table.Count; i++)
        {
            Assert.True(pairs.Add(((long)table.UserIds[i] << 32) | (uint)table.MovieIds[i]),
                $"Duplicate pair user {table.UserIds[i]}, movie {table.MovieIds[i]} at row {i}.");
        }
    }

    [Fact]
    public void Generate_Ml100k_GivesEveryUserAtLeastTwentyRatingsWithAHeavyTail()
    {
        var perUser = CountBy(Ml100k.Ratings.UserIds, 943);

        Assert.True(perUser.Min() >= 20, $"A user has only {perUser.Min()} ratings.");
        Array.Sort(perUser);
        var median = perUser[perUser.Length / 2];
        var mean = perUser.Average();
        // Heavy tail: the mean is well above the median and the busiest user rates many times the median.
        Assert.True(mean > 1.3 * median, $"mean {mean:F1}, median {median}");
        Assert.True(perUser[^1] > 5 * median, $"max {perUser[^1]}, median {median}");
    }

    [Fact]
    public void Generate_Ml100k_HasTheMl1mRatingMarginals()
    {
        var shares = new[] { 0.056, 0.108, 0.261, 0.349, 0.226 };
        var counts = new int[5];
        foreach (var rating in Ml100k.Ratings.Ratings)
        {
            Assert.True(rating is 1 or 2 or 3 or 4 or 5, $"rating {rating}");
            counts[(int)rating - 1]++;
        }

        for (var star = 0; star < 5; star++)
        {
            Assert.InRange(counts[star] / 100_000.0, shares[star] - 0.005, shares[star] + 0.005);
        }

        var keptAtThreeOrMore = (counts[2] + counts[3] + counts[4]) / 100_000.0;
        Assert.InRange(keptAtThreeOrMore, 0.831, 0.841);
    }

    [Fact]
    public void Generate_HalfStars_SpreadsOverHalvesAndKeepsTheShareAtThreeOrMore()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(500, 800, 60_000) with { HalfStarRatings = true });

        var counts = new int[10];
        foreach (var rating in data.Ratings.Ratings)
        {
            var halves = rating * 2;
            Assert.True(halves >= 1 && halves <= 10 && halves == MathF.Round(halves), $"rating {rating}");
            counts[(int)halves - 1]++;
        }

        Assert.All(counts, c => Assert.True(c > 0.005 * 60_000, $"a half-star value has only {c} ratings"));
        var keptAtThreeOrMore = counts[5..].Sum() / 60_000.0;
        Assert.InRange(keptAtThreeOrMore, 0.831, 0.841);
    }

    [Fact]
    public void Generate_Ml100k_MoviePopularityIsHeavyTailed()
    {
        var perMovie = CountBy(Ml100k.Ratings.MovieIds, 1682);
        Array.Sort(perMovie);
        Array.Reverse(perMovie);

        var topTenth = perMovie.Take(168).Sum() / 100_000.0;
        var bottomHalf = perMovie.Skip(841).Sum() / 100_000.0;
        Assert.True(topTenth > 0.40, $"the top 10 % of the movies take {topTenth:P1} of the ratings");
        Assert.True(bottomHalf < 0.15, $"the bottom half of the movies take {bottomHalf:P1} of the ratings");
        Assert.True(perMovie[^1] >= 1);
    }

    [Fact]
    public void Generate_Ml100k_TimestampsIncreasePerUserInsideTheWindow()
    {
        var table = Ml100k.Ratings;
        var first = SyntheticMovieLensOptions.Ml100k.FirstRatingTime.ToUnixTimeSeconds();
        var last = SyntheticMovieLensOptions.Ml100k.LastRatingTime.ToUnixTimeSeconds();
        for (var i = 0; i < table.Count; i++)
        {
            Assert.InRange(table.Timestamps[i], first, last);
            if (i > 0 && table.UserIds[i] == table.UserIds[i - 1])
            {
                Assert.True(table.Timestamps[i] > table.Timestamps[i - 1], $"row {i}: time does not increase");
            }
            else if (i > 0)
            {
                Assert.True(table.UserIds[i] > table.UserIds[i - 1], $"row {i}: users are not grouped in ascending order");
            }
        }
    }

    [Fact]
    public void Generate_Ml100k_HeldOutRatingsFollowTheCoRatingStructure()
    {
        // Hold out a fifth of each user's ratings; an item-item cosine model fitted on the rest must find
        // the held-out movies clearly more often than recommending the most popular movies does.
        var table = Ml100k.Ratings;
        const int Users = 943, Movies = 1682, K = 10;
        var random = new Random(123);
        var train = new List<int>[Users];
        var test = new HashSet<int>[Users];
        for (var u = 0; u < Users; u++)
        {
            train[u] = [];
            test[u] = [];
        }

        for (var i = 0; i < table.Count; i++)
        {
            var u = table.UserIds[i] - 1;
            (random.NextDouble() < 0.2 ? (ICollection<int>)test[u] : train[u]).Add(table.MovieIds[i] - 1);
        }

        var itemCount = new int[Movies];
        var cooccurrence = new int[Movies * Movies];
        foreach (var items in train)
        {
            foreach (var i in items)
            {
                itemCount[i]++;
                foreach (var j in items)
                {
                    cooccurrence[i * Movies + j]++;
                }
            }
        }

        var byPopularity = Enumerable.Range(0, Movies).OrderByDescending(m => itemCount[m]).ToArray();
        int knnHits = 0, popularityHits = 0;
        var scores = new double[Movies];
        for (var u = 0; u < Users; u++)
        {
            Array.Clear(scores);
            foreach (var i in train[u])
            {
                for (var j = 0; j < Movies; j++)
                {
                    if (cooccurrence[i * Movies + j] > 0)
                    {
                        scores[j] += cooccurrence[i * Movies + j] / Math.Sqrt((double)itemCount[i] * itemCount[j]);
                    }
                }
            }

            var seen = train[u].ToHashSet();
            knnHits += Enumerable.Range(0, Movies).Where(m => !seen.Contains(m)).OrderByDescending(m => scores[m]).Take(K).Count(test[u].Contains);
            popularityHits += byPopularity.Where(m => !seen.Contains(m)).Take(K).Count(test[u].Contains);
        }

        Assert.True(knnHits > 1.2 * popularityHits, $"item-item hits {knnHits}, popularity hits {popularityHits}");
    }

    [Fact]
    public void Generate_Movies_HaveSyntheticTitlesYearsAndMovieLensGenres()
    {
        for (var i = 0; i < Ml100k.Movies.Count; i++)
        {
            var movie = Ml100k.Movies[i];
            Assert.Equal(i + 1, movie.Id);
            Assert.NotNull(movie.Year);
            Assert.Equal($"Synthetic Movie {movie.Id} ({movie.Year})", movie.Title);
            Assert.InRange(movie.Year!.Value, 1919, 1998);
            Assert.NotEmpty(movie.Genres);
            Assert.All(movie.Genres, g => Assert.Contains(g, SyntheticMovieLens.GenreNames));
            Assert.Equal(movie.Genres.Distinct().Count(), movie.Genres.Count);
        }
    }

    [Fact]
    public void Generate_Ml1m_HasTheExactShapeAndMarginals()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m);
        var table = data.Ratings;

        Assert.Equal(1_000_209, table.Count);
        Assert.True(CountBy(table.UserIds, 6040).All(c => c >= 20));
        Assert.True(CountBy(table.MovieIds, 3706).All(c => c >= 1));
        var kept = 0;
        foreach (var rating in table.Ratings)
        {
            kept += rating >= 3 ? 1 : 0;
        }

        // ml-1m keeps 836,478 of 1,000,209 ratings at 3 stars or more.
        Assert.InRange(kept, 836_478 - 2_000, 836_478 + 2_000);
    }

    [Property(MaxTest = 100)]
    public bool Generate_AnySmallShape_IsExactWithoutDuplicates(int usersSeed, int moviesSeed, int ratingsSeed, long seed)
    {
        var users = 1 + (int)((uint)usersSeed % 30);
        var movies = 1 + (int)((uint)moviesSeed % 60);
        var minimum = Math.Min(20, movies);
        var ratings = users * minimum + (int)((uint)ratingsSeed % (uint)(users * movies - users * minimum + 1));
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users, movies, ratings) with { Seed = seed });
        var table = data.Ratings;

        var pairs = new HashSet<(int, int)>();
        for (var i = 0; i < table.Count; i++)
        {
            if (!pairs.Add((table.UserIds[i], table.MovieIds[i])) || table.Ratings[i] is < 1 or > 5)
            {
                return false;
            }
        }

        var perUser = CountBy(table.UserIds, users);
        var perMovie = CountBy(table.MovieIds, movies);
        return table.Count == ratings
            && perUser.All(c => c >= minimum)
            && (ratings < movies || perMovie.All(c => c >= 1));
    }

    [Fact]
    public void Generate_FewerRatingsThanMovies_RatesDistinctMovies()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(2, 100, 50) with { MinRatingsPerUser = 5 });

        var perMovie = CountBy(data.Ratings.MovieIds, 100);
        Assert.Equal(50, data.Ratings.Count);
        Assert.Equal(50, perMovie.Count(c => c == 1));
    }

    [Fact]
    public void Generate_EveryPairRated_FillsTheMatrix()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(25, 30, 750));

        Assert.All(CountBy(data.Ratings.UserIds, 25), c => Assert.Equal(30, c));
        Assert.All(CountBy(data.Ratings.MovieIds, 30), c => Assert.Equal(25, c));
    }

    [Fact]
    public void Generate_CanceledToken_Throws()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k, null, source.Token));
    }

    [Fact]
    public void Generate_Progress_ReportsUpToOne()
    {
        var reports = new List<double>();
        var progress = new SynchronousProgress(reports);

        SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(200, 300, 10_000), progress);

        lock (reports)
        {
            Assert.NotEmpty(reports);
            Assert.All(reports, r => Assert.InRange(r, 0, 1));
            Assert.Equal(1.0, reports[^1]);
        }
    }

    [Fact]
    public void Generate_NullOptions_Throws() =>
        Assert.Throws<ArgumentNullException>("options", () => SyntheticMovieLens.Generate(null!));

    [Fact]
    public void WriteMl1mFiles_ThenParse_GivesTheSameData()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(60, 90, 3000) with { HalfStarRatings = true });
        var folder = TempFolder();
        try
        {
            data.WriteMl1mFiles(folder);

            var lines = File.ReadAllLines(Path.Combine(folder, "ratings.dat"), Encoding.Latin1);
            Assert.Equal(data.Ratings.Count, lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                var fields = lines[i].Split("::");
                Assert.Equal(4, fields.Length);
                Assert.Equal(data.Ratings.UserIds[i], int.Parse(fields[0], CultureInfo.InvariantCulture));
                Assert.Equal(data.Ratings.MovieIds[i], int.Parse(fields[1], CultureInfo.InvariantCulture));
                Assert.Equal(data.Ratings.Ratings[i], float.Parse(fields[2], CultureInfo.InvariantCulture));
                Assert.Equal(data.Ratings.Timestamps[i], long.Parse(fields[3], CultureInfo.InvariantCulture));
            }

            var movies = File.ReadAllLines(Path.Combine(folder, "movies.dat"), Encoding.Latin1);
            Assert.Equal(90, movies.Length);
            for (var i = 0; i < movies.Length; i++)
            {
                var fields = movies[i].Split("::");
                Assert.Equal(data.Movies[i].Id, int.Parse(fields[0], CultureInfo.InvariantCulture));
                Assert.Equal(data.Movies[i].Title, fields[1]);
                Assert.Equal(data.Movies[i].Genres, fields[2].Split('|'));
            }

            var users = File.ReadAllLines(Path.Combine(folder, "users.dat"), Encoding.Latin1);
            Assert.Equal(60, users.Length);
            for (var i = 0; i < users.Length; i++)
            {
                var fields = users[i].Split("::");
                Assert.Equal(i + 1, int.Parse(fields[0], CultureInfo.InvariantCulture));
                Assert.Contains(fields[1], new[] { "M", "F" });
                Assert.Contains(int.Parse(fields[2], CultureInfo.InvariantCulture), new[] { 1, 18, 25, 35, 45, 50, 56 });
                Assert.InRange(int.Parse(fields[3], CultureInfo.InvariantCulture), 0, 20);
                Assert.Matches("^[0-9]{5}$", fields[4]);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WriteCsvFiles_ThenParse_GivesTheSameData()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(40, 70, 2000));
        var folder = TempFolder();
        try
        {
            data.WriteCsvFiles(folder);

            var lines = File.ReadAllLines(Path.Combine(folder, "ratings.csv"), Encoding.UTF8);
            Assert.Equal("userId,movieId,rating,timestamp", lines[0]);
            Assert.Equal(data.Ratings.Count + 1, lines.Length);
            for (var i = 1; i < lines.Length; i++)
            {
                var fields = lines[i].Split(',');
                Assert.Equal(data.Ratings.UserIds[i - 1], int.Parse(fields[0], CultureInfo.InvariantCulture));
                Assert.Equal(data.Ratings.MovieIds[i - 1], int.Parse(fields[1], CultureInfo.InvariantCulture));
                Assert.Matches("^[0-5]\\.[05]$", fields[2]);
                Assert.Equal(data.Ratings.Ratings[i - 1], float.Parse(fields[2], CultureInfo.InvariantCulture));
                Assert.Equal(data.Ratings.Timestamps[i - 1], long.Parse(fields[3], CultureInfo.InvariantCulture));
            }

            var movies = File.ReadAllLines(Path.Combine(folder, "movies.csv"), Encoding.UTF8);
            Assert.Equal("movieId,title,genres", movies[0]);
            Assert.Equal(71, movies.Length);
            Assert.Equal($"1,{data.Movies[0].Title},{string.Join('|', data.Movies[0].Genres)}", movies[1]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "movierecs-synthetic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static int[] CountBy(ReadOnlySpan<int> ids, int max)
    {
        var counts = new int[max];
        foreach (var id in ids)
        {
            counts[id - 1]++;
        }

        return counts;
    }

    private static void AssertSameTable(RatingsTable expected, RatingsTable actual)
    {
        Assert.True(expected.UserIds.SequenceEqual(actual.UserIds), "user ids differ");
        Assert.True(expected.MovieIds.SequenceEqual(actual.MovieIds), "movie ids differ");
        Assert.True(expected.Ratings.SequenceEqual(actual.Ratings), "ratings differ");
        Assert.True(expected.Timestamps.SequenceEqual(actual.Timestamps), "timestamps differ");
    }

    private sealed class SynchronousProgress(List<double> reports) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
