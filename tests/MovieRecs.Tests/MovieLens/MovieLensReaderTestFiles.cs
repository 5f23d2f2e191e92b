using System.Globalization;
using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary>A temporary folder for files the reader tests write; deleted on dispose.</summary>
internal sealed class ReaderTempFolder : IDisposable
{
    public ReaderTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "movierecs-readers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Creates the folder under a given name (for release detection by folder name).</summary>
    public ReaderTempFolder(string leafName)
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "movierecs-readers-" + Guid.NewGuid().ToString("N"));
        Path = System.IO.Path.Combine(Root, leafName);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    private string? Root { get; }

    /// <summary>Writes <paramref name="text"/> with the given encoding (UTF-8 without BOM by default) and returns the path.</summary>
    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(text));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root ?? Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Writes rating rows in the layout of each release, the way the tests need them.</summary>
internal static class ReaderTestFormats
{
    public static string Format(MovieLensRelease release, IEnumerable<(int User, int Movie, float Rating, long Timestamp)> rows, string newline = "\n")
    {
        var text = new StringBuilder();
        if (release >= MovieLensRelease.Ml20m)
        {
            text.Append("userId,movieId,rating,timestamp").Append(newline);
        }

        var separator = release switch
        {
            MovieLensRelease.Ml100k => "\t",
            MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "::",
            _ => ",",
        };
        foreach (var (user, movie, rating, timestamp) in rows)
        {
            var ratingText = release >= MovieLensRelease.Ml20m
                ? rating.ToString("0.0", CultureInfo.InvariantCulture)
                : rating.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{user}{separator}{movie}{separator}{ratingText}{separator}{timestamp}").Append(newline);
        }

        return text.ToString();
    }

    public static string RatingsFileName(MovieLensRelease release) => MovieLensReader.GetRatingsFileName(release);

    public static (int, int, float, long)[] Rows(RatingsTable table)
    {
        var rows = new (int, int, float, long)[table.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (table.UserIds[i], table.MovieIds[i], table.Ratings[i], table.Timestamps[i]);
        }

        return rows;
    }
}
