using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>
/// Saves and loads fitted <see cref="AlsModel"/>s, optionally with the external ids of their users and items, in this
/// library's own versioned, checksummed binary format. (<see cref="ImplicitModelFile"/> does the same in the
/// <c>.npz</c> format of Python's <c>implicit</c>.)
/// </summary>
/// <remarks>
/// <para>The own format (version <see cref="FormatVersion"/>, little-endian) is an 80-byte header (magic bytes
/// <c>\x89MRALS\r\n</c>, the version, flags, the shape, every <see cref="AlsOptions"/> field and the optional
/// training loss, then a CRC-32 of the header), the optional id lists (int32), the user then item factors (float32,
/// row-major, without the in-memory row padding) and a CRC-32 of everything before it. A file saved on one machine
/// loads on any other, whatever its vector width.</para>
/// <para>Loading treats every file as hostile: the magic, version, header checksum, shapes and options are checked
/// before anything is allocated, sizes are checked against the stream length when it is known and against
/// <see cref="ModelLoadOptions.MaxElementCount"/>, and every failure is a <see cref="ModelFileException"/> whose
/// message names the file and the problem (<see cref="ModelFileException.Kind"/> tells which).</para>
/// <para>Saving to a path is atomic: the file is written under a temporary name in the same folder
/// (<c>.NAME.GUID.tmp</c>), flushed to the disk, then renamed over the target, so a crash, an exception or a
/// cancellation mid-save leaves the previous file byte for byte as it was, and an exception or cancellation leaves no
/// temporary file behind. Errors name the path given, never the temporary file. The new file gets default
/// permissions. <see cref="ImplicitModelFile"/> saves to paths the same way.</para>
/// <para>The temporary files that killed processes left for a path are removed by the next save to that path once
/// they are an hour old (younger ones may belong to a concurrent save).</para>
/// <para>Only regular files are replaced: a symbolic link is followed and the file it leads to replaced (the link
/// stays a link); a folder, or on Linux a FIFO, socket or device such as <c>/dev/null</c>, is refused with an
/// <see cref="IOException"/>.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static partial class AlsModelFile
{
    /// <summary>The format version this library writes, and the newest it reads.</summary>
    public const int FormatVersion = AlsModelFileHeader.CurrentVersion;

    /// <summary>Writes <paramref name="model"/> (and the ids, when given) to <paramref name="stream"/> in the own format.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">The destination (need not be seekable); flushed and left open.</param>
    /// <param name="users">The external id of each user row (<see cref="AlsModel.UserCount"/> ids), or <see langword="null"/>.</param>
    /// <param name="items">The external id of each item row (<see cref="AlsModel.ItemCount"/> ids), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">An id index has a different count than the model's rows, or <paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds part of a file.</exception>
    /// <remarks>O(file size): 80 + 4·(ids + (users + items)·factors) + 4 bytes. Rows stream from the model's storage
    /// through one pooled 1 MiB buffer (straight from the storage when rows carry no padding); nothing else is
    /// allocated.</remarks>
    public static void Save(AlsModel model, Stream stream, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelArguments.CheckWritable(stream);
        ModelArguments.CheckIds(model, users, items);
        WriteCore(model, stream, users, items, cancellationToken);
        stream.Flush();
    }

    /// <summary>Saves <paramref name="model"/> (and the ids, when given) to a file in the own format, atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; replaced if it exists, only once the new content is complete and flushed.</param>
    /// <param name="users">The external id of each user row, or <see langword="null"/>.</param>
    /// <param name="items">The external id of each item row, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator, or an id index has a different count than the model's rows.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>Writes a temporary file <c>.NAME.GUID.tmp</c> beside <paramref name="path"/>, flushes it to the disk
    /// (<see cref="FileStream.Flush(bool)"/>), then renames it over <paramref name="path"/>; on any failure the
    /// temporary file is deleted. Before writing, removes the temporary files of <paramref name="path"/> that a killed
    /// process left, once they are untouched for an hour. A symbolic link is followed: the file it leads to is
    /// replaced and the link kept. Concurrent saves to one path each write a complete file; the last rename wins.</remarks>
    public static void Save(AlsModel model, string path, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelArguments.CheckIds(model, users, items);
        AtomicFileWriter.Write(path, "the model", stream => WriteCore(model, stream, users, items, cancellationToken), cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>.</summary>
    /// <param name="stream">The stream, at the start of the model. It is left open, just after the model's checksum.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <param name="displayName">The name errors show (<see cref="ModelFileException.SourceName"/>), usually the file name; the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model, ready to serve, and the ids saved with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The content is not a valid model file; <see cref="ModelFileException.Kind"/> tells why:
    /// not a model file (bad magic), a newer format version, truncated, a checksum mismatch (corrupted), an invalid
    /// header, sizes beyond the limits, a non-finite factor or a repeated id. The message names the source and the problem.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>O(file size). Factor rows are read straight into the model's padded storage, block by block (no copy of
    /// the payload through another buffer), and checked for finiteness while they are in cache; the checksum is
    /// verified before anything is returned.</para>
    /// <para>From a seekable stream the storage is allocated once, after checking the declared sizes against the
    /// bytes left. From a stream whose length is unknown, storage starts at 4 MiB and, once full, doubles only after
    /// the next block (1 MiB) has arrived, read aside first; so a header that lies about its sizes costs at most the
    /// start, that block, and less than four times what the bytes really sent occupy once loaded (the storage kept
    /// is at most twice that).</para>
    /// </remarks>
    public static ModelFileContent Load(Stream stream, ModelLoadOptions? options = null, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        options ??= ModelLoadOptions.Default;
        options.Validate();
        var sourceName = displayName ?? (stream is FileStream file ? file.Name : "stream");
        var remaining = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;
        return ReadCore(stream, options, sourceName, remaining, cancellationToken);
    }

    /// <summary>Loads a model file saved by <see cref="Save(AlsModel, string, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model, ready to serve, and the ids saved with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder (the message says a model file is expected).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">As for <see cref="Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/>,
    /// or the file holds bytes after the model (<see cref="ModelFileError.TrailingData"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>O(file size); one allocation per factor matrix and id list, sized from the header after checking it
    /// against the file length.</remarks>
    public static ModelFileContent Load(string path, ModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ModelLoadOptions.Default;
        options.Validate();
        using var stream = InputFile.OpenRead(path, "a model file", bufferSize: 0);
        var length = stream.Length;
        var content = ReadCore(stream, options, path, length, cancellationToken);
        if (stream.Position != length)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.TrailingData,
                path,
                $"{length - stream.Position} unexpected bytes after the model's checksum (the file is {length} bytes, the model {stream.Position}).");
        }

        return content;
    }
}
