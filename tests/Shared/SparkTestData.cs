namespace MovieRecs.Testing;

/// <summary>Locates the real Spark ALS model (read-only, never copied into the repository).</summary>
public static class SparkTestData
{
    /// <summary>The folder that holds <c>flick-pick-rank50</c>, or <see langword="null"/> when absent.</summary>
    public static string? Root { get; } = FindRoot();

    /// <summary>The reason used by tests that skip when the fixture is absent.</summary>
    public const string MissingReason =
        "The Spark ALS fixture was not found: set MOVIERECS_SPARK_DATA to the spark-als folder, or MOVIERECS_DATA to the "
        + "movielens folder beside it, or place it in ../shared/data/spark-als.";

    /// <summary>The real ALSModel directory saved by Spark 3.5.5 (rank 50, 610 users, 8,232 movies), or <see langword="null"/>.</summary>
    public static string? Fixture => Root is null ? null : Existing(Path.Combine(Root, "flick-pick-rank50"));

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MOVIERECS_SPARK_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        // MOVIERECS_DATA names the movielens folder; the Spark models live beside it.
        var movieLens = Environment.GetEnvironmentVariable("MOVIERECS_DATA");
        if (!string.IsNullOrEmpty(movieLens) && Existing(Path.Combine(movieLens, "..", "spark-als")) is { } besideData)
        {
            return besideData;
        }

        // Walk up from the test binaries to the repository root, then look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MovieRecs.sln")))
            {
                return Existing(Path.Combine(dir.FullName, "..", "shared", "data", "spark-als"));
            }
        }

        return null;
    }

    private static string? Existing(string path) => Directory.Exists(path) ? Path.GetFullPath(path) : null;
}

/// <summary>A fact that needs the Spark fixture; skipped with a clear reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SparkFixtureFactAttribute : FactAttribute
{
    public SparkFixtureFactAttribute()
    {
        if (SparkTestData.Fixture is null)
        {
            Skip = SparkTestData.MissingReason;
        }
    }
}

/// <summary>A theory that needs the Spark fixture; skipped with a clear reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SparkFixtureTheoryAttribute : TheoryAttribute
{
    public SparkFixtureTheoryAttribute()
    {
        if (SparkTestData.Fixture is null)
        {
            Skip = SparkTestData.MissingReason;
        }
    }
}

