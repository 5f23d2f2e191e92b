using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.MovieLens;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// MovieLens text files generated afresh for each case in every layout the readers know (ml-100k <c>u.item</c> and
/// <c>u.user</c>, ml-1m and ml-10m <c>.dat</c> files, the CSV files), then damaged by <see cref="FileCorruptionGen"/>
/// (cut, bits flipped, bytes inserted — separators, quotes, line breaks, a byte order mark, NUL, bytes that are not
/// UTF-8, huge numbers — bytes deleted or overwritten, the whole file replaced). Beyond
/// <see cref="CorruptedDataFileProperties"/> (fixed samples): the ratings table and the stream must agree, a read file
/// gives no more records than lines, and an error names the file, a line that exists, a reason and the line's text.
/// </summary>
public partial class MovieLensFileDamageProperties
{
    private const string FileName = "damaged.txt";

    private static readonly MovieLensRelease[] RatingsLayouts = [MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.Ml25m];

    private static readonly byte[][] Tokens =
    [
        "\t"u8.ToArray(), "::"u8.ToArray(), ":"u8.ToArray(), ","u8.ToArray(), "|"u8.ToArray(), "\""u8.ToArray(), "\"\""u8.ToArray(),
        "\r"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), [0xEF, 0xBB, 0xBF], [0x00], [0xFF], [0xC3], [0xE9],
        "-"u8.ToArray(), "."u8.ToArray(), "e9"u8.ToArray(), " "u8.ToArray(), "2147483648"u8.ToArray(), "99999999999999999999"u8.ToArray(),
    ];

    [Property(MaxTest = 100)]
    public Property Ratings_DamagedFile_ReadsOrNamesFileAndLine() =>
        Prop.ForAll(Arb.From(Damaged(RatingsFile())), damaged =>
        {
            var (release, bytes) = (damaged.Release, damaged.Bytes);
            var table = Read(bytes, () => MovieLensReader.ReadRatings(new MemoryStream(bytes), release, FileName));
            var streamed = Read(bytes, () =>
            {
                using var reader = new RatingsReader(new ForwardOnlyStream(new MemoryStream(bytes)), release, FileName);
                var count = 0;
                while (reader.TryRead(out _))
                {
                    count++;
                }

                return count;
            });
            return (table.Ok && streamed.Ok
                    ? table.Value!.Count == streamed.Value && streamed.Value <= LineCount(bytes)
                    : table.Error == streamed.Error)
                .Label($"{release} {damaged.Corruption}: table {table}, streamed {streamed}");
        });

    [Property(MaxTest = 100)]
    public Property Movies_DamagedFile_ReadsOrNamesFileAndLine() =>
        Prop.ForAll(Arb.From(Damaged(MoviesFile())), damaged =>
        {
            var bytes = damaged.Bytes;
            var movies = Read(bytes, () => MovieLensReader.ReadMovies(new MemoryStream(bytes), damaged.Release, FileName));
            return (!movies.Ok || movies.Value!.Count <= LineCount(bytes)).Label($"{damaged.Release} {damaged.Corruption}: {movies}");
        });

    [Property(MaxTest = 100)]
    public Property UsersTagsLinks_DamagedFile_ReadsOrNamesFileAndLine() =>
        Prop.ForAll(Arb.From(Damaged(UsersTagsLinksFile())), damaged =>
        {
            var bytes = damaged.Bytes;
            var result = Read(bytes, () => damaged.Kind switch
            {
                "users" => MovieLensReader.ReadUsers(new MemoryStream(bytes), damaged.Release, FileName).Count,
                "tags" => MovieLensReader.ReadTags(new MemoryStream(bytes), damaged.Release, FileName).Count,
                _ => MovieLensReader.ReadLinks(new MemoryStream(bytes), FileName).Count,
            });
            return (!result.Ok || result.Value <= LineCount(bytes)).Label($"{damaged.Kind} {damaged.Release} {damaged.Corruption}: {result}");
        });

    /// <summary>
    /// Any bytes at all in a rejected line (the first field starts with <c>x</c>, so the line is always an error):
    /// every reader's message keeps the documented shape and shows no control character raw, whichever bytes and
    /// whichever encoding the line decodes in.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property AnyBytesInABadLine_MessageHasNoControlCharacter() =>
        Prop.ForAll(
            (from reader in Gen.Elements(BadLineReaders)
             from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
             select (reader.Name, reader.Header, reader.Read, Bytes: bytes)).ToArbitrary(),
            c =>
            {
                byte[] file = [.. Encoding.ASCII.GetBytes(c.Header), (byte)'x', .. c.Bytes, (byte)'\n'];
                var outcome = Read(file, () => c.Read(new MemoryStream(file)));
                return (!outcome.Ok).Label($"{c.Name} \"{Encoding.Latin1.GetString(file)}\" was read");
            });

    /// <summary>The generated files themselves are valid: every kind reads whole, so the damage is what the other properties test.</summary>
    [Property(MaxTest = 50)]
    public Property GeneratedFiles_Undamaged_ReadWhole() =>
        Prop.ForAll(Arb.From(Gen.OneOf(RatingsFile(), MoviesFile(), UsersTagsLinksFile())), file =>
        {
            var (kind, release, bytes) = file;
            var expected = Encoding.Latin1.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length
                - (kind == "links" || (release >= MovieLensRelease.Ml20m && kind is "ratings" or "movies" or "tags") ? 1 : 0);
            var count = kind switch
            {
                "ratings" => MovieLensReader.ReadRatings(new MemoryStream(bytes), release, FileName).Count,
                "movies" => MovieLensReader.ReadMovies(new MemoryStream(bytes), release, FileName).Count,
                "users" => MovieLensReader.ReadUsers(new MemoryStream(bytes), release, FileName).Count,
                "tags" => MovieLensReader.ReadTags(new MemoryStream(bytes), release, FileName).Count,
                _ => MovieLensReader.ReadLinks(new MemoryStream(bytes), FileName).Count,
            };
            return (count == Math.Max(0, expected)).Label($"{kind} {release}: {count} records, {expected} expected");
        });

    /// <summary>Every reader and layout, with the header its files start with.</summary>
    private static readonly (string Name, string Header, Func<Stream, int> Read)[] BadLineReaders =
    [
        ("u.data", "", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml100k, FileName).Count),
        ("ratings.dat ml-1m", "", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml1m, FileName).Count),
        ("ratings.dat ml-10m streamed", "", s => CountStreamed(s, MovieLensRelease.Ml10m)),
        ("ratings.csv", "userId,movieId,rating,timestamp\n", s => MovieLensReader.ReadRatings(s, MovieLensRelease.Ml25m, FileName).Count),
        ("ratings.csv streamed", "userId,movieId,rating,timestamp\n", s => CountStreamed(s, MovieLensRelease.Ml25m)),
        ("u.item", "", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml100k, FileName).Count),
        ("movies.dat ml-1m", "", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml1m, FileName).Count),
        ("movies.dat ml-10m", "", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml10m, FileName).Count),
        ("movies.csv", "movieId,title,genres\n", s => MovieLensReader.ReadMovies(s, MovieLensRelease.Ml25m, FileName).Count),
        ("u.user", "", s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml100k, FileName).Count),
        ("users.dat", "", s => MovieLensReader.ReadUsers(s, MovieLensRelease.Ml1m, FileName).Count),
        ("tags.dat", "", s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml10m, FileName).Count),
        ("tags.csv", "userId,movieId,tag,timestamp\n", s => MovieLensReader.ReadTags(s, MovieLensRelease.Ml25m, FileName).Count),
        ("links.csv", "movieId,imdbId,tmdbId\n", s => MovieLensReader.ReadLinks(s, FileName).Count),
    ];

    /// <summary>A file of the given kind and layout after one or more corruptions.</summary>
    internal sealed record DamagedFile(string Kind, MovieLensRelease Release, FileCorruption Corruption, byte[] Bytes)
    {
        public override string ToString() => $"{Kind} {Release} {Corruption} -> \"{Encoding.Latin1.GetString(Bytes)}\"";
    }

    /// <summary>The outcome of a read: a value, or the message of the documented exception.</summary>
    private sealed record Outcome<T>(bool Ok, T? Value, string? Error)
    {
        public override string ToString() => Ok ? $"read {Value}" : $"rejected: {Error}";
    }

    private static Gen<DamagedFile> Damaged(Gen<(string Kind, MovieLensRelease Release, byte[] Bytes)> files) =>
        from file in files
        from corruption in FileCorruptionGen.Any(Tokens)
        select new DamagedFile(file.Kind, file.Release, corruption, corruption.Apply(file.Bytes));

    /// <summary>
    /// Runs a read; any exception other than <see cref="InvalidDataException"/> escapes and fails the property, and so
    /// does one whose message does not name the file, a line of it, a reason and the line's text.
    /// </summary>
    private static Outcome<T> Read<T>(byte[] bytes, Func<T> read)
    {
        try
        {
            return new Outcome<T>(true, read(), null);
        }
        catch (InvalidDataException e)
        {
            var match = ErrorMessage().Match(e.Message);
            Assert.True(match.Success, $"The message does not name file, line, reason and text: {e.Message}");
            MovieLensReaderTests.AssertNoControlCharacters(e.Message, FileName);
            var line = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(line, 1, LineCount(bytes) + 1);
            return new Outcome<T>(false, default, e.Message);
        }
    }

    private static int CountStreamed(Stream stream, MovieLensRelease release)
    {
        using var reader = new RatingsReader(new ForwardOnlyStream(stream), release, FileName);
        var count = 0;
        while (reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }

    private static int LineCount(byte[] bytes) => bytes.AsSpan().Count((byte)'\n') + 1;

    private static Gen<(string, MovieLensRelease, byte[])> RatingsFile() =>
        from release in Gen.Elements(RatingsLayouts)
        from rows in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(RatingRow(release >= MovieLensRelease.Ml10m), n))
        from crlf in Gen.Elements(false, true)
        select ("ratings", release, Encoding.UTF8.GetBytes(ReaderTestFormats.Format(release, rows, crlf ? "\r\n" : "\n")));

    private static Gen<(int, int, float, long)> RatingRow(bool halfStars) =>
        from user in Gen.Choose(0, int.MaxValue)
        from movie in Gen.Choose(0, 200_000)
        from stars in halfStars ? Gen.Choose(1, 10).Select(h => h / 2f) : Gen.Choose(1, 5).Select(s => (float)s)
        from timestamp in Gen.Choose(0, int.MaxValue)
        select (user, movie, stars, (long)timestamp);

    private static Gen<(string, MovieLensRelease, byte[])> MoviesFile() =>
        from release in Gen.Elements(MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.MlLatestSmall)
        from titles in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Elements("Film (1999)", "Caf\u00e9, The (2001)", "\"Quoted\" Story", "No Year"), n))
        select ("movies", release, Encode(release, MoviesText(release, titles)));

    private static string MoviesText(MovieLensRelease release, string[] titles)
    {
        var text = new StringBuilder(release >= MovieLensRelease.Ml20m ? "movieId,title,genres\n" : "");
        for (var i = 0; i < titles.Length; i++)
        {
            var line = release switch
            {
                MovieLensRelease.Ml100k => $"{i + 1}|{titles[i]}|01-Jan-1999||http://example.invalid/{i}|" + string.Join("|", Enumerable.Range(0, 19).Select(g => (g + i) % 3 == 0 ? "1" : "0")),
                MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => $"{i + 1}::{titles[i]}::Comedy|Drama",
                _ => $"{i + 1},\"{titles[i].Replace("\"", "\"\"", StringComparison.Ordinal)}\",(no genres listed)",
            };
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static Gen<(string, MovieLensRelease, byte[])> UsersTagsLinksFile() =>
        from kind in Gen.Elements("users", "tags", "links")
        from release in kind switch
        {
            "users" => Gen.Elements(MovieLensRelease.Ml100k, MovieLensRelease.Ml1m),
            "tags" => Gen.Elements(MovieLensRelease.Ml10m, MovieLensRelease.Ml25m),
            _ => Gen.Constant(MovieLensRelease.Ml25m),
        }
        from count in Gen.Choose(0, 5)
        select (kind, release, Encode(release, UsersTagsLinksText(kind, release, count)));

    private static string UsersTagsLinksText(string kind, MovieLensRelease release, int count)
    {
        var text = new StringBuilder(kind switch
        {
            "tags" when release >= MovieLensRelease.Ml20m => "userId,movieId,tag,timestamp\n",
            "links" => "movieId,imdbId,tmdbId\n",
            _ => "",
        });
        for (var i = 1; i <= count; i++)
        {
            var line = (kind, release) switch
            {
                ("users", MovieLensRelease.Ml100k) => $"{i}|{20 + i}|{(i % 2 == 0 ? "F" : "M")}|writer|{10000 + i}",
                ("users", _) => $"{i}::{(i % 2 == 0 ? "F" : "M")}::25::{i % 21}::{10000 + i}",
                ("tags", MovieLensRelease.Ml10m) => $"{i}::{i * 7}::tag::with colons {i}::{1_200_000_000 + i}",
                ("tags", _) => $"{i},{i * 7},\"funny, \"\"odd\"\"\",{1_400_000_000 + i}",
                _ => $"{i},{i:D7},{(i % 2 == 0 ? "" : (i * 11).ToString(CultureInfo.InvariantCulture))}",
            };
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>ml-100k and ml-1m files are Latin-1, the later releases UTF-8.</summary>
    private static byte[] Encode(MovieLensRelease release, string text) =>
        (release <= MovieLensRelease.Ml1m ? Encoding.Latin1 : Encoding.UTF8).GetBytes(text);

    [GeneratedRegex("""\Adamaged\.txt, line ([1-9][0-9]*): .+\. Line text: ".*"\z""", RegexOptions.Singleline)]
    private static partial Regex ErrorMessage();
}
