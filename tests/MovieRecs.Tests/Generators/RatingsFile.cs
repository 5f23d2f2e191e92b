using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;
using Options = MovieRecs.MovieLens.InteractionOptions;

namespace MovieRecs.Tests.Generators;

/// <summary>One line of a ratings file: user id, movie id, stars and timestamp.</summary>
public readonly record struct RatingLine(int User, int Movie, float Rating, long Timestamp)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({User}, {Movie}, {Rating}, {Timestamp})");
}

/// <summary>
/// A MovieLens ratings file as a release writes it: ml-100k <c>u.data</c> (<c>user TAB movie TAB rating TAB
/// timestamp</c>), ml-1m and ml-10m <c>ratings.dat</c> (<c>::</c>), the CSV releases' <c>ratings.csv</c> (header
/// <c>userId,movieId,rating,timestamp</c>); half stars where the release has them. The spelling varies as the readers
/// allow: CR LF or LF, a last line with or without its newline, a byte order mark, whole stars as <c>4</c> or <c>4.0</c>.
/// Drawn and shrunk by <see cref="Gen"/> and <see cref="Shrink"/>: fewer lines, smaller ids and timestamps, ratings
/// nearer 1 star, an older layout, the plainest spelling.
/// </summary>
public sealed record RatingsFile(MovieLensRelease Release, RatingLine[] Lines, bool Crlf = false, bool NoFinalNewline = false, bool Bom = false, bool OtherStarSpelling = false)
{
    public const int MaxLines = 80;

    /// <summary>The releases, oldest (and plainest) first; a file shrinks toward the start of the list.</summary>
    public static MovieLensRelease[] Releases { get; } = Enum.GetValues<MovieLensRelease>();

    /// <summary>Whether the release rates in half stars (0.5 to 5) rather than whole stars (1 to 5).</summary>
    public static bool HasHalfStars(MovieLensRelease release) => release >= MovieLensRelease.Ml10m;

    /// <summary>Whether the release's ratings file is a CSV file with a header.</summary>
    public static bool IsCsv(MovieLensRelease release) => release >= MovieLensRelease.Ml20m;

    public (int User, int Movie, float Rating, long Timestamp)[] Rows => [.. Lines.Select(l => (l.User, l.Movie, l.Rating, l.Timestamp))];

    /// <summary>The file's text exactly as written (the byte order mark included when there is one).</summary>
    public string Text
    {
        get
        {
            var newline = Crlf ? "\r\n" : "\n";
            var separator = Release switch
            {
                MovieLensRelease.Ml100k => "\t",
                MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "::",
                _ => ",",
            };
            var text = new StringBuilder();
            if (Bom)
            {
                text.Append('\uFEFF');
            }

            if (IsCsv(Release))
            {
                text.Append("userId,movieId,rating,timestamp").Append(newline);
            }

            // The CSV releases write every rating with one decimal ("4.0"), the others whole stars without one ("4").
            var withDecimal = IsCsv(Release) != OtherStarSpelling;
            foreach (var line in Lines)
            {
                var rating = line.Rating.ToString(withDecimal ? "0.0" : "0.#", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{line.User}{separator}{line.Movie}{separator}{rating}{separator}{line.Timestamp}").Append(newline);
            }

            if (NoFinalNewline && Lines.Length > 0)
            {
                text.Length -= newline.Length;
            }

            return text.ToString();
        }
    }

    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public MemoryStream Stream() => new(Bytes, writable: false);

    /// <summary>The ratings as a table, with the timestamps, in file order.</summary>
    public RatingsTable ToTable() => RatingLines.ToTable(Lines);

    /// <summary>Any release's layout, up to <see cref="MaxLines"/> lines.</summary>
    public static Gen<RatingsFile> Gen { get; } =
        from release in FsCheck.Fluent.Gen.Elements(Releases)
        from lines in RatingLines.Any(release, MaxLines)
        from crlf in FsCheck.Fluent.Gen.Elements(false, false, true)
        from noFinalNewline in FsCheck.Fluent.Gen.Elements(false, false, true)
        from bom in FsCheck.Fluent.Gen.Elements(false, false, false, true)
        from otherSpelling in FsCheck.Fluent.Gen.Elements(false, false, true)
        select new RatingsFile(release, lines, crlf, noFinalNewline, bom, otherSpelling);

    public static Arbitrary<RatingsFile> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>
    /// Simpler files: fewer lines (none, half, one fewer); an older release (ratings rounded up to whole stars where it
    /// needs them); the plain spelling (LF, a final newline, no byte order mark, the release's own star spelling);
    /// then ids renamed or one line simpler (see <see cref="RatingLines.Simpler"/>).
    /// </summary>
    public static IEnumerable<RatingsFile> Shrink(RatingsFile file)
    {
        foreach (var lines in RatingLines.Shorter(file.Lines))
        {
            yield return file with { Lines = lines };
        }

        foreach (var release in Shrinkable.TowardFirst(file.Release, Releases))
        {
            yield return file with
            {
                Release = release,
                Lines = HasHalfStars(release) ? file.Lines : [.. file.Lines.Select(l => l with { Rating = MathF.Ceiling(l.Rating) })],
            };
        }

        if (file.Crlf)
        {
            yield return file with { Crlf = false };
        }

        if (file.NoFinalNewline)
        {
            yield return file with { NoFinalNewline = false };
        }

        if (file.Bom)
        {
            yield return file with { Bom = false };
        }

        if (file.OtherStarSpelling)
        {
            yield return file with { OtherStarSpelling = false };
        }

        foreach (var lines in RatingLines.Simpler(file.Lines, HasHalfStars(file.Release)))
        {
            yield return file with { Lines = lines };
        }
    }

    /// <summary>A measure that every shrink step strictly decreases.</summary>
    /// <remarks>An older release rounds half stars up, which adds at most 2 per line; a release step outweighs that.</remarks>
    public static Int128 Size(RatingsFile file) =>
        (Array.IndexOf(Releases, file.Release) * (1 + (4 * file.Lines.Length)))
        + (file.Crlf ? 1 : 0) + (file.NoFinalNewline ? 1 : 0) + (file.Bom ? 1 : 0) + (file.OtherStarSpelling ? 1 : 0)
        + RatingLines.Size(file.Lines);

    /// <summary>The release and the text with its line breaks and tabs shown, so that a counterexample reads as the file.</summary>
    public override string ToString()
    {
        var shown = Text.Replace("\uFEFF", "\\uFEFF", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
        return $"{Release} \"{shown}\"";
    }
}

/// <summary>Generators and shrinkers of rating lines, shared by <see cref="RatingsFile"/> and <see cref="RatingRows"/>.</summary>
public static class RatingLines
{
    /// <summary>
    /// Up to <paramref name="maxLines"/> lines on the release's star scale. Each file draws its own id range (a handful
    /// of ids, so that pairs repeat; hundreds; ids past the readers' dense lookup table of 2^26; a mix) and timestamp
    /// range (a few, so that times tie; today's; up to 18 digits), and some files are sorted by user as the MovieLens
    /// files are.
    /// </summary>
    public static Gen<RatingLine[]> Any(MovieLensRelease release, int maxLines) =>
        from ids in FsCheck.Fluent.Gen.Elements(IdRanges)
        from maxTimestamp in FsCheck.Fluent.Gen.Elements(0L, 15L, 2_000_000_000L, 999_999_999_999_999_999L)
        from lines in Shrinkable.ArrayOf(Line(release, ids, maxTimestamp), 0, maxLines)
        from sorted in FsCheck.Fluent.Gen.Elements(false, true)
        select sorted ? [.. lines.OrderBy(l => l.User)] : lines;

    /// <summary>Lines with ids from <paramref name="ids"/> and timestamps from 0 to <paramref name="maxTimestamp"/>.</summary>
    public static Gen<RatingLine> Line(MovieLensRelease release, Gen<int> ids, long maxTimestamp) =>
        from user in ids
        from movie in ids
        from rating in RatingsFile.HasHalfStars(release) ? FsCheck.Fluent.Gen.Choose(1, 10).Select(h => h * 0.5f) : FsCheck.Fluent.Gen.Choose(1, 5).Select(s => (float)s)
        from timestamp in Shrinkable.LongBetween(0, maxTimestamp)
        select new RatingLine(user, movie, rating, timestamp);

    private static readonly Gen<int> LargeId = FsCheck.Fluent.Gen.Choose(1 << 26, int.MaxValue);

    private static readonly Gen<int>[] IdRanges =
    [
        FsCheck.Fluent.Gen.Choose(0, 5), FsCheck.Fluent.Gen.Choose(0, 12), FsCheck.Fluent.Gen.Choose(0, 40), FsCheck.Fluent.Gen.Choose(0, 1000),
        FsCheck.Fluent.Gen.Choose(0, 100_000), LargeId, FsCheck.Fluent.Gen.OneOf(FsCheck.Fluent.Gen.Choose(0, 40), LargeId),
    ];

    /// <summary>
    /// Simpler lines: fewer of them (none, half, one fewer); a user or movie id renamed to a smaller one in every line
    /// (so that repeated pairs stay repeated); one line simpler (<see cref="Shrink(RatingLine, bool)"/>).
    /// </summary>
    public static IEnumerable<RatingLine[]> Shrink(RatingLine[] lines, bool halfStars) => Shorter(lines).Concat(Simpler(lines, halfStars));

    /// <summary>No lines, either half of them, one line fewer.</summary>
    public static IEnumerable<RatingLine[]> Shorter(RatingLine[] lines) => Shrinkable.ShrinkArray(lines, _ => []);

    /// <summary>As many lines, with an id renamed to a smaller one everywhere or one line simpler.</summary>
    public static IEnumerable<RatingLine[]> Simpler(RatingLine[] lines, bool halfStars)
    {
        foreach (var user in lines.Select(l => l.User).Distinct().Order())
        {
            foreach (var smaller in Shrinkable.Toward(user, 0))
            {
                yield return [.. lines.Select(l => l.User == user ? l with { User = smaller } : l)];
            }
        }

        foreach (var movie in lines.Select(l => l.Movie).Distinct().Order())
        {
            foreach (var smaller in Shrinkable.Toward(movie, 0))
            {
                yield return [.. lines.Select(l => l.Movie == movie ? l with { Movie = smaller } : l)];
            }
        }

        foreach (var simpler in Shrinkable.ShrinkArray(lines, l => Shrink(l, halfStars), minLength: lines.Length))
        {
            yield return simpler;
        }
    }

    /// <summary>
    /// The line with its user or movie id nearer 0, its rating nearer 1 star (1 star, a whole star nearer, a half
    /// star nearer where the scale has them), or its timestamp nearer 0.
    /// </summary>
    public static IEnumerable<RatingLine> Shrink(RatingLine line, bool halfStars)
    {
        foreach (var user in Shrinkable.Toward(line.User, 0))
        {
            yield return line with { User = user };
        }

        foreach (var movie in Shrinkable.Toward(line.Movie, 0))
        {
            yield return line with { Movie = movie };
        }

        var distance = Math.Abs(line.Rating - 1f);
        float[] ratings = [1f, line.Rating - MathF.Sign(line.Rating - 1f), line.Rating - (0.5f * MathF.Sign(line.Rating - 1f))];
        foreach (var rating in ratings.Distinct().Where(r => Math.Abs(r - 1f) < distance && (halfStars || r % 1 == 0)))
        {
            yield return line with { Rating = rating };
        }

        foreach (var timestamp in Shrinkable.Toward(line.Timestamp, 0L))
        {
            yield return line with { Timestamp = timestamp };
        }
    }

    /// <summary>
    /// A measure that every line shrink strictly decreases: the count and every field's distance from the simplest
    /// (in quarter stars, and as an <see cref="Int128"/>, exact for timestamps of 18 digits).
    /// </summary>
    public static Int128 Size(RatingLine[] lines)
    {
        Int128 size = lines.Length;
        foreach (var line in lines)
        {
            size += (Int128)line.User + line.Movie + (int)(4 * MathF.Abs(line.Rating - 1f)) + line.Timestamp;
        }

        return size;
    }

    public static RatingsTable ToTable(RatingLine[] lines) =>
        new([.. lines.Select(l => l.User)], [.. lines.Select(l => l.Movie)], [.. lines.Select(l => l.Rating)], [.. lines.Select(l => l.Timestamp)]);
}

/// <summary>
/// A ratings table as lines of small ids and timestamps (repeated pairs and tied times are common), whole stars
/// 1 to 5. For properties of what is built from a table, where the file layout does not matter.
/// </summary>
public sealed record RatingRows(RatingLine[] Lines)
{
    public static Gen<RatingRows> Gen { get; } =
        from lines in Shrinkable.ArrayOf(RatingLines.Line(MovieLensRelease.Ml1m, FsCheck.Fluent.Gen.Choose(0, 14), 14), 0, 100)
        select new RatingRows(lines);

    public static Arbitrary<RatingRows> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<RatingRows> Shrink(RatingRows rows) =>
        RatingLines.Shrink(rows.Lines, halfStars: false).Select(lines => new RatingRows(lines));

    public RatingsTable ToTable() => RatingLines.ToTable(Lines);

    public override string ToString() => $"[{string.Join(", ", Lines)}]";
}

/// <summary>The arbitraries a <c>[Property(Arbitrary = [typeof(MovieLensArbitraries)])]</c> draws its parameters from.</summary>
public static class MovieLensArbitraries
{
    public static Arbitrary<RatingsFile> RatingsFile() => Generators.RatingsFile.Arb;

    public static Arbitrary<RatingRows> RatingRows() => Generators.RatingRows.Arb;

    public static Arbitrary<MovieTitles> MovieTitles() => Generators.MovieTitles.Arb;

    /// <summary>Thresholds, values and duplicate handlings worth telling apart, shrinking toward the defaults.</summary>
    public static Arbitrary<Options> InteractionOptions() => Shrinkable.Element(
        Options.Default,
        new Options { MinRating = 0f },
        new Options { MinRating = 4.5f, Value = InteractionValue.Binary },
        new Options { MinRating = 1f, Duplicates = DuplicateHandling.Throw },
        new Options { MinRating = 5f, Duplicates = DuplicateHandling.Max },
        new Options { Value = InteractionValue.LogRating, Duplicates = DuplicateHandling.Max });
}
