using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MovieRecs.Als;

namespace MovieRecs.Persistence;

/// <summary>
/// The fixed 80-byte header of a MovieRecs model file (format version 1), all numbers little-endian:
/// <code>
///  0  8  magic  89 4D 52 41 4C 53 0D 0A  ("\x89MRALS\r\n": the high byte and the CR LF catch 7-bit and text-mode copies)
///  8  4  format version (uint32) = 1
/// 12  4  flags (uint32): 1 = training loss, 2 = user ids, 4 = item ids, 8 = Spark's convention
///          (AlsConvention.Spark; files of implicit's convention, all files before it, leave it 0); other bits must be 0
/// 16  4  users (int32, ≥ 1)
/// 20  4  items (int32, ≥ 1)
/// 24  4  factors (int32, 1..AlsOptions.MaxFactors)
/// 28  4  iterations (int32)
/// 32  8  regularization (float64)
/// 40  8  alpha (float64)
/// 48  4  solver (int32, AlsSolver)
/// 52  4  CG steps (int32)
/// 56  4  seed (int32)
/// 60  4  max degree of parallelism (int32)
/// 64  4  compute loss (int32, 0 or 1)
/// 68  8  training loss (float64; 0 without flag 1)
/// 76  4  CRC-32 of bytes 0..75
/// </code>
/// The body follows: the user ids (users × int32) and item ids (items × int32) when flagged, the user factors
/// (users × factors float32, row-major, unpadded), the item factors, then the CRC-32 of every byte before it.
/// </summary>
internal readonly record struct AlsModelFileHeader(uint Flags, int UserCount, int ItemCount, AlsOptions Options, double? TrainingLoss)
{
    /// <summary>The header size in bytes.</summary>
    public const int Size = 80;

    /// <summary>The version this library writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The size of each CRC-32.</summary>
    public const int ChecksumSize = 4;

    public const uint TrainingLossFlag = 1;
    public const uint UserIdsFlag = 2;
    public const uint ItemIdsFlag = 4;

    /// <summary>The model was trained with <see cref="AlsConvention.Spark"/>. Added within version 1: files without it are
    /// unchanged, and a reader that predates it rejects a Spark-convention file (unknown flag) instead of folding in
    /// with the wrong convention.</summary>
    public const uint SparkConventionFlag = 8;
    private const uint KnownFlags = TrainingLossFlag | UserIdsFlag | ItemIdsFlag | SparkConventionFlag;
    private const int CrcOffset = 76;

    /// <summary>The magic bytes every model file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'R', (byte)'A', (byte)'L', (byte)'S', 0x0D, 0x0A];

    public bool HasUserIds => (Flags & UserIdsFlag) != 0;

    public bool HasItemIds => (Flags & ItemIdsFlag) != 0;

    /// <summary>The bytes between the header and the final checksum.</summary>
    public long BodyBytes =>
        (HasUserIds ? 4L * UserCount : 0) + (HasItemIds ? 4L * ItemCount : 0) + (4L * Options.Factors * ((long)UserCount + ItemCount));

    /// <summary>The header of <paramref name="model"/> with the given id lists.</summary>
    public static AlsModelFileHeader For(AlsModel model, bool userIds, bool itemIds) => new(
        (model.TrainingLoss is null ? 0 : TrainingLossFlag) | (userIds ? UserIdsFlag : 0) | (itemIds ? ItemIdsFlag : 0)
            | (model.Options.Convention == AlsConvention.Spark ? SparkConventionFlag : 0),
        model.UserCount,
        model.ItemCount,
        model.Options,
        model.TrainingLoss);

    /// <summary>Writes the 80 header bytes, checksum included.</summary>
    public void Write(Span<byte> destination)
    {
        var o = Options;
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Flags);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], ItemCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], o.Factors);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], o.Iterations);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[32..], o.Regularization);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[40..], o.Alpha);
        BinaryPrimitives.WriteInt32LittleEndian(destination[48..], (int)o.Solver);
        BinaryPrimitives.WriteInt32LittleEndian(destination[52..], o.CgSteps);
        BinaryPrimitives.WriteInt32LittleEndian(destination[56..], o.Seed);
        BinaryPrimitives.WriteInt32LittleEndian(destination[60..], o.MaxDegreeOfParallelism);
        BinaryPrimitives.WriteInt32LittleEndian(destination[64..], o.ComputeLoss ? 1 : 0);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[68..], TrainingLoss ?? 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CrcOffset..], Crc32.HashToUInt32(destination[..CrcOffset]));
    }

    /// <summary>
    /// Parses and validates a header from the first bytes of a file (fewer than <see cref="Size"/> when the file is
    /// shorter): magic, then version, then length, then checksum, then every field.
    /// </summary>
    public static AlsModelFileHeader Parse(ReadOnlySpan<byte> bytes, string sourceName)
    {
        if (bytes.IsEmpty)
        {
            Fail(ModelFileError.Truncated, sourceName, $"truncated: the file is empty (expected an {Size}-byte header).");
        }

        var magicBytes = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            var hint = bytes.StartsWith("PK\x03\x04"u8)
                ? "; it looks like a zip archive (an implicit .npz model? use ImplicitModelFile.Load)"
                : string.Empty;
            Fail(ModelFileError.BadMagic, sourceName, $"not a MovieRecs model file (bad magic: starts with '{NpyErrors.Printable(bytes[..magicBytes])}'){hint}.");
        }

        if (bytes.Length < 12)
        {
            Fail(ModelFileError.Truncated, sourceName, $"truncated: expected an {Size}-byte header but the file has {bytes.Length} bytes.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version == 0)
        {
            Fail(ModelFileError.UnsupportedVersion, sourceName, "format version 0 is not valid (the file is corrupted).");
        }

        if (version > CurrentVersion)
        {
            Fail(
                ModelFileError.UnsupportedVersion,
                sourceName,
                $"format version {version} is newer than this library supports ({CurrentVersion}); upgrade MovieRecs to read it.");
        }

        if (bytes.Length < Size)
        {
            Fail(ModelFileError.Truncated, sourceName, $"truncated: expected an {Size}-byte header but the file has {bytes.Length} bytes.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[CrcOffset..]);
        var computed = Crc32.HashToUInt32(bytes[..CrcOffset]);
        if (stored != computed)
        {
            Fail(
                ModelFileError.ChecksumMismatch,
                sourceName,
                $"header checksum mismatch: the file is corrupted (stored CRC-32 {Hex(stored)}, computed {Hex(computed)}).");
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if ((flags & ~KnownFlags) != 0)
        {
            Fail(ModelFileError.InvalidHeader, sourceName, $"unknown flags {Hex(flags & ~KnownFlags)} in the header.");
        }

        var users = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        var items = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        var factors = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        if (users < 1 || items < 1)
        {
            Fail(ModelFileError.InvalidHeader, sourceName, $"the header claims {users} users and {items} items; a model has at least one of each.");
        }

        if (factors < 1 || factors > AlsOptions.MaxFactors)
        {
            Fail(ModelFileError.InvalidHeader, sourceName, $"the header claims {factors} factors; it must be between 1 and {AlsOptions.MaxFactors}.");
        }

        var computeLoss = BinaryPrimitives.ReadInt32LittleEndian(bytes[64..]);
        if (computeLoss is not (0 or 1))
        {
            Fail(ModelFileError.InvalidHeader, sourceName, $"the compute-loss field is {computeLoss}; it must be 0 or 1.");
        }

        var options = new AlsOptions
        {
            Factors = factors,
            Iterations = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]),
            Regularization = BinaryPrimitives.ReadDoubleLittleEndian(bytes[32..]),
            Alpha = BinaryPrimitives.ReadDoubleLittleEndian(bytes[40..]),
            Solver = (AlsSolver)BinaryPrimitives.ReadInt32LittleEndian(bytes[48..]),
            CgSteps = BinaryPrimitives.ReadInt32LittleEndian(bytes[52..]),
            Seed = BinaryPrimitives.ReadInt32LittleEndian(bytes[56..]),
            MaxDegreeOfParallelism = BinaryPrimitives.ReadInt32LittleEndian(bytes[60..]),
            ComputeLoss = computeLoss == 1,
            Convention = (flags & SparkConventionFlag) != 0 ? AlsConvention.Spark : AlsConvention.Implicit,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw AlsModelFileErrors.Create(ModelFileError.InvalidHeader, sourceName, $"invalid options in the header: {e.Message}", e);
        }

        var loss = BinaryPrimitives.ReadDoubleLittleEndian(bytes[68..]);
        double? trainingLoss = null;
        if ((flags & TrainingLossFlag) != 0)
        {
            if (!double.IsFinite(loss) || loss < 0)
            {
                Fail(ModelFileError.InvalidHeader, sourceName, $"the training loss is {loss.ToString(CultureInfo.InvariantCulture)}; it must be finite and >= 0.");
            }

            trainingLoss = loss;
        }
        else if (BitConverter.DoubleToInt64Bits(loss) != 0)
        {
            Fail(ModelFileError.InvalidHeader, sourceName, "the training-loss field is set but its flag is not.");
        }

        return new AlsModelFileHeader(flags, users, items, options, trainingLoss);
    }

    public static string Hex(uint value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    [DoesNotReturn]
    private static void Fail(ModelFileError error, string sourceName, string detail) =>
        AlsModelFileErrors.Throw(error, sourceName, detail);
}
