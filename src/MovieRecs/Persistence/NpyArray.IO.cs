using MovieRecs.Internal;

namespace MovieRecs.Persistence;

internal sealed partial class NpyArray
{
    /// <summary>
    /// Reads one array in <c>.npy</c> format (versions 1.0, 2.0 and 3.0) from the current position of
    /// <paramref name="stream"/>, leaving the stream just after its payload.
    /// </summary>
    /// <param name="stream">The stream, positioned at the <c>\x93NUMPY</c> magic string.</param>
    /// <param name="options">Limits and conversions; <see cref="NpyReadOptions.Default"/> when null.</param>
    /// <param name="sourceName">The name shown in error messages; the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of the payload.</param>
    /// <returns>The array, in row-major order and this machine's byte order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The data is not a supported, well-formed <c>.npy</c> array; <see cref="ModelFileException.Kind"/> says why and the message names the source and the offending text.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>The header is validated completely before anything is allocated for the payload: its length against
    /// <see cref="NpyReadOptions.MaxHeaderLength"/>, its element count against
    /// <see cref="NpyReadOptions.MaxElementCount"/>, and both against the bytes left in the stream when the stream
    /// can tell (seekable streams). Object arrays (<c>|O</c>), whose payload is a pickle, are rejected from the
    /// header alone; nothing is ever unpickled or evaluated.</para>
    /// <para>Row-major payloads in this machine's byte order are read straight into the result array; big-endian
    /// payloads and float conversions go through a 128 KiB pooled buffer; Fortran-order matrices are read a few
    /// whole columns at a time (up to 8 MiB, pooled) and transposed row by row into the result. From a stream of
    /// unknown length, a payload over 1 MiB is first read in blocks growing from 1 MiB to 16 MiB, so that a header
    /// claiming more data than the stream holds costs only about the bytes that arrive (at the price of one extra
    /// copy).</para>
    /// </remarks>
    public static NpyArray Read(Stream stream, NpyReadOptions? options = null, string? sourceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= NpyReadOptions.Default;
        options.Validate();
        sourceName ??= stream is FileStream file ? file.Name : "stream";
        var remaining = RemainingLength(stream);
        return NpyPayloadReader.Read(stream, options, sourceName, remaining, remainingIsCertain: remaining >= 0, cancellationToken);
    }

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and conversions; <see cref="NpyReadOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between blocks of the payload.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="ModelFileException">The file is not a supported, well-formed <c>.npy</c> array.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>See <see cref="Read(Stream, NpyReadOptions?, string?, CancellationToken)"/>.</remarks>
    public static NpyArray Read(string path, NpyReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenRead(path);
        return Read(stream, options, path, cancellationToken);
    }

    /// <summary>
    /// Writes this array in <c>.npy</c> format as numpy 1.24's <c>numpy.save</c> does, byte for byte: format 1.0
    /// (2.0 only if the header needs it), C order, this machine's byte order, header padded to 64 bytes.
    /// </summary>
    /// <param name="stream">The destination.</param>
    /// <param name="cancellationToken">Checked between blocks of the payload.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Numeric payloads are written straight from the element array in 16 MiB blocks (no copy); strings
    /// are encoded as UTF-32 through a pooled buffer.</remarks>
    public void Write(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        NpyWriter.Write(stream, this, cancellationToken);
    }

    /// <summary>Writes this array to a <c>.npy</c> file, replacing it atomically if it exists.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Checked between blocks of the payload.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>Atomic, as <see cref="AlsModelFile"/> saves: the array goes to a temporary file beside
    /// <paramref name="path"/>, flushed to the disk, then renamed over it, so a failure or cancellation leaves the
    /// previous file as it was and no temporary file; stale temporary files of <paramref name="path"/> that a killed
    /// process left are removed; a symbolic link is followed and kept.</remarks>
    public void Write(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, "the array", stream => NpyWriter.Write(stream, this, cancellationToken), cancellationToken);
    }

    internal static FileStream OpenRead(string path) => InputFile.OpenRead(path, "a .npy file");

    /// <summary>The bytes left from the stream's position, or -1 when the stream cannot tell.</summary>
    internal static long RemainingLength(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return -1;
        }

        try
        {
            return Math.Max(0, stream.Length - stream.Position);
        }
        catch (NotSupportedException)
        {
            return -1;
        }
    }
}
