using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MovieRecs.Internal;
using MovieRecs.Neighbors;
using MovieRecs.Sparse;

namespace MovieRecs.Persistence;

/// <summary>
/// The own file format of an <see cref="ItemKnnModel"/>: the options, the item x item similarity matrix and the user
/// x item training matrix, little-endian, closed by a CRC-32 of everything before it. A loaded model serves exactly
/// as the saved one.
/// </summary>
/// <remarks>
/// Layout: the magic <c>MRKNN\0\r\n</c> (8 bytes), the format version (int32), the similarity (int32), K (int32),
/// K1 and B (float64), then two matrices (similarity, user items), each as row count, column count (int32), non-zero
/// count (int64), row pointers (int64 × rows + 1), column indices (int32 × nnz) and values (float32 × nnz); last the
/// CRC-32 (uint32) of all bytes before it. Written and read on little-endian machines (every platform .NET ships for).
/// </remarks>
public static class ItemKnnModelFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "MRKNN\0\r\n"u8.ToArray();

    /// <summary>Bytes between cancellation checks, and the most a stream of unknown length is read ahead of its data.</summary>
    private const int BlockBytes = 1 << 20;

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> at its position, leaving it open.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Save(ItemKnnModel model, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelArguments.CheckWritable(stream);
        var writer = new BlockWriter(stream, cancellationToken);
        var header = new byte[Magic.Length + 12 + 16];
        Magic.CopyTo(header, 0);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 4), (int)model.Options.Similarity);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 8), model.Options.K);
        BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(at + 12), model.Options.K1);
        BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(at + 20), model.Options.B);
        writer.Write(header);
        WriteMatrix(writer, model.Similarity);
        WriteMatrix(writer, model.UserItems);
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, writer.Checksum);
        stream.Write(tail);
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
    public static void Save(ItemKnnModel model, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, "the model", stream => Save(model, stream, cancellationToken), cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="Save(ItemKnnModel, Stream, CancellationToken)"/>.</summary>
    /// <param name="stream">The stream, at the start of the model; left open just after the checksum.</param>
    /// <param name="displayName">The name errors show (<see cref="ModelFileException.SourceName"/>); the file path of
    /// a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ModelFileException">The bytes are not an item-item model file: another file
    /// (<see cref="ModelFileError.BadMagic"/>), a newer version (<see cref="ModelFileError.UnsupportedVersion"/>),
    /// cut short (<see cref="ModelFileError.Truncated"/>), damaged (<see cref="ModelFileError.ChecksumMismatch"/>),
    /// sizes past the array limit (<see cref="ModelFileError.TooManyElements"/>), or inconsistent matrices or options
    /// (<see cref="ModelFileError.InvalidModel"/>).</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>From a seekable stream each array is allocated once, after checking the sizes a matrix declares against
    /// the bytes left. From a stream whose length is unknown, an array grows as its bytes arrive, 1 MiB at a time,
    /// doubling only once it is full, so a header that lies about its sizes costs at most twice what was really sent
    /// plus a block, and ends as <see cref="ModelFileError.Truncated"/>.</remarks>
    public static ItemKnnModel Load(Stream stream, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not readable.");
        }

        return Read(stream, displayName ?? (stream is FileStream file ? file.Name : "stream"), cancellationToken);
    }

    /// <summary>Loads a model from a file saved by <see cref="Save(ItemKnnModel, string, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Checked between blocks of about 1 MiB.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is not a valid item-item model file (see
    /// <see cref="Load(Stream, string?, CancellationToken)"/>), or bytes follow the checksum
    /// (<see cref="ModelFileError.TrailingData"/>).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ItemKnnModel Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return InputFile.LoadModel(path, "an item-item model file", Read, cancellationToken);
    }

    private static ItemKnnModel Read(Stream stream, string source, CancellationToken cancellationToken)
    {
        var reader = new BlockReader(stream, source, cancellationToken);
        try
        {
            // Another kind of file is told by its first bytes, however few there are; a prefix of the magic is a cut file.
            var magic = reader.ReadPrefix(Magic.Length);
            if (!Magic.AsSpan().StartsWith(magic))
            {
                throw new ModelFileException(ModelFileError.BadMagic, source, $"{source}: not an item-item model file (its first bytes are not MRKNN\\0\\r\\n).");
            }

            if (magic.Length < Magic.Length)
            {
                throw new EndOfStreamException();
            }

            var header = reader.ReadBytes(28);
            var version = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (version != FormatVersion)
            {
                throw new ModelFileException(ModelFileError.UnsupportedVersion, source, $"{source}: format version {version}; this library reads version {FormatVersion}.");
            }

            var options = new ItemKnnOptions
            {
                Similarity = (ItemSimilarity)BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
                K = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)),
                K1 = BinaryPrimitives.ReadDoubleLittleEndian(header.AsSpan(12)),
                B = BinaryPrimitives.ReadDoubleLittleEndian(header.AsSpan(20)),
            };
            var similarity = ReadMatrix(reader, "similarity");
            var userItems = ReadMatrix(reader, "user items");
            var expected = reader.Checksum;
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(reader.ReadBytes(4));
            if (stored != expected)
            {
                throw new ModelFileException(ModelFileError.ChecksumMismatch, source, $"{source}: checksum mismatch (stored {stored:x8}, computed {expected:x8}); the file is damaged.");
            }

            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ModelFileException(ModelFileError.InvalidModel, source, $"{source}: invalid options: {e.Message}", e);
            }

            if (similarity.RowCount != similarity.ColumnCount || userItems.ColumnCount != similarity.RowCount)
            {
                throw new ModelFileException(ModelFileError.InvalidModel, source, $"{source}: the similarity is {similarity.RowCount} x {similarity.ColumnCount} and the user items {userItems.RowCount} x {userItems.ColumnCount}; both must have one column per item.");
            }

            return new ItemKnnModel(similarity, userItems, options);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException(ModelFileError.Truncated, source, $"{source}: the file ends early; it is truncated.", e);
        }
    }

    private static void WriteMatrix(BlockWriter writer, CsrMatrix matrix)
    {
        var head = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(head, matrix.RowCount);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), matrix.ColumnCount);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(8), matrix.NonZeroCount);
        writer.Write(head);
        writer.Write(MemoryMarshal.AsBytes(matrix.RowPointers));
        for (var r = 0; r < matrix.RowCount; r++)
        {
            writer.Write(MemoryMarshal.AsBytes(matrix.GetColumnIndices(r)));
        }

        for (var r = 0; r < matrix.RowCount; r++)
        {
            writer.Write(MemoryMarshal.AsBytes(matrix.GetValues(r)));
        }
    }

    private static CsrMatrix ReadMatrix(BlockReader reader, string what)
    {
        var source = reader.Source;
        var head = reader.ReadBytes(16);
        var rows = BinaryPrimitives.ReadInt32LittleEndian(head);
        var columns = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4));
        var nonZeros = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(8));
        if (rows < 0 || columns < 0 || nonZeros < 0)
        {
            throw new ModelFileException(ModelFileError.InvalidModel, source, $"{source}: the {what} matrix has a negative size ({rows} x {columns}, {nonZeros} non-zeros).");
        }

        if (rows >= Array.MaxLength || nonZeros > Array.MaxLength)
        {
            throw new ModelFileException(ModelFileError.TooManyElements, source, $"{source}: the {what} matrix claims {rows} rows and {nonZeros} non-zeros, past the array limit {Array.MaxLength}.");
        }

        // Row pointers, column indices and values, then the rest of the file (at least its checksum).
        reader.Expect((8L * (rows + 1)) + (8L * nonZeros) + 4);
        var pointers = reader.ReadArray<long>(rows + 1L);
        var indices = reader.ReadArray<int>(nonZeros);
        var values = reader.ReadArray<float>(nonZeros);
        try
        {
            return CsrMatrix.FromArrays(rows, columns, pointers, indices, values);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(ModelFileError.InvalidModel, source, $"{source}: the {what} matrix is inconsistent: {e.Message}", e);
        }
    }

    /// <summary>Writes through the checksum, checking for cancellation between blocks of about 1 MiB.</summary>
    private sealed class BlockWriter(Stream stream, CancellationToken cancellationToken)
    {
        private readonly Crc32 _crc = new();
        private long _sinceCheck;

        public uint Checksum => _crc.GetCurrentHashAsUInt32();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                if (_sinceCheck >= BlockBytes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _sinceCheck = 0;
                }

                var part = bytes[..Math.Min(bytes.Length, BlockBytes)];
                _crc.Append(part);
                stream.Write(part);
                _sinceCheck += part.Length;
                bytes = bytes[part.Length..];
            }
        }
    }

    /// <summary>
    /// Reads through the checksum in blocks of at most 1 MiB, checking for cancellation before each; arrays are
    /// allocated whole when the stream's length vouches for them, and grown as their bytes arrive otherwise.
    /// </summary>
    private sealed class BlockReader
    {
        private readonly Stream _stream;
        private readonly CancellationToken _cancellationToken;
        private readonly Crc32 _crc = new();
        private readonly long _end;

        public BlockReader(Stream stream, string source, CancellationToken cancellationToken)
        {
            _stream = stream;
            Source = source;
            _cancellationToken = cancellationToken;
            _end = stream.CanSeek ? stream.Length : -1;
        }

        public string Source { get; }

        public uint Checksum => _crc.GetCurrentHashAsUInt32();

        /// <summary>Fails as truncated, before anything is allocated, when a seekable stream has fewer than
        /// <paramref name="bytes"/> left.</summary>
        public void Expect(long bytes)
        {
            if (_end >= 0 && _end - _stream.Position < bytes)
            {
                throw new EndOfStreamException();
            }
        }

        /// <summary>Up to <paramref name="count"/> bytes, fewer only at the end of the stream.</summary>
        public byte[] ReadPrefix(int count)
        {
            var bytes = new byte[count];
            var read = _stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
            _crc.Append(bytes.AsSpan(0, read));
            return read == count ? bytes : bytes[..read];
        }

        public byte[] ReadBytes(int count)
        {
            var bytes = new byte[count];
            _stream.ReadExactly(bytes);
            _crc.Append(bytes);
            return bytes;
        }

        public T[] ReadArray<T>(long count)
            where T : unmanaged
        {
            var perBlock = BlockBytes / Unsafe.SizeOf<T>();
            var array = new T[_end >= 0 ? count : Math.Min(count, perBlock)];
            long filled = 0;
            while (filled < count)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (filled == array.Length)
                {
                    Array.Resize(ref array, (int)Math.Min(count, 2L * array.Length));
                }

                var take = (int)Math.Min(perBlock, array.Length - filled);
                var bytes = MemoryMarshal.AsBytes(array.AsSpan((int)filled, take));
                _stream.ReadExactly(bytes);
                _crc.Append(bytes);
                filled += take;
            }

            return array;
        }
    }
}
