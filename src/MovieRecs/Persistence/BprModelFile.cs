using System.Buffers.Binary;
using MovieRecs.Bpr;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>
/// The own file format of a <see cref="BprModel"/>: its <see cref="BprOptions"/> in a checksummed header, then its
/// factor rows as an <see cref="AlsModelFile"/> (bias column included). A loaded model serves exactly as the saved one.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): the magic <c>\x89MRBPR\r\n</c> (8 bytes), the format version (int32), the options
/// (factors int32, learning rate and regularization float64, iterations int32, negative checks int32 0 or 1, seed
/// int32, threads int32), a CRC-32 of those 48 bytes, then the rows in the own ALS format (its header, rows and
/// checksum), so the factors get that format's checks: sizes against the file length, finite values, checksums.</para>
/// <para>Saving to a path is atomic, as <see cref="AlsModelFile"/>'s: a temporary file renamed over the target once
/// complete, so a failure or a cancellation leaves the previous file as it was. Loading treats every file as hostile
/// and fails with a <see cref="ModelFileException"/> naming the file and the problem. Stateless and thread-safe.</para>
/// </remarks>
public static class BprModelFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'R', (byte)'B', (byte)'P', (byte)'R', 0x0D, 0x0A];

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> at its position, leaving it open.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream; flushed and left open.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds part of a file.</exception>
    /// <remarks>O(file size): 52 bytes, then the ALS format of <c>(users + items) · (factors + 1)</c> floats.</remarks>
    public static void Save(BprModel model, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelArguments.CheckWritable(stream);
        Span<byte> header = stackalloc byte[OptionsHeader.Length];
        var options = model.Options;
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], options.Factors);
        BinaryPrimitives.WriteDoubleLittleEndian(header[16..], options.LearningRate);
        BinaryPrimitives.WriteDoubleLittleEndian(header[24..], options.Regularization);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], options.Iterations);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], options.VerifyNegativeSamples ? 1 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], options.Seed);
        BinaryPrimitives.WriteInt32LittleEndian(header[44..], options.MaxDegreeOfParallelism);
        OptionsHeader.Write(stream, Magic, FormatVersion, header);
        AlsModelFile.Save(model.FactorModel, stream, cancellationToken: cancellationToken);
    }

    /// <summary>Saves <paramref name="model"/> to a file, atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; replaced if it exists, only once the new content is complete.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB; the previous file stays as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Save(BprModel model, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, "the model", stream => Save(model, stream, cancellationToken), cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="Save(BprModel, Stream, CancellationToken)"/>.</summary>
    /// <param name="stream">The stream, at the start of the model; left open just after the model's last checksum.</param>
    /// <param name="displayName">The name errors show (<see cref="ModelFileException.SourceName"/>); the file path of
    /// a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ModelFileException">The bytes are not a BPR model file: another file
    /// (<see cref="ModelFileError.BadMagic"/>), a newer version (<see cref="ModelFileError.UnsupportedVersion"/>),
    /// cut short (<see cref="ModelFileError.Truncated"/>), damaged (<see cref="ModelFileError.ChecksumMismatch"/>),
    /// options out of range (<see cref="ModelFileError.InvalidHeader"/>), rows that do not make a BPR model
    /// (<see cref="ModelFileError.InvalidModel"/>), or any failure of
    /// the factor rows as <see cref="AlsModelFile.Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/> reports it.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static BprModel Load(Stream stream, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not readable.");
        }

        var source = displayName ?? (stream is FileStream file ? file.Name : "stream");
        return Read(stream, source, cancellationToken);
    }

    /// <summary>Loads a model from a file saved by <see cref="Save(BprModel, string, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is not a valid BPR model file (see
    /// <see cref="Load(Stream, string?, CancellationToken)"/>), or bytes follow the model (<see cref="ModelFileError.TrailingData"/>).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static BprModel Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return InputFile.LoadModel(path, "a BPR model file", Read, cancellationToken);
    }

    private static BprModel Read(Stream stream, string source, CancellationToken cancellationToken)
    {
        Span<byte> header = stackalloc byte[OptionsHeader.Length];
        OptionsHeader.Read(stream, source, Magic, FormatVersion, "a BPR model file", header);
        var verify = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        var options = new BprOptions
        {
            Factors = BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            LearningRate = BinaryPrimitives.ReadDoubleLittleEndian(header[16..]),
            Regularization = BinaryPrimitives.ReadDoubleLittleEndian(header[24..]),
            Iterations = BinaryPrimitives.ReadInt32LittleEndian(header[32..]),
            VerifyNegativeSamples = verify == 1,
            Seed = BinaryPrimitives.ReadInt32LittleEndian(header[40..]),
            MaxDegreeOfParallelism = BinaryPrimitives.ReadInt32LittleEndian(header[44..]),
        };
        OptionsHeader.Validate(source, () =>
        {
            if (verify is not (0 or 1))
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(BprOptions.VerifyNegativeSamples), verify, $"the negative-check flag must be 0 or 1, but was {verify}.");
            }

            options.Validate();
        });

        var rows = AlsModelFile.Load(stream, displayName: source, cancellationToken: cancellationToken).Model;
        if (rows.Factors != options.Factors + 1)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.InvalidModel, source, $"the rows have {rows.Factors} columns but {options.Factors} factors need {options.Factors + 1} (the bias column).");
        }

        for (var user = 0; user < rows.UserCount; user++)
        {
            if (rows.GetUserFactors(user)[options.Factors] != 1f)
            {
                AlsModelFileErrors.Throw(
                    ModelFileError.InvalidModel, source, $"user {user}'s bias column is {rows.GetUserFactors(user)[options.Factors]}; a BPR model keeps it at 1.");
            }
        }

        return new BprModel(options, rows);
    }
}
