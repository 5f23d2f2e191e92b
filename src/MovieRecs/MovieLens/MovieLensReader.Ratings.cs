using System.Buffers;

namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    /// <summary>Reads a whole ratings file into a columnar <see cref="RatingsTable"/>.</summary>
    /// <param name="path">The ratings file: <c>u.data</c> (or an ml-100k split such as <c>u1.base</c>), <c>ratings.dat</c> or <c>ratings.csv</c>.</param>
    /// <param name="release">The release the file belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="progress">Receives the total number of bytes read after each 1 MiB block, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each block read.</param>
    /// <returns>The ratings in file order, duplicates included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed; the rules are those of <see cref="RatingsReader"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// One pass over the file in 1 MiB blocks, parsing bytes directly (no string per line), at several hundred MB/s
    /// on one core (see docs/benchmarks.md). The columns are sized from the file length and the line lengths at the
    /// file's start and end; they are trimmed (one copy, peak twice the table) only when that estimate overshoots by
    /// more than an eighth, so usually the table, 20 bytes per rating, is all the memory used. To build an interaction
    /// matrix without holding the table, use <see cref="InteractionMatrix.Read(string, MovieLensRelease, InteractionOptions?, IReadOnlyList{Movie}?, IProgress{long}?, CancellationToken)"/>.
    /// </remarks>
    public static RatingsTable ReadRatings(string path, MovieLensRelease release, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ReleaseFormat.Validate(release, nameof(release));
        using var stream = MovieLensFile.OpenSequential(path);
        return ReadRatings(stream, release, path, progress, cancellationToken);
    }

    /// <summary>Reads ratings from <paramref name="stream"/> (from its current position to its end) into a <see cref="RatingsTable"/>.</summary>
    /// <param name="stream">A readable stream of the ratings file's bytes; left open.</param>
    /// <param name="release">The release the data belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <param name="progress">Receives the total number of bytes read after each 1 MiB block, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each block read.</param>
    /// <returns>The ratings in stream order, duplicates included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="InvalidDataException">A line is malformed; the rules are those of <see cref="RatingsReader"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// When the stream can seek, its remaining length and the line lengths at its start and its end size the columns
    /// up front; otherwise they grow by half as needed. The result is trimmed to the exact count when the columns
    /// overshoot it by more than an eighth.
    /// </remarks>
    public static RatingsTable ReadRatings(Stream stream, MovieLensRelease release, string displayName, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        if (!stream.CanRead)
        {
            throw new ArgumentException($"The stream for {displayName} is not readable.", nameof(stream));
        }

        ReleaseFormat.Validate(release, nameof(release));
        using var parser = new RatingsParser(stream, release, displayName, leaveOpen: true, progress);
        var sink = new ColumnRatingSink(RatingsParser.EstimateSampleRatings);
        if (parser.Parse(ref sink, RatingsParser.EstimateSampleRatings, cancellationToken) == RatingsParser.EstimateSampleRatings)
        {
            sink.EnsureCapacity((int)Math.Min(parser.EstimateTotalRatings(), Array.MaxLength));
        }

        parser.Parse(ref sink, int.MaxValue, cancellationToken);
        return sink.ToTable();
    }

    /// <summary>
    /// The mean length of the complete lines in the last 64 KiB of <paramref name="stream"/> (not before
    /// <paramref name="start"/>), or 0 when there are fewer than two line ends there. The position is restored.
    /// </summary>
    internal static double TailBytesPerLine(Stream stream, long start)
    {
        const int TailBytes = 1 << 16;
        var saved = stream.Position;
        var tailStart = Math.Max(start, stream.Length - TailBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(TailBytes);
        try
        {
            stream.Position = tailStart;
            var tail = buffer.AsSpan(0, stream.ReadAtLeast(buffer.AsSpan(0, TailBytes), TailBytes, throwOnEndOfStream: false));
            var first = tail.IndexOf((byte)'\n');
            var last = tail.LastIndexOf((byte)'\n');
            return first < 0 || last <= first ? 0 : (last - first) / (double)tail[(first + 1)..(last + 1)].Count((byte)'\n');
        }
        finally
        {
            stream.Position = saved;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Streams the ratings of a file lazily, one <see cref="Rating"/> at a time.</summary>
    /// <param name="path">The ratings file.</param>
    /// <param name="release">The release the file belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="cancellationToken">Checked before each batch of ratings.</param>
    /// <returns>A sequence that opens the file when enumeration starts and closes it when enumeration ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">Thrown when enumeration starts and no file exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Thrown during enumeration at the first malformed line (rules of <see cref="RatingsReader"/>).</exception>
    /// <remarks>Constant memory whatever the file size; the argument checks run at the call, the file checks when enumeration starts.</remarks>
    internal static IEnumerable<Rating> EnumerateRatings(string path, MovieLensRelease release, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ReleaseFormat.Validate(release, nameof(release));
        return Enumerate(path, release, cancellationToken);

        static IEnumerable<Rating> Enumerate(string path, MovieLensRelease release, CancellationToken cancellationToken)
        {
            using var reader = RatingsReader.Open(path, release);
            var batch = new Rating[4096];
            int count;
            while ((count = reader.Read(batch, cancellationToken)) > 0)
            {
                for (var i = 0; i < count; i++)
                {
                    yield return batch[i];
                }
            }
        }
    }
}
