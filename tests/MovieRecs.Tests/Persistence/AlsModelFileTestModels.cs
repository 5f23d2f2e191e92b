using System.Buffers.Binary;
using MovieRecs.Als;
using MovieRecs.Persistence;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Persistence;

/// <summary>Seeded models, ids and file bytes for the model-file tests, plus header patching (resealed with the reference CRC-32 of <see cref="Crc32Tests"/>).</summary>
internal static class AlsModelFileTestModels
{
    /// <summary>The offsets of the version-1 header fields, as the format documentation lists them.</summary>
    public const int VersionOffset = 8;
    public const int FlagsOffset = 12;
    public const int UsersOffset = 16;
    public const int ItemsOffset = 20;
    public const int FactorsOffset = 24;
    public const int AlphaOffset = 40;
    public const int HeaderCrcOffset = 76;
    public const int HeaderSize = 80;

    public static AlsOptions RandomOptions(Random random, int factors) => new()
    {
        Factors = factors,
        Regularization = random.Next(3) == 0 ? 0 : random.NextDouble() * 2,
        Alpha = 0.5 + (random.NextDouble() * 40),
        Iterations = random.Next(0, 30),
        Solver = random.Next(2) == 0 ? AlsSolver.ConjugateGradient : AlsSolver.Cholesky,
        CgSteps = random.Next(1, 8),
        Seed = random.Next(int.MinValue, int.MaxValue),
        MaxDegreeOfParallelism = random.Next(3) == 0 ? -1 : random.Next(1, 64),
        ComputeLoss = random.Next(2) == 0,
    };

    /// <summary>A model with factors uniform in [-1, 1), built through <see cref="AlsModel.FromFactors(AlsOptions, ReadOnlySpan{float}, ReadOnlySpan{float}, double?)"/>.</summary>
    public static AlsModel Random(Random random, int users, int items, AlsOptions options, double? trainingLoss = null)
    {
        var userFactors = Floats(random, users * options.Factors);
        var itemFactors = Floats(random, items * options.Factors);
        return AlsModel.FromFactors(options, userFactors, itemFactors, trainingLoss);
    }

    public static AlsModel Random(int seed, int users, int items, int factors, double? trainingLoss = null)
    {
        var random = new Random(seed);
        return Random(random, users, items, RandomOptions(random, factors), trainingLoss);
    }

    public static float[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>Distinct ids, shuffled, negative ones included (as external ids may be).</summary>
    public static IdIndex<int> RandomIds(Random random, int count)
    {
        var ids = new HashSet<int>();
        while (ids.Count < count)
        {
            ids.Add(random.Next(-1000, 1_000_000));
        }

        return IdIndex.Create(ids.OrderBy(_ => random.Next()));
    }

    /// <summary>A small model fitted by the trainer (so that serving answers are meaningful) and its matrix.</summary>
    public static (AlsModel Model, CsrMatrix UserItems) Trained(int seed, int users = 30, int items = 25, int factors = 6)
    {
        var matrix = TestMatrices.Random(seed, users, items, density: 0.2);
        var options = new AlsOptions { Factors = factors, Iterations = 3, Seed = seed, Regularization = 0.1, Alpha = 2, ComputeLoss = true };
        return (new AlsTrainer(options).Fit(matrix), matrix);
    }

    public static byte[] SaveToBytes(AlsModel model, IdIndex<int>? users = null, IdIndex<int>? items = null)
    {
        using var stream = new MemoryStream();
        AlsModelFile.Save(model, stream, users, items);
        return stream.ToArray();
    }

    public static byte[] SaveNpzToBytes(AlsModel model, IdIndex<int>? users = null, IdIndex<int>? items = null, NpzCompression compression = NpzCompression.Stored)
    {
        using var stream = new MemoryStream();
        ImplicitModelFile.Save(model, stream, users, items, compression);
        return stream.ToArray();
    }

    /// <summary>Asserts the factors are equal bit for bit (so -0 differs from 0, and no rounding hides).</summary>
    public static void AssertSameFactors(AlsModel expected, AlsModel actual)
    {
        Assert.True(SameFactors(expected, actual), "the factors differ");
    }

    public static bool SameFactors(AlsModel expected, AlsModel actual)
    {
        if (expected.UserCount != actual.UserCount || expected.ItemCount != actual.ItemCount || expected.Factors != actual.Factors)
        {
            return false;
        }

        for (var u = 0; u < expected.UserCount; u++)
        {
            if (!Bits(expected.GetUserFactors(u)).SequenceEqual(Bits(actual.GetUserFactors(u))))
            {
                return false;
            }
        }

        for (var i = 0; i < expected.ItemCount; i++)
        {
            if (!Bits(expected.GetItemFactors(i)).SequenceEqual(Bits(actual.GetItemFactors(i))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Recomputes the header CRC and the final CRC after a deliberate edit, so only the edited fact is wrong.</summary>
    public static byte[] Reseal(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderCrcOffset), Crc32Tests.Reference(bytes.AsSpan(0, HeaderCrcOffset)));
        if (bytes.Length >= HeaderSize + 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32Tests.Reference(bytes.AsSpan(0, bytes.Length - 4)));
        }

        return bytes;
    }

    /// <summary>Just a header (valid magic, version and header CRC) with the given shape, and <paramref name="bodyBytes"/> zero bytes after it.</summary>
    public static byte[] HeaderOnly(int users, int items, int factors, int bodyBytes = 0)
    {
        var bytes = SaveToBytes(Random(1, 1, 1, 4))[..HeaderSize];
        Array.Resize(ref bytes, HeaderSize + bodyBytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(UsersOffset), users);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(ItemsOffset), items);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(FactorsOffset), factors);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderCrcOffset), Crc32Tests.Reference(bytes.AsSpan(0, HeaderCrcOffset)));
        return bytes;
    }

    /// <summary>Asserts that loading fails with <see cref="ModelFileException"/> of the given kind, naming the source.</summary>
    public static ModelFileException AssertFails(ModelFileError expected, Action load, string source = "stream")
    {
        var exception = Assert.Throws<ModelFileException>(load);
        Assert.Equal(expected, exception.Kind);
        Assert.StartsWith(source + ": ", exception.Message, StringComparison.Ordinal);
        return exception;
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}

/// <summary>A write-only stream over another that fails with an <see cref="IOException"/> once <paramref name="limit"/> bytes went through (a full disk, a pulled cable).</summary>
internal sealed class FailingWriteStream(Stream inner, long limit, string? message = null) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var allowed = (int)Math.Min(buffer.Length, limit - Written);
        inner.Write(buffer[..allowed]);
        Written += allowed;
        if (allowed < buffer.Length)
        {
            throw new IOException(message ?? $"Simulated device failure after {Written} bytes.");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
