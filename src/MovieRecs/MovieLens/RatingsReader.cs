namespace MovieRecs.MovieLens;

/// <summary>
/// Streams the ratings of a MovieLens ratings file (<c>u.data</c> and its splits, <c>ratings.dat</c>,
/// <c>ratings.csv</c>) one rating or one batch at a time, without holding the file in memory.
/// </summary>
/// <remarks>
/// <para>
/// The reader fills a 1 MiB byte buffer with large reads and parses the digits straight from the bytes: it creates
/// no string per line and allocates nothing after construction except an internal batch of 4,096 ratings.
/// Memory use is constant whatever the file size. To load a whole file into columns use
/// <see cref="MovieLensReader.ReadRatings(string, MovieLensRelease, IProgress{long}?, CancellationToken)"/>.
/// </para>
/// <para>Format and validation, for every release:</para>
/// <list type="bullet">
/// <item><description>ml-100k: <c>user TAB movie TAB rating TAB timestamp</c>; ml-1m and ml-10m:
/// <c>user::movie::rating::timestamp</c>; CSV releases: the header <c>userId,movieId,rating,timestamp</c>
/// (compared ignoring ASCII case) on the first non-blank line, then <c>user,movie,rating,timestamp</c>.</description></item>
/// <item><description>Ids are non-negative decimal integers up to <see cref="int.MaxValue"/>; no sign, no spaces,
/// no quotes (MovieLens never quotes ratings fields).
/// Timestamps are non-negative integers of at most 18 digits.</description></item>
/// <item><description>Ratings: ml-100k and ml-1m allow the whole stars 1 to 5 (<c>"4"</c> and <c>"4.0"</c> both
/// read as 4); ml-10m and later allow 0.5 to 5 in steps of 0.5.</description></item>
/// <item><description>A UTF-8 byte order mark at the start is skipped. Lines may end in LF or CR LF. A last line
/// without a newline is read when it is complete.</description></item>
/// <item><description>Blank lines (empty, or a lone CR) are skipped anywhere, but still count in line numbers.
/// An empty file (0 bytes, or only a byte order mark) and a CSV file with only its header hold no ratings.</description></item>
/// <item><description>Duplicate (user, movie) pairs are kept as separate ratings, in file order; merging them is the
/// job of the interaction-matrix builder.</description></item>
/// <item><description>Anything else — a wrong field count, a non-numeric or negative field, an id above
/// <see cref="int.MaxValue"/>, a rating off the release's scale, a missing CSV header, a last line cut in the
/// middle of a field, a line longer than the buffer — throws <see cref="InvalidDataException"/> whose message names
/// the display name, the 1-based line number, the reason and the line text (cut to 200 characters). Ratings returned
/// before the bad line stay valid.</description></item>
/// </list>
/// <para>Not thread-safe: one reader serves one consumer.</para>
/// </remarks>
public sealed class RatingsReader : IDisposable
{
    private const int BatchSize = 4096;

    private readonly RatingsParser _parser;
    private Rating[]? _batch;
    private int _batchIndex;
    private int _batchCount;

    /// <summary>Creates a reader over <paramref name="stream"/>, which it reads from its current position.</summary>
    /// <param name="stream">A readable stream of the ratings file's bytes.</param>
    /// <param name="release">The release the file belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="displayName">The name used in error messages, usually the file name or path.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <param name="progress">Receives the total number of bytes read after each block (about every 1 MiB), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    public RatingsReader(Stream stream, MovieLensRelease release, string displayName, bool leaveOpen = false, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        if (!stream.CanRead)
        {
            throw new ArgumentException($"The stream for {displayName} is not readable.", nameof(stream));
        }

        ReleaseFormat.Validate(release, nameof(release));
        _parser = new RatingsParser(stream, release, displayName, leaveOpen, progress);
    }

    /// <summary>Opens the ratings file at <paramref name="path"/> for streaming.</summary>
    /// <param name="path">The path of the ratings file.</param>
    /// <param name="release">The release the file belongs to; it decides the separator, the header and the rating scale.</param>
    /// <param name="progress">Receives the total number of bytes read after each block (about every 1 MiB), or <see langword="null"/>.</param>
    /// <returns>A reader that owns the file handle; dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    public static RatingsReader Open(string path, MovieLensRelease release, IProgress<long>? progress = null)
    {
        ReleaseFormat.Validate(release, nameof(release));
        var stream = MovieLensFile.OpenSequential(path);
        return new RatingsReader(stream, release, path, leaveOpen: false, progress);
    }

    /// <summary>The name used in error messages.</summary>
    public string DisplayName => _parser.DisplayName;

    /// <summary>The release whose format the reader expects.</summary>
    public MovieLensRelease Release => _parser.Release;

    /// <summary>The number of lines parsed so far (the parser runs ahead of <see cref="TryRead"/> by up to one batch).</summary>
    public long LineNumber => _parser.LineNumber;

    /// <summary>The number of bytes read from the stream so far (the reader reads ahead by up to one block).</summary>
    public long BytesRead => _parser.BytesRead;

    /// <summary>Reads the next rating.</summary>
    /// <param name="rating">The rating read, or <see langword="default"/> at the end.</param>
    /// <returns><see langword="true"/> when a rating was read; <see langword="false"/> at the end of the file.</returns>
    /// <exception cref="InvalidDataException">A line is malformed (see the type's remarks for the rules).</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <remarks>Parses a batch of 4,096 ratings at a time into an internal buffer and hands them out one by one.</remarks>
    public bool TryRead(out Rating rating)
    {
        if (_batchIndex == _batchCount)
        {
            _batch ??= new Rating[BatchSize];
            var sink = new SpanRatingSink(_batch);
            _batchIndex = 0;
            _batchCount = 0;
            _batchCount = _parser.Parse(ref sink, _batch.Length, CancellationToken.None);
            if (_batchCount == 0)
            {
                rating = default;
                return false;
            }
        }

        rating = _batch![_batchIndex++];
        return true;
    }

    /// <summary>Reads ratings into <paramref name="destination"/> until it is full or the file ends.</summary>
    /// <param name="destination">Where to write the ratings.</param>
    /// <param name="cancellationToken">Checked before each block read from the stream.</param>
    /// <returns>The number of ratings written; less than the destination's length only at the end of the file, 0 after it.</returns>
    /// <exception cref="InvalidDataException">A line is malformed (see the type's remarks for the rules).</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>Allocates nothing: ratings are parsed straight into <paramref name="destination"/>.</remarks>
    public int Read(Span<Rating> destination, CancellationToken cancellationToken = default)
    {
        var written = 0;
        while (_batchIndex < _batchCount && written < destination.Length)
        {
            destination[written++] = _batch![_batchIndex++];
        }

        if (written == destination.Length)
        {
            return written;
        }

        var sink = new SpanRatingSink(destination[written..]);
        return written + _parser.Parse(ref sink, destination.Length - written, cancellationToken);
    }

    /// <summary>
    /// Hands up to <paramref name="maxRatings"/> remaining ratings (those of a batch that <see cref="TryRead"/> started
    /// first) to <paramref name="sink"/>, parsing straight into it with no intermediate batch; returns how many.
    /// </summary>
    internal int ReadInto<TSink>(ref TSink sink, int maxRatings, CancellationToken cancellationToken)
        where TSink : IRatingSink
    {
        var written = 0;
        while (_batchIndex < _batchCount && written < maxRatings)
        {
            var rating = _batch![_batchIndex++];
            sink.Add(rating.UserId, rating.MovieId, rating.Value, rating.Timestamp);
            written++;
        }

        return written + _parser.Parse(ref sink, maxRatings - written, cancellationToken);
    }

    /// <summary>An estimate of the ratings in the whole stream once some were parsed (see <see cref="RatingsParser.EstimateTotalRatings"/>).</summary>
    internal long EstimateTotalRatings() => _parser.EstimateTotalRatings();

    /// <summary>Closes the stream unless the reader was created with <c>leaveOpen</c>.</summary>
    public void Dispose() => _parser.Dispose();
}
