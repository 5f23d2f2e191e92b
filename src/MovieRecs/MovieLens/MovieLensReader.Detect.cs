using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    // ratings.csv sizes of the published releases: ml-latest-small about 2.5 MB, ml-20m 533 MB, ml-25m 678 MB,
    // ml-32m about 880 MB; ml-latest grows over time (above 900 MB since 2023).
    private const long LatestSmallMaxBytes = 64L << 20;
    private const long Ml20mMaxBytes = 600L << 20;
    private const long Ml25mMaxBytes = 780L << 20;

    /// <summary>How much of a ratings file detection reads.</summary>
    private const int SniffBytes = 64 << 10;

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
    /// <c>users.dat</c> exists too (only ml-1m has demographics), no <c>tags.dat</c> does (only ml-10m has tags) and
    /// the first 64 KiB of <c>ratings.dat</c> hold no half-star rating (ml-1m has whole stars only: a file with half
    /// stars in that layout, such as the synthetic generator's larger presets, is read on ml-10m's half-star scale);
    /// else <see cref="MovieLensRelease.Ml10m"/>.</description></item>
    /// <item><description><c>ratings.csv</c> or <c>movies.csv</c>: by the folder name when it starts with
    /// <c>ml-latest-small</c>, <c>ml-latest</c>, <c>ml-32m</c>, <c>ml-25m</c> or <c>ml-20m</c> (ignoring case);
    /// otherwise by the size of <c>ratings.csv</c>: under 64 MiB ml-latest-small, under 600 MiB ml-20m, under
    /// 780 MiB ml-25m, larger ml-latest when <c>genome-scores.csv</c> exists (ml-32m ships no genome) and ml-32m
    /// otherwise. Without <c>ratings.csv</c> nor a telling name the answer is ml-latest.</description></item>
    /// </list>
    /// <para>Reads file names and sizes, and for a <c>::</c> folder with <c>users.dat</c> the first 64 KiB of
    /// <c>ratings.dat</c>; thread-safe.</para>
    /// </remarks>
    public static MovieLensRelease DetectRelease(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"MovieLens folder not found: {MessageText.Escape(folder)}");
        }

        bool Has(string name) => File.Exists(Path.Combine(folder, name));

        if (Has("u.data") || Has("u.item"))
        {
            return MovieLensRelease.Ml100k;
        }

        if (Has("ratings.dat") || Has("movies.dat"))
        {
            return DoubleColonRelease(folder, Path.Combine(folder, "ratings.dat"));
        }

        if (!Has("ratings.csv") && !Has("movies.csv"))
        {
            throw new FileNotFoundException(
                $"No MovieLens files in {MessageText.Escape(folder)}: expected u.data, ratings.dat or ratings.csv (or the movies file of a release).",
                Path.Combine(folder, "ratings.csv"));
        }

        var ratings = new FileInfo(Path.Combine(folder, "ratings.csv"));
        return CsvRelease(folder, ratings.Exists ? ratings.Length : null);
    }

    /// <summary>
    /// Tells which release a ratings file belongs to from its first lines and the files beside it, for a ratings file
    /// given on its own (a copy, a split, a file renamed or written by another tool) rather than as part of a folder.
    /// </summary>
    /// <param name="path">The ratings file: any name (<c>u.data</c>, <c>u1.base</c>, <c>ratings.dat</c>,
    /// <c>ratings.csv</c>, <c>mine.txt</c>).</param>
    /// <returns>The release whose reader rules read the file: pass it to
    /// <see cref="ReadRatings(string, MovieLensRelease, IProgress{long}?, CancellationToken)"/>,
    /// <see cref="RatingsReader.Open"/> or <see cref="InteractionMatrix.Read(string, MovieLensRelease, InteractionOptions?, IReadOnlyList{Movie}?, IProgress{long}?, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/> (a folder is not a file: use
    /// <see cref="DetectRelease"/>); the message names the path.</exception>
    /// <remarks>
    /// <para>The layout comes from the first non-blank line in the first 64 KiB (a UTF-8 byte order mark skipped): a
    /// tab means ml-100k, <c>::</c> a <c>.dat</c> release, a comma a CSV release; an empty file goes by its extension
    /// (<c>.csv</c>, <c>.dat</c>, else ml-100k). The release within the layout:</para>
    /// <list type="bullet">
    /// <item><description><c>::</c>: <see cref="MovieLensRelease.Ml1m"/> only when the file's folder holds
    /// <c>users.dat</c> and no <c>tags.dat</c> and the first 64 KiB hold no half-star rating, as for
    /// <see cref="DetectRelease"/>; otherwise <see cref="MovieLensRelease.Ml10m"/>, whose half-star scale also takes
    /// every whole-star rating: a lone file that may be either is never rejected for its half stars.</description></item>
    /// <item><description>CSV: the rules of <see cref="DetectRelease"/> by the name of the file's folder, then by the
    /// file's size (the CSV releases differ only in size: their ratings read alike).</description></item>
    /// </list>
    /// <para>Reads at most 64 KiB; thread-safe.</para>
    /// </remarks>
    public static MovieLensRelease DetectRatingsFileRelease(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Ratings file not found: {MessageText.Escape(path)}", path);
        }

        var folder = Path.GetDirectoryName(file.FullName) ?? ".";
        var layout = SniffLayout(path) ?? Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".CSV" => RatingsLayout.Csv,
            ".DAT" => RatingsLayout.DoubleColon,
            _ => RatingsLayout.Tab,
        };
        return layout switch
        {
            RatingsLayout.Tab => MovieLensRelease.Ml100k,
            RatingsLayout.DoubleColon => DoubleColonRelease(folder, path),
            _ => CsvRelease(folder, file.Length),
        };
    }

    /// <summary>ml-1m or ml-10m for a <c>::</c> ratings file in <paramref name="folder"/> (the file may be absent).</summary>
    private static MovieLensRelease DoubleColonRelease(string folder, string ratingsPath) =>
        File.Exists(Path.Combine(folder, "users.dat")) && !File.Exists(Path.Combine(folder, "tags.dat")) && !HasHalfStars(ratingsPath)
            ? MovieLensRelease.Ml1m
            : MovieLensRelease.Ml10m;

    /// <summary>The CSV release of a folder: by its name, else by the size of its ratings file.</summary>
    private static MovieLensRelease CsvRelease(string folder, long? ratingsLength)
    {
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

        return ratingsLength switch
        {
            null => MovieLensRelease.MlLatest,
            < LatestSmallMaxBytes => MovieLensRelease.MlLatestSmall,
            < Ml20mMaxBytes => MovieLensRelease.Ml20m,
            < Ml25mMaxBytes => MovieLensRelease.Ml25m,
            _ => File.Exists(Path.Combine(folder, "genome-scores.csv")) ? MovieLensRelease.MlLatest : MovieLensRelease.Ml32m,
        };
    }

    /// <summary>The first 64 KiB of a file, after a UTF-8 byte order mark; empty when the file is missing.</summary>
    private static byte[] ReadHead(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var head = new byte[SniffBytes];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var start = head.AsSpan(0, length).StartsWith(System.Text.Encoding.UTF8.Preamble) ? 3 : 0;
        return head[start..length];
    }

    /// <summary>The layout of the first non-blank line in the first 64 KiB, or null when there is none.</summary>
    private static RatingsLayout? SniffLayout(string path)
    {
        var head = ReadHead(path).AsSpan();
        while (!head.IsEmpty)
        {
            var newline = head.IndexOf((byte)'\n');
            var line = (newline < 0 ? head : head[..newline]).TrimEnd((byte)'\r');
            head = newline < 0 ? [] : head[(newline + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            return line.IndexOf("::"u8) >= 0 ? RatingsLayout.DoubleColon
                : line.IndexOf((byte)'\t') >= 0 ? RatingsLayout.Tab
                : line.IndexOf((byte)',') >= 0 ? RatingsLayout.Csv
                : null;
        }

        return null;
    }

    /// <summary>Whether a valid line among the first 64 KiB of a <c>::</c> ratings file has a half-star rating.</summary>
    private static bool HasHalfStars(string path)
    {
        var head = ReadHead(path).AsSpan();
        while (true)
        {
            var newline = head.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return false; // a last line cut by the 64 KiB window is not looked at
            }

            var line = head[..newline].TrimEnd((byte)'\r');
            head = head[(newline + 1)..];
            if (RatingsLineParser.TryParse(line, RatingsLayout.DoubleColon, halfStars: true, out var rating, out _)
                && rating.Value != MathF.Round(rating.Value))
            {
                return true;
            }
        }
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
