using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>
/// Reads the payload that follows a validated <see cref="NpyHeader"/> into a row-major .NET array: straight into
/// the destination when the layout and byte order allow, otherwise block by block through a small pooled buffer
/// (byte swap, float conversion, Fortran-order transpose).
/// </summary>
internal static class NpyPayloadReader
{
    /// <summary>Bytes read per call when reading straight into the destination (also the cancellation granularity).</summary>
    internal const int DirectBlockBytes = 1 << 24;

    /// <summary>Bytes per block when elements need work between the stream and the destination.</summary>
    internal const int BufferedBlockBytes = 1 << 17;

    /// <summary>The largest block of whole Fortran-order columns transposed at once.</summary>
    internal const int TransposeBlockBytes = 1 << 23;

    /// <summary>From a stream whose length is not certain, payloads larger than this are staged before the destination
    /// is allocated, so a header that lies about its size costs only about the bytes that really arrive.</summary>
    internal const int StagingThresholdBytes = 1 << 20;

    /// <summary>The largest staging block; blocks grow from <see cref="StagingThresholdBytes"/> by doubling.</summary>
    internal const int StagingBlockBytes = 1 << 24;

    /// <summary>Reads a header and its payload.</summary>
    /// <param name="stream">The stream, at the magic string.</param>
    /// <param name="options">Limits and conversions.</param>
    /// <param name="sourceName">The file or entry, for messages.</param>
    /// <param name="remaining">An upper bound of the bytes left in the stream, or -1 when unknown: sizes beyond it are rejected at once.</param>
    /// <param name="remainingIsCertain">Whether those bytes are known to exist (a seekable stream), so that the
    /// destination may be allocated from the header alone; otherwise large payloads are staged first.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    public static NpyArray Read(Stream stream, NpyReadOptions options, string sourceName, long remaining, bool remainingIsCertain, CancellationToken cancellationToken)
    {
        var header = NpyHeader.Read(stream, options, sourceName, remaining);
        var payload = stream;
        if (!(remainingIsCertain && remaining >= 0) && header.PayloadBytes > StagingThresholdBytes)
        {
            payload = Stage(stream, header.PayloadBytes, sourceName, cancellationToken);
        }

        var reader = new Context(payload, header, sourceName, cancellationToken);
        var format = header.Format;
        Array data = format.DataType switch
        {
            NpyDataType.Float64 when options.ConvertFloatsToSingle => reader.ReadToSingle<double>(),
            NpyDataType.Float16 when options.ConvertFloatsToSingle => reader.ReadToSingle<Half>(),
            NpyDataType.Bool => reader.ReadBooleans(),
            NpyDataType.Int8 => reader.ReadRaw<sbyte>(),
            NpyDataType.UInt8 => reader.ReadRaw<byte>(),
            NpyDataType.Int16 => reader.ReadRaw<short>(),
            NpyDataType.UInt16 => reader.ReadRaw<ushort>(),
            NpyDataType.Int32 => reader.ReadRaw<int>(),
            NpyDataType.UInt32 => reader.ReadRaw<uint>(),
            NpyDataType.Int64 => reader.ReadRaw<long>(),
            NpyDataType.UInt64 => reader.ReadRaw<ulong>(),
            NpyDataType.Float16 => reader.ReadRaw<Half>(),
            NpyDataType.Float32 => reader.ReadRaw<float>(),
            NpyDataType.Float64 => reader.ReadRaw<double>(),
            _ => reader.ReadStrings(),
        };

        var type = data is float[] ? NpyDataType.Float32 : format.DataType;
        return new NpyArray(data, type, header.Shape, format.StringLength);
    }

    private static ChunkListStream Stage(Stream stream, long bytes, string sourceName, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        long staged = 0;
        while (staged < bytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Blocks double from 1 MiB to 16 MiB: memory stays within about twice what has arrived.
            var size = Math.Min(bytes - staged, Math.Clamp(staged, StagingThresholdBytes, StagingBlockBytes));
            var chunk = GC.AllocateUninitializedArray<byte>((int)size);
            var got = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (got < chunk.Length)
            {
                NpyErrors.Truncated(sourceName, "the payload", bytes, staged + got);
            }

            chunks.Add(chunk);
            staged += got;
        }

        return new ChunkListStream(chunks);
    }

    /// <summary>Reverses the byte order of every element of <paramref name="items"/> in place.</summary>
    internal static void SwapInPlace<T>(Span<T> items)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 2)
        {
            var s = MemoryMarshal.Cast<T, ushort>(items);
            BinaryPrimitives.ReverseEndianness(s, s);
        }
        else if (Unsafe.SizeOf<T>() == 4)
        {
            var s = MemoryMarshal.Cast<T, uint>(items);
            BinaryPrimitives.ReverseEndianness(s, s);
        }
        else if (Unsafe.SizeOf<T>() == 8)
        {
            var s = MemoryMarshal.Cast<T, ulong>(items);
            BinaryPrimitives.ReverseEndianness(s, s);
        }
    }

    /// <summary>The state of one payload read.</summary>
    private readonly ref struct Context(Stream stream, NpyHeader header, string sourceName, CancellationToken cancellationToken)
    {
        private readonly Stream _stream = stream;
        private readonly NpyHeader _header = header;
        private readonly string _sourceName = sourceName;
        private readonly CancellationToken _cancellationToken = cancellationToken;

        private int Count => (int)_header.ElementCount;

        /// <summary>Reads elements stored as <typeparamref name="T"/> into a <typeparamref name="T"/> array.</summary>
        public T[] ReadRaw<T>()
            where T : unmanaged
        {
            var count = Count;
            var destination = GC.AllocateUninitializedArray<T>(count);
            var swap = _header.Format.NeedsSwap;
            if (!_header.NeedsTranspose)
            {
                // Row-major already: the bytes go straight into the destination, then are swapped in place if needed.
                var perBlock = DirectBlockBytes / Unsafe.SizeOf<T>();
                for (var start = 0; start < count; start += perBlock)
                {
                    var block = destination.AsSpan(start, Math.Min(perBlock, count - start));
                    Fill(MemoryMarshal.AsBytes(block), (long)start * Unsafe.SizeOf<T>());
                    if (swap)
                    {
                        SwapInPlace(block);
                    }
                }

                return destination;
            }

            var rows = _header.Shape[0];
            var columns = _header.Shape[1];
            var columnsPerBlock = ColumnsPerBlock(rows, columns, Unsafe.SizeOf<T>());
            var buffer = ArrayPool<byte>.Shared.Rent(columnsPerBlock > 0 ? columnsPerBlock * rows * Unsafe.SizeOf<T>() : BufferedBlockBytes);
            try
            {
                if (columnsPerBlock > 0)
                {
                    // Whole columns at a time, transposed row by row: each destination row gets a contiguous run.
                    for (var first = 0; first < columns; first += columnsPerBlock)
                    {
                        var n = Math.Min(columnsPerBlock, columns - first);
                        var bytes = buffer.AsSpan(0, n * rows * Unsafe.SizeOf<T>());
                        Fill(bytes, (long)first * rows * Unsafe.SizeOf<T>());
                        var items = MemoryMarshal.Cast<byte, T>(bytes);
                        if (swap)
                        {
                            SwapInPlace(items);
                        }

                        TransposeColumns<T>(items, rows, columns, first, n, destination);
                    }

                    return destination;
                }

                // Columns too tall to buffer whole: place elements one by one.
                var perBlock = BufferedBlockBytes / Unsafe.SizeOf<T>();
                var cursor = new FortranCursor(rows, columns);
                for (var start = 0; start < count; start += perBlock)
                {
                    var n = Math.Min(perBlock, count - start);
                    var bytes = buffer.AsSpan(0, n * Unsafe.SizeOf<T>());
                    Fill(bytes, (long)start * Unsafe.SizeOf<T>());
                    var items = MemoryMarshal.Cast<byte, T>(bytes);
                    if (swap)
                    {
                        SwapInPlace(items);
                    }

                    cursor.Scatter<T>(items, destination);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return destination;
        }

        /// <summary>Reads bools, mapping every non-zero byte to true so that each element is a valid .NET bool.</summary>
        public bool[] ReadBooleans()
        {
            var values = ReadRaw<bool>();
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            TensorPrimitives.Min(bytes, (byte)1, bytes);
            return values;
        }

        /// <summary>Reads float elements of type <typeparamref name="TFrom"/>, converting them to float32 block by block.</summary>
        public float[] ReadToSingle<TFrom>()
            where TFrom : unmanaged, INumberBase<TFrom>
        {
            var count = Count;
            var destination = GC.AllocateUninitializedArray<float>(count);
            var swap = _header.Format.NeedsSwap;
            var transpose = _header.NeedsTranspose;
            var rows = transpose ? _header.Shape[0] : 0;
            var columns = transpose ? _header.Shape[1] : 0;
            var columnsPerBlock = transpose ? ColumnsPerBlock(rows, columns, Unsafe.SizeOf<TFrom>()) : 0;

            // Without a transpose, any run of elements will do; with one, whole columns when they fit.
            var perBlock = columnsPerBlock > 0 ? columnsPerBlock * rows : BufferedBlockBytes / Unsafe.SizeOf<TFrom>();
            var buffer = ArrayPool<byte>.Shared.Rent(perBlock * Unsafe.SizeOf<TFrom>());
            var converted = transpose ? ArrayPool<float>.Shared.Rent(perBlock) : null;
            try
            {
                var cursor = transpose ? new FortranCursor(rows, columns) : default;
                for (var start = 0; start < count; start += perBlock)
                {
                    var n = Math.Min(perBlock, count - start);
                    var bytes = buffer.AsSpan(0, n * Unsafe.SizeOf<TFrom>());
                    Fill(bytes, (long)start * Unsafe.SizeOf<TFrom>());
                    var items = MemoryMarshal.Cast<byte, TFrom>(bytes);
                    if (swap)
                    {
                        SwapInPlace(items);
                    }

                    if (!transpose)
                    {
                        TensorPrimitives.ConvertTruncating<TFrom, float>(items, destination.AsSpan(start, n));
                        continue;
                    }

                    var block = converted.AsSpan(0, n);
                    TensorPrimitives.ConvertTruncating<TFrom, float>(items, block);
                    if (columnsPerBlock > 0)
                    {
                        TransposeColumns<float>(block, rows, columns, start / rows, n / rows, destination);
                    }
                    else
                    {
                        cursor.Scatter<float>(block, destination);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                if (converted is not null)
                {
                    ArrayPool<float>.Shared.Return(converted);
                }
            }

            return destination;
        }

        /// <summary>Reads fixed-width UTF-32 strings, dropping trailing NULs as numpy does.</summary>
        public string[] ReadStrings()
        {
            var count = Count;
            var destination = new string[count];
            var itemSize = _header.Format.ItemSize;
            var width = _header.Format.StringLength;
            var bigEndian = _header.Format.BigEndian;
            var perBlock = Math.Max(1, BufferedBlockBytes / itemSize);
            var buffer = ArrayPool<byte>.Shared.Rent(perBlock * itemSize);
            var chars = ArrayPool<char>.Shared.Rent(2 * width);
            var strings = ArrayPool<string>.Shared.Rent(perBlock);
            try
            {
                var transpose = _header.NeedsTranspose;
                var cursor = transpose ? new FortranCursor(_header.Shape[0], _header.Shape[1]) : default;
                for (var start = 0; start < count; start += perBlock)
                {
                    var n = Math.Min(perBlock, count - start);
                    var bytes = buffer.AsSpan(0, n * itemSize);
                    Fill(bytes, (long)start * itemSize);
                    var block = transpose ? strings.AsSpan(0, n) : destination.AsSpan(start, n);
                    for (var i = 0; i < n; i++)
                    {
                        block[i] = Decode(bytes.Slice(i * itemSize, itemSize), bigEndian, chars, start + i);
                    }

                    if (transpose)
                    {
                        cursor.Scatter<string>(block, destination);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ArrayPool<char>.Shared.Return(chars);
                ArrayPool<string>.Shared.Return(strings, clearArray: true);
            }

            return destination;
        }

        private string Decode(ReadOnlySpan<byte> element, bool bigEndian, char[] chars, int index)
        {
            var codePoints = element.Length / 4;
            while (codePoints > 0 && MemoryMarshal.Read<uint>(element[((codePoints - 1) * 4)..]) == 0)
            {
                codePoints--; // trailing NULs pad the fixed width
            }

            var written = 0;
            for (var k = 0; k < codePoints; k++)
            {
                var slot = element.Slice(k * 4, 4);
                var value = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(slot) : BinaryPrimitives.ReadUInt32LittleEndian(slot);
                if (!Rune.TryCreate(value, out var rune))
                {
                    NpyErrors.Throw(
                        ModelFileError.InvalidValue,
                        _sourceName,
                        $"string element {index} holds 0x{value:X}, which is not a Unicode scalar value.");
                }

                written += rune.EncodeToUtf16(chars.AsSpan(written));
            }

            return written == 0 ? string.Empty : new string(chars, 0, written);
        }

        /// <summary>Fills <paramref name="destination"/> from the stream or reports where the payload ends.</summary>
        private void Fill(Span<byte> destination, long offset)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var got = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            if (got < destination.Length)
            {
                NpyErrors.Truncated(_sourceName, "the payload", _header.PayloadBytes, offset + got);
            }
        }
    }

    /// <summary>How many whole columns of a Fortran-order matrix fit in one transpose block; 0 when not even one does.</summary>
    internal static int ColumnsPerBlock(int rows, int columns, int elementSize)
    {
        var columnBytes = (long)rows * elementSize;
        return columnBytes > TransposeBlockBytes ? 0 : (int)Math.Min(columns, TransposeBlockBytes / columnBytes);
    }

    /// <summary>
    /// Writes <paramref name="count"/> whole columns, starting at column <paramref name="first"/>, held column after
    /// column in <paramref name="block"/>, into the row-major <paramref name="destination"/>: row by row, so that each
    /// destination row receives one contiguous run and the block is read as a few sequential streams.
    /// </summary>
    internal static void TransposeColumns<T>(ReadOnlySpan<T> block, int rows, int columns, int first, int count, T[] destination)
    {
        for (var r = 0; r < rows; r++)
        {
            var target = destination.AsSpan((r * columns) + first, count);
            var at = r;
            for (var j = 0; j < target.Length; j++)
            {
                target[j] = block[at];
                at += rows;
            }
        }
    }

    /// <summary>Walks a Fortran-order (column-major) payload and places each element at its row-major position.</summary>
    private struct FortranCursor(int rows, int columns)
    {
        private int _row;
        private int _column;

        public void Scatter<T>(ReadOnlySpan<T> items, T[] destination)
        {
            var row = _row;
            var column = _column;
            foreach (var item in items)
            {
                destination[(row * columns) + column] = item;
                if (++row == rows)
                {
                    row = 0;
                    column++;
                }
            }

            _row = row;
            _column = column;
        }
    }
}
