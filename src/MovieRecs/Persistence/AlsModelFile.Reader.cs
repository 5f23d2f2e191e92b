using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <content>Reading the own format.</content>
public static partial class AlsModelFile
{
    /// <summary>Bytes read (or written) per block: the cancellation and checksum granularity.</summary>
    internal const int BlockBytes = 1 << 20;

    /// <summary>From a stream of unknown length, an array larger than this is not allocated from the header alone:
    /// it starts at this size and, once full, doubles only after the next block has been read aside.</summary>
    internal const int GrowthStartBytes = 1 << 22;

    private static ModelFileContent ReadCore(Stream stream, ModelLoadOptions options, string sourceName, long remaining, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Span<byte> headerBytes = stackalloc byte[AlsModelFileHeader.Size];
        var got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        var header = AlsModelFileHeader.Parse(headerBytes[..got], sourceName);
        var factors = header.Options.Factors;
        var stride = AlsModel.StrideFor(factors);
        CheckRowCount(header.UserCount, "users", factors, stride, sourceName);
        CheckRowCount(header.ItemCount, "items", factors, stride, sourceName);
        var padded = ((long)header.UserCount + header.ItemCount) * stride;
        if (padded > options.MaxElementCount)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.TooManyElements,
                sourceName,
                $"the header claims {header.UserCount} users and {header.ItemCount} items of {factors} factors, which take {padded} floats once each row is padded to {stride} (the vector width the model computes with), more than ModelLoadOptions.MaxElementCount ({options.MaxElementCount}).");
        }

        var body = header.BodyBytes + AlsModelFileHeader.ChecksumSize;
        if (remaining >= 0 && remaining - AlsModelFileHeader.Size < body)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.Truncated,
                sourceName,
                $"truncated: expected {body} bytes of ids, factors and checksum after the header ({header.UserCount} users, {header.ItemCount} items, {factors} factors) but only {remaining - AlsModelFileHeader.Size} remain.");
        }

        var crc = new Crc32();
        crc.Append(headerBytes);
        var reader = new BodyReader(stream, sourceName, lengthIsKnown: remaining >= 0, crc, cancellationToken);
        var userIds = header.HasUserIds ? reader.ReadIds(header.UserCount, "user ids") : null;
        var itemIds = header.HasItemIds ? reader.ReadIds(header.ItemCount, "item ids") : null;
        var userFactors = reader.ReadRows(header.UserCount, factors, stride, "user factors");
        var itemFactors = reader.ReadRows(header.ItemCount, factors, stride, "item factors");
        reader.VerifyChecksum();
        var users = userIds is null ? null : CreateIndex(userIds, "user ids", sourceName);
        var items = itemIds is null ? null : CreateIndex(itemIds, "item ids", sourceName);
        var model = AlsModel.FromPaddedStorage(header.Options, userFactors, itemFactors, header.TrainingLoss);
        return new ModelFileContent(model, users, items);
    }

    private static void CheckRowCount(int rows, string what, int factors, int stride, string sourceName)
    {
        if (rows > AlsModel.MaxRows(stride))
        {
            AlsModelFileErrors.Throw(
                ModelFileError.TooManyElements,
                sourceName,
                $"the header claims {rows} {what} of {factors} factors, more than one .NET array holds (at most {AlsModel.MaxRows(stride)} rows).");
        }
    }

    private static IdIndex<int> CreateIndex(int[] ids, string what, string sourceName)
    {
        try
        {
            return new IdIndex<int>(ids, EqualityComparer<int>.Default);
        }
        catch (ArgumentException e)
        {
            throw AlsModelFileErrors.Create(ModelFileError.InvalidValue, sourceName, $"{what}: {e.Message}", e);
        }
    }

    /// <summary>Reads the body after the header, keeping the running CRC-32 and the first non-finite factor seen
    /// (reported only once the checksum has ruled out damage).</summary>
    /// <remarks>When the stream length is unknown, an array that is full reads its next block into a staging buffer
    /// first and grows only once that block has arrived: a header that lies about its sizes then costs the 4 MiB
    /// start, one block, and arrays no larger than twice what the bytes that came occupy once loaded (less than four
    /// times, counting the ones grown out of), never storage for bytes that were only claimed.</remarks>
    private sealed class BodyReader(Stream stream, string sourceName, bool lengthIsKnown, Crc32 crc, CancellationToken cancellationToken)
    {
        private readonly Crc32 _crc = crc;
        private string? _firstNonFinite;

        /// <summary>One block, allocated the first time an array is full; shared by all the arrays of the body.</summary>
        private byte[]? _staging;

        public int[] ReadIds(int count, string what)
        {
            var capacity = lengthIsKnown ? count : (int)Math.Min(count, GrowthStartBytes / sizeof(int));
            // Every element is overwritten from the stream before anything reads it, so zeroing would be wasted.
            var ids = GC.AllocateUninitializedArray<int>(capacity);
            var totalBytes = (long)count * sizeof(int);
            var done = 0;
            while (done < count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Span<int> block;
                if (done < ids.Length)
                {
                    block = ids.AsSpan(done, Math.Min(ids.Length - done, BlockBytes / sizeof(int)));
                    Fill(MemoryMarshal.AsBytes(block), what, totalBytes, (long)done * sizeof(int));
                }
                else
                {
                    var length = Math.Min(count - done, BlockBytes / sizeof(int));
                    var staged = Stage(length * sizeof(int), what, totalBytes, (long)done * sizeof(int));
                    Array.Resize(ref ids, (int)Math.Min(count, Math.Max(2L * ids.Length, (long)done + length)));
                    block = ids.AsSpan(done, length);
                    staged.CopyTo(MemoryMarshal.AsBytes(block));
                }

                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(block, block);
                }

                done += block.Length;
            }

            return ids;
        }

        /// <summary>
        /// Reads <paramref name="rows"/> unpadded rows into padded storage: each block of rows lands packed at the
        /// start of its own region, then rows move back to front to their padded places (a move within the block,
        /// never through another buffer) and their padding is zeroed. Only the block that makes growing storage grow
        /// comes through the staging buffer, copied to where it would have landed.
        /// </summary>
        public FactorMatrix ReadRows(int rows, int factors, int stride, string what)
        {
            var capacity = lengthIsKnown ? rows : (int)Math.Min(rows, Math.Max(1, GrowthStartBytes / (sizeof(float) * (long)stride)));
            // Every float is overwritten (rows from the stream, padding by Spread) before anything reads it.
            var storage = GC.AllocateUninitializedArray<float>(capacity * stride);
            var rowsPerBlock = Math.Max(1, BlockBytes / (sizeof(float) * factors));
            var totalBytes = (long)rows * factors * sizeof(float);
            var done = 0;
            while (done < rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count;
                Span<float> packed;
                if (done < capacity)
                {
                    count = Math.Min(rowsPerBlock, capacity - done);
                    packed = storage.AsSpan(done * stride, count * factors);
                    Fill(MemoryMarshal.AsBytes(packed), what, totalBytes, (long)done * factors * sizeof(float));
                }
                else
                {
                    count = Math.Min(rowsPerBlock, rows - done);
                    var staged = Stage(count * factors * sizeof(float), what, totalBytes, (long)done * factors * sizeof(float));
                    capacity = (int)Math.Min(rows, Math.Max(2L * capacity, (long)done + count));
                    Array.Resize(ref storage, capacity * stride);
                    packed = storage.AsSpan(done * stride, count * factors);
                    staged.CopyTo(MemoryMarshal.AsBytes(packed));
                }

                if (!BitConverter.IsLittleEndian)
                {
                    var bits = MemoryMarshal.Cast<float, uint>(packed);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }

                if (_firstNonFinite is null && !TensorPrimitives.IsFiniteAll<float>(packed))
                {
                    RecordNonFinite(packed, done, factors, what);
                }

                if (stride != factors)
                {
                    Spread(storage, done, count, factors, stride);
                }

                done += count;
            }

            return new FactorMatrix(storage, rows, factors, stride);
        }

        /// <summary>Reads the stored checksum and compares it with the running one; then reports a non-finite factor, if any.</summary>
        public void VerifyChecksum()
        {
            Span<byte> stored = stackalloc byte[AlsModelFileHeader.ChecksumSize];
            var got = stream.ReadAtLeast(stored, stored.Length, throwOnEndOfStream: false);
            if (got < stored.Length)
            {
                AlsModelFileErrors.Throw(
                    ModelFileError.Truncated, sourceName, $"truncated: expected the {stored.Length}-byte checksum at the end but only {got} bytes remain.");
            }

            var expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
            var computed = _crc.GetCurrentHashAsUInt32();
            if (expected != computed)
            {
                AlsModelFileErrors.Throw(
                    ModelFileError.ChecksumMismatch,
                    sourceName,
                    $"checksum mismatch: the file is corrupted (stored CRC-32 {AlsModelFileHeader.Hex(expected)}, computed {AlsModelFileHeader.Hex(computed)}).");
            }

            if (_firstNonFinite is not null)
            {
                AlsModelFileErrors.Throw(ModelFileError.InvalidValue, sourceName, _firstNonFinite);
            }
        }

        /// <summary>Moves <paramref name="count"/> rows stored packed from row <paramref name="first"/>'s place to
        /// their padded places, last row first (each move goes forward, so no row overwrites one not yet moved).</summary>
        private static void Spread(float[] storage, int first, int count, int factors, int stride)
        {
            var span = storage.AsSpan();
            var packedStart = first * stride;
            for (var row = count - 1; row >= 0; row--)
            {
                var target = span.Slice((first + row) * stride, stride);
                span.Slice(packedStart + (row * factors), factors).CopyTo(target);
                target[factors..].Clear();
            }
        }

        /// <summary>Reads the next <paramref name="length"/> bytes (at most a block) into the staging buffer, so that a
        /// full array grows only for bytes that have arrived.</summary>
        private ReadOnlySpan<byte> Stage(int length, string what, long totalBytes, long doneBytes)
        {
            _staging ??= GC.AllocateUninitializedArray<byte>(BlockBytes);
            var staged = _staging.AsSpan(0, length);
            Fill(staged, what, totalBytes, doneBytes);
            return staged;
        }

        private void Fill(Span<byte> destination, string what, long totalBytes, long doneBytes)
        {
            var got = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            if (got < destination.Length)
            {
                AlsModelFileErrors.Throw(
                    ModelFileError.Truncated,
                    sourceName,
                    $"truncated: expected {totalBytes} bytes of {what} but the file ends after {doneBytes + got}.");
            }

            _crc.Append(destination);
        }

        private void RecordNonFinite(ReadOnlySpan<float> packed, int firstRow, int factors, string what)
        {
            for (var i = 0; i < packed.Length; i++)
            {
                if (!float.IsFinite(packed[i]))
                {
                    _firstNonFinite = string.Create(
                        CultureInfo.InvariantCulture, $"{what}[{firstRow + (i / factors)}, {i % factors}] = {packed[i]} is not finite.");
                    return;
                }
            }
        }
    }
}
