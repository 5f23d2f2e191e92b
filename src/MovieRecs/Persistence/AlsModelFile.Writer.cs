using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <content>Writing the own format.</content>
public static partial class AlsModelFile
{
    private static void WriteCore(AlsModel model, Stream stream, IdIndex<int>? users, IdIndex<int>? items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Span<byte> header = stackalloc byte[AlsModelFileHeader.Size];
        AlsModelFileHeader.For(model, users is not null, items is not null).Write(header);
        stream.Write(header);
        var crc = new Crc32();
        crc.Append(header);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            if (users is not null)
            {
                WriteInt32s(stream, users.Keys, buffer, crc, cancellationToken);
            }

            if (items is not null)
            {
                WriteInt32s(stream, items.Keys, buffer, crc, cancellationToken);
            }

            WriteRows(stream, model.UserFactorMatrix, buffer, crc, cancellationToken);
            WriteRows(stream, model.ItemFactorMatrix, buffer, crc, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Span<byte> checksum = stackalloc byte[AlsModelFileHeader.ChecksumSize];
        BinaryPrimitives.WriteUInt32LittleEndian(checksum, crc.GetCurrentHashAsUInt32());
        stream.Write(checksum);
    }

    private static void WriteInt32s(Stream stream, ReadOnlySpan<int> values, byte[] buffer, Crc32 crc, CancellationToken cancellationToken)
    {
        var perBlock = buffer.Length / sizeof(int);
        while (!values.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = values[..Math.Min(values.Length, perBlock)];
            ReadOnlySpan<byte> bytes;
            if (BitConverter.IsLittleEndian)
            {
                bytes = MemoryMarshal.AsBytes(block);
            }
            else
            {
                var swapped = MemoryMarshal.Cast<byte, int>(buffer.AsSpan())[..block.Length];
                BinaryPrimitives.ReverseEndianness(block, swapped);
                bytes = MemoryMarshal.AsBytes(swapped);
            }

            crc.Append(bytes);
            stream.Write(bytes);
            values = values[block.Length..];
        }
    }

    /// <summary>Writes the rows of <paramref name="matrix"/> without their padding: straight from the storage when it has
    /// none, otherwise gathered block by block into <paramref name="buffer"/>.</summary>
    private static void WriteRows(Stream stream, FactorMatrix matrix, byte[] buffer, Crc32 crc, CancellationToken cancellationToken)
    {
        ReadOnlySpan<float> storage = matrix.Storage;
        var (rows, factors, stride) = (matrix.Rows, matrix.Factors, matrix.Stride);
        if (stride == factors && BitConverter.IsLittleEndian)
        {
            var bytes = MemoryMarshal.AsBytes(storage[..(rows * factors)]);
            while (!bytes.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var block = bytes[..Math.Min(bytes.Length, buffer.Length)];
                crc.Append(block);
                stream.Write(block);
                bytes = bytes[block.Length..];
            }

            return;
        }

        var gathered = MemoryMarshal.Cast<byte, float>(buffer.AsSpan());
        var rowsPerBlock = Math.Max(1, gathered.Length / factors);
        for (var first = 0; first < rows; first += rowsPerBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBlock, rows - first);
            var block = gathered[..(count * factors)];
            for (var row = 0; row < count; row++)
            {
                storage.Slice((first + row) * stride, factors).CopyTo(block.Slice(row * factors, factors));
            }

            if (!BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<float, uint>(block);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }

            var bytes = MemoryMarshal.AsBytes(block);
            crc.Append(bytes);
            stream.Write(bytes);
        }
    }
}
