using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

public sealed partial class SyntheticMovieLens
{
    private static readonly int[] s_ml1mAgeGroups = [1, 18, 25, 35, 45, 50, 56];
    private static readonly byte[] s_ml1mSeparator = "::"u8.ToArray();
    private static readonly byte[] s_csvSeparator = ","u8.ToArray();
    private static readonly byte[] s_csvRatingsHeader = "userId,movieId,rating,timestamp\n"u8.ToArray();

    /// <summary>
    /// Writes the data set in the ml-1m format: <c>ratings.dat</c> (<c>UserID::MovieID::Rating::Timestamp</c>),
    /// <c>movies.dat</c> (<c>MovieID::Title::Genre|Genre</c>) and <c>users.dat</c>
    /// (<c>UserID::Gender::Age::Occupation::Zip-code</c>), ISO-8859-1, <c>\n</c> line ends. Half-star ratings are
    /// written as <c>3.5</c>, as ml-10m does; <see cref="MovieLensReader.DetectRelease"/> and
    /// <see cref="MovieLensReader.DetectRatingsFileRelease"/> see them and read such files on ml-10m's half-star scale.
    /// </summary>
    /// <param name="directory">The folder to write into; created when absent. Existing files of these names are replaced, all together; other files are left alone.</param>
    /// <param name="cancellationToken">Cancels the writing: every file is left as it was, and a folder this call created is removed again.</param>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    /// <exception cref="IOException">A file cannot be written or renamed, or its path is a folder, a FIFO, a socket or a device; the message names the file (the files are as they were).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or a file is not writable; the message names the file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>Streams through a 64 KiB buffer without per-line allocation; about 25 bytes a rating. Each file is
    /// written to a temporary file beside it and flushed to the disk; only when all are written are they renamed over
    /// the files they replace, so a failure or cancellation never leaves a partial file, nor some files new and
    /// others old. A symbolic link is followed and kept.</remarks>
    public void WriteMl1mFiles(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        WriteAll(directory,
        [
            RatingsFile(Path.Combine(directory, "ratings.dat"), s_ml1mSeparator, [], csv: false, cancellationToken),
            new(Path.Combine(directory, "movies.dat"), "the movies", WriteMl1mMovies),
            new(Path.Combine(directory, "users.dat"), "the users", WriteMl1mUsers),
        ], cancellationToken);
    }

    /// <summary>
    /// Writes the data set in the ml-20m/ml-25m CSV format: <c>ratings.csv</c>
    /// (<c>userId,movieId,rating,timestamp</c>, ratings like <c>4.0</c>) and <c>movies.csv</c>
    /// (<c>movieId,title,genres</c>, titles quoted when they hold a comma or a quote), UTF-8 without a byte order
    /// mark, with header lines and <c>\n</c> line ends.
    /// </summary>
    /// <param name="directory">The folder to write into; created when absent. Existing files of these names are replaced, all together; other files are left alone.</param>
    /// <param name="cancellationToken">Cancels the writing: every file is left as it was, and a folder this call created is removed again.</param>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    /// <exception cref="IOException">A file cannot be written or renamed, or its path is a folder, a FIFO, a socket or a device; the message names the file (the files are as they were).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or a file is not writable; the message names the file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>Streams through a 64 KiB buffer without per-line allocation. Each file is written to a temporary file
    /// beside it and flushed to the disk; only when all are written are they renamed over the files they replace, so a
    /// failure or cancellation never leaves a partial file, nor some files new and others old. A symbolic link is
    /// followed and kept.</remarks>
    public void WriteCsvFiles(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        WriteAll(directory,
        [
            RatingsFile(Path.Combine(directory, "ratings.csv"), s_csvSeparator, s_csvRatingsHeader, csv: true, cancellationToken),
            new(Path.Combine(directory, "movies.csv"), "the movies", WriteCsvMovies),
        ], cancellationToken);
    }

    /// <summary>Writes <paramref name="files"/> into <paramref name="directory"/> as one set; a folder created here is
    /// removed again (when still empty) if the set is not written.</summary>
    private static void WriteAll(string directory, AtomicFile[] files, CancellationToken cancellationToken)
    {
        var created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        try
        {
            AtomicFileWriter.WriteAll(files, cancellationToken);
        }
        catch when (created)
        {
            FileCleanup.TryDeleteEmptyDirectory(directory);
            throw;
        }
    }

    private void WriteMl1mMovies(Stream stream)
    {
        using var writer = new StreamWriter(stream, Encoding.Latin1, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var movie in _movies)
        {
            writer.Write(movie.Id.ToString(CultureInfo.InvariantCulture));
            writer.Write("::");
            writer.Write(movie.Title);
            writer.Write("::");
            writer.WriteLine(string.Join('|', movie.Genres));
        }
    }

    private void WriteMl1mUsers(Stream stream)
    {
        using var writer = new StreamWriter(stream, Encoding.Latin1, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        for (var u = 0; u < _userGender.Length; u++)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{u + 1}::{(char)_userGender[u]}::{s_ml1mAgeGroups[_userAge[u]]}::{_userOccupation[u]}::{_userZip[u]:D5}"));
        }
    }

    private void WriteCsvMovies(Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("movieId,title,genres");
        foreach (var movie in _movies)
        {
            writer.Write(movie.Id.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            var title = movie.Title;
            if (title.Contains(',', StringComparison.Ordinal) || title.Contains('"', StringComparison.Ordinal))
            {
                title = "\"" + title.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            }

            writer.Write(title);
            writer.Write(',');
            writer.WriteLine(movie.Genres.Count == 0 ? "(no genres listed)" : string.Join('|', movie.Genres));
        }
    }

    private AtomicFile RatingsFile(string path, byte[] separator, byte[] header, bool csv, CancellationToken cancellationToken) =>
        new(path, "the ratings", stream => WriteRatings(stream, separator, header, csv, cancellationToken));

    private void WriteRatings(Stream stream, ReadOnlySpan<byte> separator, ReadOnlySpan<byte> header, bool csv, CancellationToken cancellationToken)
    {
        const int BufferSize = 1 << 16;
        var buffer = new byte[BufferSize];
        var used = 0;
        header.CopyTo(buffer);
        used += header.Length;

        var users = Ratings.UserIds;
        var movies = Ratings.MovieIds;
        var ratings = Ratings.Ratings;
        var timestamps = Ratings.Timestamps;
        for (var i = 0; i < users.Length; i++)
        {
            if (used > BufferSize - 96)
            {
                stream.Write(buffer, 0, used);
                used = 0;
                cancellationToken.ThrowIfCancellationRequested();
            }

            var span = buffer.AsSpan(used);
            Utf8Formatter.TryFormat(users[i], span, out var written);
            var at = written;
            separator.CopyTo(span[at..]);
            at += separator.Length;
            Utf8Formatter.TryFormat(movies[i], span[at..], out written);
            at += written;
            separator.CopyTo(span[at..]);
            at += separator.Length;
            at += FormatRating(ratings[i], span[at..], csv);
            separator.CopyTo(span[at..]);
            at += separator.Length;
            Utf8Formatter.TryFormat(timestamps[i], span[at..], out written);
            at += written;
            span[at++] = (byte)'\n';
            used += at;
        }

        stream.Write(buffer, 0, used);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Writes 0.5..5 as <c>5</c>/<c>3.5</c> (ml-1m and ml-10m) or <c>5.0</c>/<c>3.5</c> (CSV).</summary>
    private static int FormatRating(float rating, Span<byte> destination, bool csv)
    {
        var halves = (int)MathF.Round(rating * 2);
        var whole = halves / 2;
        Utf8Formatter.TryFormat(whole, destination, out var written);
        if ((halves & 1) != 0)
        {
            destination[written++] = (byte)'.';
            destination[written++] = (byte)'5';
        }
        else if (csv)
        {
            destination[written++] = (byte)'.';
            destination[written++] = (byte)'0';
        }

        return written;
    }
}
