using System.Globalization;
using System.Text;
using MovieRecs.MovieLens;

namespace MovieRecs.Fuzz;

/// <summary>
/// Ratings files in every layout (ml-100k tabs, ml-1m whole stars and ml-10m half stars with <c>::</c>, CSV): the bytes
/// are read as a table (<see cref="MovieLensReader.ReadRatings(Stream, MovieLensRelease, string, IProgress{long}?, CancellationToken)"/>)
/// and streamed (<see cref="RatingsReader.TryRead"/>). Both must fail alike with the documented message, or both
/// give the same ratings, one per non-blank line, each what a plain reading of its line gives.
/// </summary>
internal static class RatingsTarget
{
    private static readonly MovieLensRelease[] Releases =
        [MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.Ml20m];

    public static void Run(byte[] input)
    {
        foreach (var release in Releases)
        {
            var table = Documented.TextFile(() => ReadTable(input, release), out var tableError);
            var streamed = Documented.TextFile(() => ReadStreamed(input, release), out var streamError);
            if ((table is null) != (streamed is null))
            {
                throw new FuzzFindingException($"{release}: the table {(table is null ? "failed" : "succeeded")} but streaming did not");
            }

            if (table is null || streamed is null)
            {
                CheckSameError(release, tableError!.Message, streamError!.Message);
                continue;
            }

            if (!table.SequenceEqual(streamed))
            {
                throw new FuzzFindingException($"{release}: the table and the stream hold different ratings");
            }

            CheckAgainstLines(input, release, table);
        }
    }

    private static Rating[] ReadTable(byte[] input, MovieLensRelease release)
    {
        var table = MovieLensReader.ReadRatings(new MemoryStream(input), release, Documented.TextFileName);
        var ratings = new Rating[table.Count];
        for (var i = 0; i < ratings.Length; i++)
        {
            ratings[i] = new Rating(table.UserIds[i], table.MovieIds[i], table.Ratings[i], table.Timestamps[i]);
        }

        return ratings;
    }

    private static Rating[] ReadStreamed(byte[] input, MovieLensRelease release)
    {
        using var reader = new RatingsReader(new ForwardOnlyStream(input, 1 + (input.Length % 13)), release, Documented.TextFileName);
        var ratings = new List<Rating>();
        while (reader.TryRead(out var rating))
        {
            ratings.Add(rating);
        }

        return [.. ratings];
    }

    /// <summary>Both paths stop at the same line for the same reason; the fast path never rejects a line its reference accepts.</summary>
    private static void CheckSameError(MovieLensRelease release, string tableError, string streamError)
    {
        if (tableError != streamError)
        {
            throw new FuzzFindingException($"{release}: different errors:\n  table:  {tableError}\n  stream: {streamError}");
        }

        if (tableError.Contains(": malformed ratings line", StringComparison.Ordinal))
        {
            throw new FuzzFindingException($"{release}: the fast path rejected a line the reference parser accepts: {tableError}");
        }
    }

    /// <summary>One rating per non-blank line (after the CSV header), each equal to a plain split-and-parse of its line.</summary>
    private static void CheckAgainstLines(byte[] input, MovieLensRelease release, Rating[] ratings)
    {
        var text = input.AsSpan();
        if (text.StartsWith(Encoding.UTF8.Preamble))
        {
            text = text[3..];
        }

        var separator = release switch
        {
            MovieLensRelease.Ml100k => "\t",
            MovieLensRelease.Ml1m or MovieLensRelease.Ml10m => "::",
            _ => ",",
        };
        var halfStars = release >= MovieLensRelease.Ml10m;
        var headerPending = release >= MovieLensRelease.Ml20m;
        var next = 0;
        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var newline = text.IndexOf((byte)'\n');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            if (headerPending)
            {
                headerPending = false;
                continue;
            }

            if (next == ratings.Length)
            {
                throw new FuzzFindingException($"{release}: line {lineNumber} gave no rating");
            }

            var expected = PlainParse(Encoding.Latin1.GetString(line), separator, halfStars);
            var actual = ratings[next++];
            if (expected is null || !Same(expected.Value, actual, halfStars))
            {
                throw new FuzzFindingException($"{release}: line {lineNumber} \"{Encoding.Latin1.GetString(line)}\" gave {actual}; a plain reading gives {expected?.ToString() ?? "an error"}");
            }
        }

        if (next != ratings.Length)
        {
            throw new FuzzFindingException($"{release}: {ratings.Length} ratings from {next} non-blank lines");
        }
    }

    private static bool Same(Rating expected, Rating actual, bool halfStars) =>
        expected.UserId == actual.UserId && expected.MovieId == actual.MovieId && expected.Timestamp == actual.Timestamp
        && (float.IsNaN(expected.Value) ? IsOnScale(actual.Value, halfStars) : expected.Value == actual.Value);

    /// <summary>The documented rules, read plainly: 4 fields, digit-only ids up to int.MaxValue, a timestamp of at most
    /// 18 digits, a rating on the release's scale. A rating spelled in a way <see cref="float.TryParse(string, NumberStyles, IFormatProvider, out float)"/>
    /// does not take is returned as NaN (then only its scale is checked).</summary>
    private static Rating? PlainParse(string line, string separator, bool halfStars)
    {
        var fields = line.Split(separator);
        if (fields.Length != 4
            || !TryId(fields[0], out var user)
            || !TryId(fields[1], out var movie)
            || fields[3].Length is 0 or > 18
            || !fields[3].All(char.IsAsciiDigit))
        {
            return null;
        }

        var timestamp = long.Parse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture);
        var rating = float.NaN;
        if (float.TryParse(fields[2], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            if (!IsOnScale(value, halfStars))
            {
                return null;
            }

            rating = value;
        }

        return new Rating(user, movie, rating, timestamp);
    }

    private static bool IsOnScale(float value, bool halfStars) =>
        halfStars
            ? value is >= 0.5f and <= 5f && value * 2 == MathF.Round(value * 2)
            : value is >= 1f and <= 5f && value == MathF.Round(value);

    private static bool TryId(string field, out int id)
    {
        id = 0;
        return field.Length > 0 && field.All(char.IsAsciiDigit) && int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
