using System.IO.Compression;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>
/// An <c>.npz</c> archive open for reading: the zip of <c>.npy</c> entries that <c>numpy.savez</c> and
/// <c>numpy.savez_compressed</c> write. Arrays are named without the <c>.npy</c> suffix, as numpy's
/// <c>NpzFile.files</c> names them, and are read one at a time on demand. <see cref="Write(Stream, IEnumerable{KeyValuePair{string, NpyArray}}, NpzCompression, CancellationToken)"/>
/// creates archives.
/// </summary>
/// <remarks>
/// <para>Stored and deflated entries are read. Each entry's declared size is checked against what its compressed
/// size can possibly inflate to and against the most an array within the limits takes, its array header is validated as for
/// <see cref="NpyArray.Read(Stream, NpyReadOptions?, string?, CancellationToken)"/> before anything is allocated,
/// and the entry is read to its end and its CRC-32 checked against the archive's record, as numpy's zipfile does. Stored entries of a seekable archive are read
/// straight into their arrays; compressed entries over 1 MiB are inflated into growing blocks first, so that an
/// entry that lies about its size cannot make the reader allocate more than about what it really inflates to. Entries that are not <c>.npy</c> files, and
/// directories, are ignored (numpy would hand them out as raw bytes).</para>
/// <para>An instance is not thread-safe (it shares one zip reader); dispose it to release the stream. From a stream
/// that cannot seek, <see cref="System.IO.Compression"/> first buffers the whole archive in memory.</para>
/// </remarks>
internal sealed class NpzArchive : IDisposable
{
    /// <summary>Deflate cannot expand data more than about 1032 to 1; an entry declaring more is lying.</summary>
    private const long MaxInflationRatio = 1032;

    /// <summary>The widest element a supported array stores: 8 bytes (int64, uint64, float64).</summary>
    private const long MaxBytesPerElement = 8;

    /// <summary>The timestamp written on every entry, so that the same arrays always give the same bytes.</summary>
    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ZipArchive _zip;
    private readonly long _archiveLength;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly string[] _names;
    private readonly NpyReadOptions _options;
    private readonly string _sourceName;

    private NpzArchive(ZipArchive zip, long archiveLength, Dictionary<string, ZipArchiveEntry> entries, string[] names, NpyReadOptions options, string sourceName)
    {
        _zip = zip;
        _archiveLength = archiveLength;
        _entries = entries;
        _names = names;
        _options = options;
        _sourceName = sourceName;
    }

    /// <summary>The names of the arrays, in archive order (numpy's <c>NpzFile.files</c>).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Opens an archive held in <paramref name="stream"/>.</summary>
    /// <param name="stream">The archive, readable (seekable streams avoid buffering it in memory).</param>
    /// <param name="options">Limits and conversions for every array read; <see cref="NpyReadOptions.Default"/> when null.</param>
    /// <param name="leaveOpen">Whether disposing the archive leaves <paramref name="stream"/> open.</param>
    /// <param name="sourceName">The name shown in error messages; the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <returns>The open archive.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The stream is not a zip archive (<see cref="ModelFileError.InvalidArchive"/>), or two entries have the same array name (<see cref="ModelFileError.DuplicateEntry"/>).</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <remarks>Reads the zip's central directory only: O(entries).</remarks>
    public static NpzArchive Open(Stream stream, NpyReadOptions? options = null, bool leaveOpen = false, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= NpyReadOptions.Default;
        options.Validate();
        sourceName ??= stream is FileStream file ? file.Name : "stream";
        var archiveLength = stream.CanSeek ? NpyArray.RemainingLength(stream) : -1;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen);
        }
        catch (Exception e) when (IsZipFault(e))
        {
            throw NpyErrors.Create(ModelFileError.InvalidArchive, sourceName, $"not a readable zip archive: {e.Message}", e);
        }

        try
        {
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (var entry in zip.Entries)
            {
                var fullName = entry.FullName;
                if (!fullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    continue;
                }

                var name = fullName[..^4];
                if (!entries.TryAdd(name, entry))
                {
                    NpyErrors.Throw(ModelFileError.DuplicateEntry, sourceName, $"the archive holds two entries named '{fullName}'.");
                }

                names.Add(name);
            }

            return new NpzArchive(zip, archiveLength, entries, [.. names], options, sourceName);
        }
        catch (Exception e) when (IsZipFault(e))
        {
            // The central directory is read lazily, on the first access to the entries.
            zip.Dispose();
            throw NpyErrors.Create(ModelFileError.InvalidArchive, sourceName, $"not a readable zip archive: {e.Message}", e);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>Opens an <c>.npz</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and conversions for every array read; <see cref="NpyReadOptions.Default"/> when null.</param>
    /// <returns>The open archive, which owns the file handle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The file is not a valid archive of arrays (see <see cref="Open(Stream, NpyReadOptions?, bool, string?)"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NpzArchive Open(string path, NpyReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = InputFile.OpenRead(path, "an .npz file");
        try
        {
            return Open(stream, options, leaveOpen: false, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the archive holds an array named <paramref name="name"/>.</summary>
    /// <param name="name">The array name, without <c>.npy</c>.</param>
    /// <returns>True when present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _entries.ContainsKey(name);
    }

    /// <summary>Reads the array named <paramref name="name"/>.</summary>
    /// <param name="name">The array name, without <c>.npy</c>.</param>
    /// <param name="options">Limits and conversions for this read; the archive's options when null.</param>
    /// <param name="cancellationToken">Checked between blocks of the payload.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="KeyNotFoundException">The archive holds no array of that name (the message lists those it holds).</exception>
    /// <exception cref="ModelFileException">The entry is damaged or not a supported <c>.npy</c> array; the message names the archive and the entry (<c>archive:name</c>).</exception>
    /// <exception cref="ObjectDisposedException">The archive is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>O(entry size). Allocates the array (plus a pooled buffer for conversions and Fortran order).</remarks>
    public NpyArray Read(string name, NpyReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= _options;
        options.Validate();
        var (entry, source, declared) = Find(name, options);

        // The declared size is only a claim. It is certain when the entry's bytes exist in the archive as they are
        // (stored, or no smaller compressed); a compressed entry is staged block by block instead, so that a false
        // claim costs only about the bytes that really inflate.
        var certain = declared <= entry.CompressedLength && _archiveLength >= 0 && entry.CompressedLength <= _archiveLength;
        try
        {
            using var entryStream = entry.Open();
            using var stream = new Crc32ReadStream(entryStream);
            var array = NpyPayloadReader.Read(stream, options, source, declared, certain, cancellationToken);
            Drain(stream, declared, source);
            if (stream.BytesRead != declared)
            {
                NpyErrors.Throw(ModelFileError.InvalidArchive, source, $"the entry holds {stream.BytesRead} bytes but declares {declared}.");
            }

            if (stream.Crc != entry.Crc32)
            {
                NpyErrors.Throw(ModelFileError.InvalidArchive, source, $"the entry's CRC-32 is {stream.Crc:x8} but the archive records {entry.Crc32:x8}: the data is damaged.");
            }

            return array;
        }
        catch (Exception e) when (IsZipFault(e))
        {
            throw NpyErrors.Create(ModelFileError.InvalidArchive, source, $"the entry is damaged: {e.Message}", e);
        }
    }

    /// <summary>Reads and validates the header of the array named <paramref name="name"/>, inflating nothing of its
    /// payload: what a reader needs to decide whether to read the array at all.</summary>
    /// <exception cref="KeyNotFoundException">The archive holds no array of that name.</exception>
    /// <exception cref="ModelFileException">The entry is damaged, or its header is invalid or beyond <paramref name="options"/>' limits.</exception>
    internal NpyHeader ReadHeader(string name, NpyReadOptions options)
    {
        var (entry, source, declared) = Find(name, options);
        try
        {
            using var stream = entry.Open();
            return NpyHeader.Read(stream, options, source, declared);
        }
        catch (Exception e) when (IsZipFault(e))
        {
            throw NpyErrors.Create(ModelFileError.InvalidArchive, source, $"the entry is damaged: {e.Message}", e);
        }
    }

    /// <summary>Reads every array, in archive order.</summary>
    /// <param name="cancellationToken">Checked between blocks of each payload.</param>
    /// <returns>The arrays by name.</returns>
    /// <exception cref="ModelFileException">An entry is damaged or not a supported <c>.npy</c> array.</exception>
    /// <exception cref="ObjectDisposedException">The archive is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyDictionary<string, NpyArray> ReadAll(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, NpyArray>(_names.Length, StringComparer.Ordinal);
        foreach (var name in _names)
        {
            result.Add(name, Read(name, null, cancellationToken));
        }

        return result;
    }

    /// <summary>
    /// Writes <paramref name="arrays"/> as an <c>.npz</c> archive, as <c>numpy.savez</c> (stored) or
    /// <c>numpy.savez_compressed</c> (deflated) would: one <c>name.npy</c> entry per array, in the order given.
    /// </summary>
    /// <param name="stream">The destination (need not be seekable). It is left open.</param>
    /// <param name="arrays">The arrays and their names (without <c>.npy</c>).</param>
    /// <param name="compression">Stored (default) or deflated entries.</param>
    /// <param name="cancellationToken">Checked between blocks of each payload.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="arrays"/> is null, or an array is null.</exception>
    /// <exception cref="ArgumentException">A name is empty or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="compression"/> is not defined.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Entries carry a fixed timestamp (2000-01-01), so equal arrays give equal files. Payloads stream from
    /// the arrays into the zip without an intermediate copy.</remarks>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, NpzCompression compression = NpzCompression.Stored, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        CheckCompression(compression);
        var level = compression == NpzCompression.Deflated ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("Array names must be non-empty.", nameof(arrays));
            }

            if (array is null)
            {
                throw new ArgumentNullException(nameof(arrays), $"The array named '{name}' is null.");
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"The name '{name}' appears twice.", nameof(arrays));
            }

            var entry = zip.CreateEntry(name + ".npy", level);
            entry.LastWriteTime = EntryTimestamp;
            using var entryStream = entry.Open();
            array.Write(entryStream, cancellationToken);
        }
    }

    /// <summary>Writes <paramref name="arrays"/> to an <c>.npz</c> file, replacing it atomically if it exists.</summary>
    /// <param name="path">The file.</param>
    /// <param name="arrays">The arrays and their names (without <c>.npy</c>).</param>
    /// <param name="compression">Stored (default) or deflated entries.</param>
    /// <param name="cancellationToken">Checked between blocks of each payload.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="arrays"/> is null, or an array is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator, or a name is empty or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="compression"/> is not defined.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>Atomic, as <see cref="AlsModelFile"/> saves: the archive goes to a temporary file beside
    /// <paramref name="path"/>, flushed to the disk, then renamed over it, so any failure (including an exception from
    /// <paramref name="arrays"/>) or cancellation leaves the previous file as it was and no temporary file; stale
    /// temporary files of <paramref name="path"/> that a killed process left are removed; a symbolic link is followed
    /// and kept.</remarks>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, NpzCompression compression = NpzCompression.Stored, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(arrays);
        CheckCompression(compression);
        AtomicFileWriter.Write(path, "the archive", stream => Write(stream, arrays, compression, cancellationToken), cancellationToken);
    }

    /// <summary>Throws when <paramref name="compression"/> is not a defined <see cref="NpzCompression"/>.</summary>
    internal static void CheckCompression(NpzCompression compression)
    {
        if (compression is not (NpzCompression.Stored or NpzCompression.Deflated))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Use NpzCompression.Stored or NpzCompression.Deflated.");
        }
    }

    /// <summary>Releases the zip reader and, unless it was opened with <c>leaveOpen</c>, the stream.</summary>
    public void Dispose() => _zip.Dispose();

    /// <summary>
    /// The entry of the array named <paramref name="name"/>, its source name for messages and its declared size,
    /// checked before anything is inflated: against what its compressed size can inflate to, and against the most
    /// that an array within <paramref name="options"/>' limits takes.
    /// </summary>
    private (ZipArchiveEntry Entry, string Source, long Declared) Find(string name, NpyReadOptions options)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"{_sourceName} holds no array named '{name}'; it holds: {string.Join(", ", _names)}.");
        }

        var source = $"{_sourceName}:{name}";
        long declared = entry.Length;
        if (declared > (entry.CompressedLength * MaxInflationRatio) + 1024)
        {
            NpyErrors.Throw(
                ModelFileError.InvalidArchive,
                source,
                $"the entry declares {declared} bytes from {entry.CompressedLength} compressed bytes, more than any zip method can produce.");
        }

        // The magic, version and length field (at most 12 bytes), the longest header, then at most 8 bytes per element
        // (4 per character of a string).
        var most = options.MaxElementCount > (long.MaxValue - 12 - options.MaxHeaderLength) / MaxBytesPerElement
            ? long.MaxValue
            : 12 + options.MaxHeaderLength + (MaxBytesPerElement * options.MaxElementCount);
        if (declared > most)
        {
            NpyErrors.Throw(
                ModelFileError.TooManyElements,
                source,
                $"the entry declares {declared} bytes, more than an array within ModelLoadOptions.MaxElementCount = {options.MaxElementCount} takes (at most {most} bytes).");
        }

        return (entry, source, declared);
    }

    /// <summary>Reads what is left of an entry (numpy writes nothing after the payload) so that its CRC covers it all;
    /// stops as soon as the entry exceeds its declared size.</summary>
    private static void Drain(Crc32ReadStream stream, long declared, string source)
    {
        Span<byte> sink = stackalloc byte[512];
        while (stream.Read(sink) > 0)
        {
            if (stream.BytesRead > declared)
            {
                NpyErrors.Throw(ModelFileError.InvalidArchive, source, $"the entry inflates to more than its declared {declared} bytes.");
            }
        }
    }

    /// <summary>Exceptions by which System.IO.Compression reports a damaged archive (as opposed to our own format errors).</summary>
    private static bool IsZipFault(Exception e) =>
        e switch
        {
            InvalidDataException => true,
            EndOfStreamException => true,
            NotSupportedException => true,
            ArgumentOutOfRangeException => true,
            _ => false,
        };
}
