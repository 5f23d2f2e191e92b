namespace MovieRecs.Tests;

/// <summary>Locates the real MovieLens files (read-only, never copied into the repository).</summary>
internal static class TestData
{
    /// <summary>The folder that holds <c>ml-100k</c> and <c>ml-1m</c>, or <see langword="null"/> when absent.</summary>
    public static string? MovieLensRoot { get; } = FindRoot();

    /// <summary>The repository root (the folder holding MovieRecs.sln), found from the test binaries.</summary>
    /// <remarks>Source paths from <c>CallerFilePath</c> are mapped away in CI builds, so tests locate files from here.</remarks>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The reason used by tests that skip when the data is absent.</summary>
    public const string MissingReason =
        "Real MovieLens data not found: set MOVIERECS_DATA or place it in ../shared/data/movielens.";

    /// <summary>Returns the path of a release folder (e.g. <c>ml-100k</c>), or <see langword="null"/>.</summary>
    public static string? Release(string name)
    {
        if (MovieLensRoot is null)
        {
            return null;
        }

        var path = Path.Combine(MovieLensRoot, name);
        return Directory.Exists(path) ? path : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MovieRecs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MovieRecs.sln not found above the test binaries.");
    }

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MOVIERECS_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        // Walk up from the test binaries to the repository root, then look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MovieRecs.sln")))
            {
                var shared = Path.Combine(dir.FullName, "..", "shared", "data", "movielens");
                return Directory.Exists(shared) ? Path.GetFullPath(shared) : null;
            }
        }

        return null;
    }
}
