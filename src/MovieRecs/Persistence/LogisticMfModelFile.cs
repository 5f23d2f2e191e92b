using System.Buffers.Binary;
using MovieRecs.Internal;
using MovieRecs.LogisticMf;

namespace MovieRecs.Persistence;

/// <summary>
/// Saves and loads fitted <see cref="LogisticMfModel"/>s in this library's own versioned, checksummed binary format:
/// the model's options, then its factor rows as an <see cref="AlsModelFile"/> (which serves them).
/// </summary>
/// <remarks>
/// <para>Layout (version <see cref="FormatVersion"/>, little-endian): a 52-byte header (the magic bytes
/// <c>\x89MRLMF\r\n</c>, the version, then <see cref="LogisticMfOptions.Factors"/>,
/// <see cref="LogisticMfOptions.Iterations"/>, <see cref="LogisticMfOptions.NegativeProportion"/>,
/// <see cref="LogisticMfOptions.Seed"/> and <see cref="LogisticMfOptions.MaxDegreeOfParallelism"/> as int32,
/// <see cref="LogisticMfOptions.LearningRate"/> and <see cref="LogisticMfOptions.Regularization"/> as float64, and a
/// CRC-32 of those 48 bytes), followed by the factor rows (<c>Factors + 2</c> columns) in the
/// <see cref="AlsModelFile"/> format, with its own header and checksums and without ids.</para>
/// <para>Loading treats every file as hostile, as <see cref="AlsModelFile"/> does: every failure is a
/// <see cref="ModelFileException"/> naming the file and the problem. Saving to a path is atomic (a temporary file
/// renamed over the target once complete), so a failure or a cancellation leaves the previous file as it was.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class LogisticMfModelFile
{
    /// <summary>The format version this library writes, and the newest it reads.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'R', (byte)'L', (byte)'M', (byte)'F', 0x0D, 0x0A];

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> at its position.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">The destination (need not be seekable); flushed and left open.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds part of a file.</exception>
    /// <remarks>O(file size): 52 + 80 + 4·(users + items)·(factors + 2) + 4 bytes.</remarks>
    public static void Save(LogisticMfModel model, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelArguments.CheckWritable(stream);
        WriteCore(model, stream, cancellationToken);
    }

    /// <summary>Saves <paramref name="model"/> to a file, atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; replaced if it exists, only once the new content is complete and flushed.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>Writes a temporary file beside <paramref name="path"/>, flushes it to the disk and renames it over
    /// <paramref name="path"/>, as <see cref="AlsModelFile.Save(Als.AlsModel, string, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/> does.</remarks>
    public static void Save(LogisticMfModel model, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, "the model", stream => WriteCore(model, stream, cancellationToken), cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="Save(LogisticMfModel, Stream, CancellationToken)"/>.</summary>
    /// <param name="stream">The stream, at the start of the model; left open just after the model's last checksum.</param>
    /// <param name="displayName">The name errors show (<see cref="ModelFileException.SourceName"/>); the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ModelFileException">The content is not a valid logistic MF model file;
    /// <see cref="ModelFileException.Kind"/> tells why: another kind of file (<see cref="ModelFileError.BadMagic"/>),
    /// a newer version (<see cref="ModelFileError.UnsupportedVersion"/>), cut short
    /// (<see cref="ModelFileError.Truncated"/>), damaged (<see cref="ModelFileError.ChecksumMismatch"/>), options out of
    /// range or factor rows of another width (<see cref="ModelFileError.InvalidHeader"/>), or any failure of the
    /// factors' <see cref="AlsModelFile"/> part. The message names the source and the problem.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static LogisticMfModel Load(Stream stream, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        return ReadCore(stream, displayName ?? (stream is FileStream file ? file.Name : "stream"), cancellationToken);
    }

    /// <summary>Loads a model file saved by <see cref="Save(LogisticMfModel, string, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model, ready to serve.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="ModelFileException">As for <see cref="Load(Stream, string?, CancellationToken)"/>, or the file
    /// holds bytes after the model (<see cref="ModelFileError.TrailingData"/>); the message names <paramref name="path"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static LogisticMfModel Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return InputFile.LoadModel(path, "a logistic MF model file", ReadCore, cancellationToken);
    }

    private static void WriteCore(LogisticMfModel model, Stream stream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Span<byte> header = stackalloc byte[OptionsHeader.Length];
        var options = model.Options;
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], options.Factors);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], options.Iterations);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], options.NegativeProportion);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], options.Seed);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], options.MaxDegreeOfParallelism);
        BinaryPrimitives.WriteDoubleLittleEndian(header[32..], options.LearningRate);
        BinaryPrimitives.WriteDoubleLittleEndian(header[40..], options.Regularization);
        OptionsHeader.Write(stream, Magic, FormatVersion, header);
        AlsModelFile.Save(model.Serving, stream, cancellationToken: cancellationToken);
    }

    private static LogisticMfModel ReadCore(Stream stream, string source, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Span<byte> header = stackalloc byte[OptionsHeader.Length];
        OptionsHeader.Read(stream, source, Magic, FormatVersion, "a logistic MF model file", header);
        var options = new LogisticMfOptions
        {
            Factors = BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            Iterations = BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            NegativeProportion = BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
            Seed = BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
            MaxDegreeOfParallelism = BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
            LearningRate = BinaryPrimitives.ReadDoubleLittleEndian(header[32..]),
            Regularization = BinaryPrimitives.ReadDoubleLittleEndian(header[40..]),
        };
        OptionsHeader.Validate(source, options.Validate);

        var content = AlsModelFile.Load(stream, ModelLoadOptions.Default, source, cancellationToken);
        if (content.Model.Factors != options.Factors + 2)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.InvalidHeader,
                source,
                $"the header says {options.Factors} factors, so rows of {options.Factors + 2} columns, but the factor rows have {content.Model.Factors}.");
        }

        return new LogisticMfModel(options, content.Model);
    }
}
