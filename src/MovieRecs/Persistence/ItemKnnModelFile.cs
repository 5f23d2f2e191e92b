using System.Buffers.Binary;
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

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> at its position, leaving it open.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    public static void Save(ItemKnnModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not writable.");
        }

        var crc = new Crc32();
        var header = new byte[Magic.Length + 12 + 16];
        Magic.CopyTo(header, 0);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 4), (int)model.Options.Similarity);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 8), model.Options.K);
        BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(at + 12), model.Options.K1);
        BinaryPrimitives.WriteDoubleLittleEndian(header.AsSpan(at + 20), model.Options.B);
        Write(stream, crc, header);
        WriteMatrix(stream, crc, model.Similarity);
        WriteMatrix(stream, crc, model.UserItems);
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc.GetCurrentHashAsUInt32());
        stream.Write(tail);
    }

    /// <summary>Saves <paramref name="model"/> to a file, atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; replaced if it exists, only once the new content is complete.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable.</exception>
    public static void Save(ItemKnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, "the model", stream => Save(model, stream), CancellationToken.None);
    }

    /// <summary>Loads a model saved by <see cref="Save(ItemKnnModel, Stream)"/>.</summary>
    /// <param name="stream">The stream, at the start of the model; left open just after the checksum.</param>
    /// <param name="displayName">The name errors show; "stream" when null.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ModelFileException">The bytes are not an item-item model file: another file
    /// (<see cref="ModelFileError.InvalidHeader"/>), a newer version (<see cref="ModelFileError.UnsupportedVersion"/>),
    /// cut short (<see cref="ModelFileError.Truncated"/>), damaged (<see cref="ModelFileError.ChecksumMismatch"/>),
    /// sizes past the array limit (<see cref="ModelFileError.TooManyElements"/>), or inconsistent matrices or options
    /// (<see cref="ModelFileError.InvalidModel"/>).</exception>
    public static ItemKnnModel Load(Stream stream, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = displayName ?? "stream";
        var crc = new Crc32();
        try
        {
            var header = Read(stream, crc, Magic.Length + 28);
            if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            {
                throw new ModelFileException(ModelFileError.InvalidHeader, source, $"{source}: not an item-item model file (no MRKNN magic at the start).");
            }

            var at = Magic.Length;
            var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at));
            if (version != FormatVersion)
            {
                throw new ModelFileException(ModelFileError.UnsupportedVersion, source, $"{source}: format version {version}; this library reads version {FormatVersion}.");
            }

            var options = new ItemKnnOptions
            {
                Similarity = (ItemSimilarity)BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at + 4)),
                K = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at + 8)),
                K1 = BinaryPrimitives.ReadDoubleLittleEndian(header.AsSpan(at + 12)),
                B = BinaryPrimitives.ReadDoubleLittleEndian(header.AsSpan(at + 20)),
            };
            var similarity = ReadMatrix(stream, crc, source, "similarity");
            var userItems = ReadMatrix(stream, crc, source, "user items");
            var expected = crc.GetCurrentHashAsUInt32();
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(Read(stream, null, 4));
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

    /// <summary>Loads a model from a file saved by <see cref="Save(ItemKnnModel, string)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFileException">The file is not a valid item-item model file (see <see cref="Load(Stream, string?)"/>);
    /// it also fails when bytes follow the checksum (<see cref="ModelFileError.TrailingData"/>).</exception>
    public static ItemKnnModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var model = Load(stream, path);
        if (stream.Position != stream.Length)
        {
            throw new ModelFileException(ModelFileError.TrailingData, path, $"{path}: {stream.Length - stream.Position} bytes follow the model's checksum.");
        }

        return model;
    }

    private static void WriteMatrix(Stream stream, Crc32 crc, CsrMatrix matrix)
    {
        var head = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(head, matrix.RowCount);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), matrix.ColumnCount);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(8), matrix.NonZeroCount);
        Write(stream, crc, head);
        Write(stream, crc, MemoryMarshal.AsBytes(matrix.RowPointers));
        for (var r = 0; r < matrix.RowCount; r++)
        {
            Write(stream, crc, MemoryMarshal.AsBytes(matrix.GetColumnIndices(r)));
        }

        for (var r = 0; r < matrix.RowCount; r++)
        {
            Write(stream, crc, MemoryMarshal.AsBytes(matrix.GetValues(r)));
        }
    }

    private static CsrMatrix ReadMatrix(Stream stream, Crc32 crc, string source, string what)
    {
        var head = Read(stream, crc, 16);
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

        if (stream.CanSeek && stream.Length - stream.Position < (8L * (rows + 1)) + (8L * nonZeros))
        {
            throw new EndOfStreamException();
        }

        var pointers = new long[rows + 1];
        ReadInto(stream, crc, MemoryMarshal.AsBytes(pointers.AsSpan()));
        var indices = new int[nonZeros];
        ReadInto(stream, crc, MemoryMarshal.AsBytes(indices.AsSpan()));
        var values = new float[nonZeros];
        ReadInto(stream, crc, MemoryMarshal.AsBytes(values.AsSpan()));
        try
        {
            return CsrMatrix.FromArrays(rows, columns, pointers, indices, values);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(ModelFileError.InvalidModel, source, $"{source}: the {what} matrix is inconsistent: {e.Message}", e);
        }
    }

    private static void Write(Stream stream, Crc32 crc, ReadOnlySpan<byte> bytes)
    {
        crc.Append(bytes);
        stream.Write(bytes);
    }

    private static byte[] Read(Stream stream, Crc32? crc, int count)
    {
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        crc?.Append(bytes);
        return bytes;
    }

    private static void ReadInto(Stream stream, Crc32 crc, Span<byte> destination)
    {
        stream.ReadExactly(destination);
        crc.Append(destination);
    }
}
