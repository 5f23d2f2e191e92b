namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    // ratings.csv sizes of the published releases: ml-latest-small about 2.5 MB, ml-20m 533 MB, ml-25m 678 MB,
    // ml-32m about 880 MB; ml-latest grows over time (above 900 MB since 2023).
    private const long LatestSmallMaxBytes = 64L << 20;
    private const long Ml20mMaxBytes = 600L << 20;
    private const long Ml25mMaxBytes = 780L << 20;

    /// <summary>Tells which MovieLens release a folder holds from the files in it.</summary>
    /// <param name="folder">The folder of an unpacked release (e.g. <c>ml-100k</c>, <c>ml-10M100K</c>, <c>ml-25m</c>).</param>
    /// <returns>The release.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds none of <c>u.data</c>, <c>u.item</c>, <c>ratings.dat</c>, <c>movies.dat</c>, <c>ratings.csv</c>, <c>movies.csv</c>.</exception>
    /// <remarks>
    /// <para>The rules, in order:</para>
    /// <list type="number">
    /// <item><description><c>u.data</c> or <c>u.item</c>: <see cref="MovieLensRelease.Ml100k"/>.</description></item>
    /// <item><description><c>ratings.dat</c> or <c>movies.dat</c>: <see cref="MovieLensRelease.Ml1m"/> when
    /// <c>users.dat</c> exists too (only ml-1m has demographics), else <see cref="MovieLensRelease.Ml10m"/>.</description></item>
    /// <item><description><c>ratings.csv</c> or <c>movies.csv</c>: by the folder name when it starts with
    /// <c>ml-latest-small</c>, <c>ml-latest</c>, <c>ml-32m</c>, <c>ml-25m</c> or <c>ml-20m</c> (ignoring case);
    /// otherwise by the size of <c>ratings.csv</c>: under 64 MiB ml-latest-small, under 600 MiB ml-20m, under
    /// 780 MiB ml-25m, larger ml-latest when <c>genome-scores.csv</c> exists (ml-32m ships no genome) and ml-32m
    /// otherwise. Without <c>ratings.csv</c> nor a telling name the answer is ml-latest.</description></item>
    /// </list>
    /// <para>Reads only file names and sizes (no file content); thread-safe.</para>
    /// </remarks>
    public static MovieLensRelease DetectRelease(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"MovieLens folder not found: {folder}");
        }

        bool Has(string name) => File.Exists(Path.Combine(folder, name));

        if (Has("u.data") || Has("u.item"))
        {
            return MovieLensRelease.Ml100k;
        }

        if (Has("ratings.dat") || Has("movies.dat"))
        {
            return Has("users.dat") ? MovieLensRelease.Ml1m : MovieLensRelease.Ml10m;
        }

        if (!Has("ratings.csv") && !Has("movies.csv"))
        {
            throw new FileNotFoundException(
                $"No MovieLens files in {folder}: expected u.data, ratings.dat or ratings.csv (or the movies file of a release).",
                Path.Combine(folder, "ratings.csv"));
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        (string Prefix, MovieLensRelease Release)[] byName =
        [
            ("ml-latest-small", MovieLensRelease.MlLatestSmall),
            ("ml-latest", MovieLensRelease.MlLatest),
            ("ml-32m", MovieLensRelease.Ml32m),
            ("ml-25m", MovieLensRelease.Ml25m),
            ("ml-20m", MovieLensRelease.Ml20m),
        ];
        foreach (var (prefix, release) in byName)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return release;
            }
        }

        var ratings = new FileInfo(Path.Combine(folder, "ratings.csv"));
        if (!ratings.Exists)
        {
            return MovieLensRelease.MlLatest;
        }

        return ratings.Length switch
        {
            < LatestSmallMaxBytes => MovieLensRelease.MlLatestSmall,
            < Ml20mMaxBytes => MovieLensRelease.Ml20m,
            < Ml25mMaxBytes => MovieLensRelease.Ml25m,
            _ => Has("genome-scores.csv") ? MovieLensRelease.MlLatest : MovieLensRelease.Ml32m,
        };
    }

    /// <summary>Reads one of the train/test splits that ml-100k ships: <c>u1</c> to <c>u5</c> (80/20 folds) or <c>ua</c>, <c>ub</c> (10 ratings per user held out).</summary>
    /// <param name="folder">The ml-100k folder.</param>
    /// <param name="split">The split name: <c>u1</c>, <c>u2</c>, <c>u3</c>, <c>u4</c>, <c>u5</c>, <c>ua</c> or <c>ub</c>.</param>
    /// <param name="cancellationToken">Checked before each block read.</param>
    /// <returns>The ratings of <c>{split}.base</c> (train) and <c>{split}.test</c> (test).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> or <paramref name="split"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or <paramref name="split"/> is not one of the names above.</exception>
    /// <exception cref="FileNotFoundException">The <c>.base</c> or <c>.test</c> file is missing; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (rules of <see cref="RatingsReader"/> for ml-100k).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static (RatingsTable Train, RatingsTable Test) ReadMl100kSplit(string folder, string split, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(split);
        if (split is not ("u1" or "u2" or "u3" or "u4" or "u5" or "ua" or "ub"))
        {
            throw new ArgumentException($"split is \"{split}\"; ml-100k ships u1, u2, u3, u4, u5, ua and ub.", nameof(split));
        }

        var train = ReadRatings(Path.Combine(folder, split + ".base"), MovieLensRelease.Ml100k, null, cancellationToken);
        var test = ReadRatings(Path.Combine(folder, split + ".test"), MovieLensRelease.Ml100k, null, cancellationToken);
        return (train, test);
    }
}
