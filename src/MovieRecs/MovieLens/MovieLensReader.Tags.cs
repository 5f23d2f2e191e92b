namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    /// <summary>Reads the tags file of ml-10m (<c>tags.dat</c>) or a CSV release (<c>tags.csv</c>).</summary>
    /// <param name="path">The tags file.</param>
    /// <param name="release">ml-10m or a CSV release.</param>
    /// <param name="cancellationToken">Checked every 65,536 tags.</param>
    /// <returns>The tags in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="release"/> has no tags (ml-100k, ml-1m).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (see <see cref="ReadTags(Stream, MovieLensRelease, string, CancellationToken)"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static IReadOnlyList<MovieTag> ReadTags(string path, MovieLensRelease release, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateHasTags(release);
        using var stream = MovieLensFile.OpenSequential(path);
        return ReadTags(stream, release, path, cancellationToken);
    }

    /// <summary>Reads tags from <paramref name="stream"/> in the layout of <paramref name="release"/>.</summary>
    /// <param name="stream">A readable stream of the tags file's bytes; left open.</param>
    /// <param name="release">ml-10m or a CSV release.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <param name="cancellationToken">Checked every 65,536 tags.</param>
    /// <returns>The tags in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="release"/> has no tags (ml-100k, ml-1m).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="InvalidDataException">
    /// A line is malformed: too few fields, a bad id or timestamp, a quoted field never closed, or a missing CSV
    /// header <c>userId,movieId,tag,timestamp</c>.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// ml-10m: <c>user::movie::tag::timestamp</c>; a tag that itself contains <c>::</c> is kept whole (the first two
    /// and the last field are the ids and the timestamp). CSV: <c>userId,movieId,tag,timestamp</c> with RFC 4180
    /// quoting (commas, doubled quotes and line breaks inside quotes). Text is UTF-8 with a Latin-1 fallback per line.
    /// Blank lines are skipped; an empty file or a header-only CSV gives no tags.
    /// </remarks>
    public static IReadOnlyList<MovieTag> ReadTags(Stream stream, MovieLensRelease release, string displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        ValidateHasTags(release);
        var csv = ReleaseFormat.IsCsv(release);
        using var reader = new DelimitedRecordReader(stream, displayName, csv ? FieldSeparator.Csv : FieldSeparator.DoubleColon, ReleaseFormat.Decoding(release), leaveOpen: true);
        var tags = new List<MovieTag>();
        if (csv && !reader.ReadHeader("userId,movieId,tag,timestamp"))
        {
            return tags;
        }

        while (reader.ReadRecord())
        {
            if ((tags.Count & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            string text;
            if (csv)
            {
                reader.ExpectFieldCount(4, "userId,movieId,tag,timestamp");
                text = reader.FieldString(2);
            }
            else
            {
                if (reader.FieldCount < 4)
                {
                    reader.ExpectFieldCount(4, "user::movie::tag::timestamp");
                }

                // Everything between the movie id and the timestamp is the tag, "::" included.
                var record = reader.Record;
                var start = IndexOfNth(record, "::"u8, 2) + 2;
                var end = record.LastIndexOf("::"u8);
                text = reader.Decode(record[start..end]);
            }

            var last = reader.FieldCount - 1;
            tags.Add(new MovieTag(reader.FieldId(0, "user id"), reader.FieldId(1, "movie id"), text, reader.FieldTimestamp(last)));
        }

        return tags;
    }

    private static int IndexOfNth(ReadOnlySpan<byte> text, ReadOnlySpan<byte> value, int n)
    {
        var at = -value.Length;
        for (var i = 0; i < n; i++)
        {
            var next = text[(at + value.Length)..].IndexOf(value);
            at += value.Length + next;
        }

        return at;
    }

    private static void ValidateHasTags(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        if (ReleaseFormat.TagsFileName(release) is null)
        {
            throw new ArgumentException($"release is {release}, which has no tags file; ml-10m and the CSV releases have one.", nameof(release));
        }
    }
}
