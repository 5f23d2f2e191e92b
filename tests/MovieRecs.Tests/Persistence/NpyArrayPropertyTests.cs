using System.Buffers.Binary;
using FsCheck.Xunit;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class NpyArrayPropertyTests
{
    [Property(MaxTest = 100)]
    public bool WriteThenRead_AnyTypeAndShape_IsIdentity(int seed)
    {
        var random = new Random(seed);
        var array = RandomArrays.Create(random);
        var bytes = NpyBytes.Write(array);

        var seekable = NpyArray.Read(new MemoryStream(bytes));
        var forwardOnly = NpyArray.Read(new ForwardOnlyStream(new MemoryStream(bytes)));

        return array.ContentEquals(seekable) && array.ContentEquals(forwardOnly) && bytes.Length % 64 == RandomArrays.PayloadBytes(array) % 64;
    }

    [Property(MaxTest = 100)]
    public bool WriteThenRead_ThroughNpz_IsIdentity(int seed)
    {
        var random = new Random(seed);
        var arrays = Enumerable.Range(0, random.Next(0, 5))
            .Select(i => new KeyValuePair<string, NpyArray>($"a{i}", RandomArrays.Create(random)))
            .ToList();
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, arrays, random.Next(2) == 0 ? NpzCompression.Stored : NpzCompression.Deflated);

        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);

        return archive.Names.SequenceEqual(arrays.Select(a => a.Key))
            && arrays.All(a => a.Value.ContentEquals(archive.Read(a.Key)));
    }

    [Property(MaxTest = 100)]
    public bool Read_FortranOrBigEndianLayout_EqualsRowMajorArray(int seed)
    {
        // Builds the same matrix in each of numpy's four layouts by hand and checks all read back equal.
        var random = new Random(seed);
        var rows = random.Next(0, 9);
        var columns = random.Next(0, 9);
        var values = Enumerable.Range(0, rows * columns).Select(_ => (random.NextDouble() - 0.5) * 1e6).ToArray();
        var expected = NpyArray.Create<double>(values, rows, columns);
        foreach (var fortran in new[] { false, true })
        {
            foreach (var bigEndian in new[] { false, true })
            {
                var payload = new byte[values.Length * 8];
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        var at = 8 * (fortran ? (c * rows) + r : (r * columns) + c);
                        if (bigEndian)
                        {
                            BinaryPrimitives.WriteDoubleBigEndian(payload.AsSpan(at), values[(r * columns) + c]);
                        }
                        else
                        {
                            BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(at), values[(r * columns) + c]);
                        }
                    }
                }

                var header = NpyBytes.Dict(bigEndian ? ">f8" : "<f8", $"({rows}, {columns})", fortran ? "True" : "False");
                var read = NpyArray.Read(new MemoryStream(NpyBytes.Build(header, payload)));
                var single = NpyArray.Read(new MemoryStream(NpyBytes.Build(header, payload)), new NpyReadOptions { ConvertFloatsToSingle = true });
                if (!expected.ContentEquals(read) || !single.AsSpan<float>().SequenceEqual(values.Select(v => (float)v).ToArray()))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public bool Read_CorruptedNpy_ThrowsNothingButInvalidData(int seed)
    {
        var random = new Random(seed);
        var bytes = NpyBytes.Write(RandomArrays.Create(random));
        var corrupted = ByteDamage.Apply(bytes, random);

        return Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new MemoryStream(corrupted)))
            && Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(corrupted))));
    }

    [Property(MaxTest = 100)]
    public bool Read_CorruptedHeaderOnly_ThrowsNothingButInvalidData(int seed)
    {
        // All damage lands in the first 64 bytes: magic, version, length and dict.
        var random = new Random(seed);
        var bytes = NpyBytes.Write(RandomArrays.Create(random));
        for (var flips = random.Next(1, 4); flips > 0; flips--)
        {
            bytes[random.Next(0, 64)] ^= (byte)(1 << random.Next(8));
        }

        return Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new MemoryStream(bytes)));
    }

    [Property(MaxTest = 100)]
    public bool Read_CorruptedNpz_ThrowsNothingButInvalidData(int seed)
    {
        var random = new Random(seed);
        var arrays = Enumerable.Range(0, random.Next(1, 4))
            .Select(i => new KeyValuePair<string, NpyArray>($"a{i}", RandomArrays.Create(random)))
            .ToList();
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, arrays, random.Next(2) == 0 ? NpzCompression.Stored : NpzCompression.Deflated);
        var corrupted = ByteDamage.Apply(stream.ToArray(), random);

        return Corruption.OnlyDocumentedFailures(() =>
        {
            using var archive = NpzArchive.Open(new MemoryStream(corrupted));
            archive.ReadAll();
        });
    }

    [Property(MaxTest = 100)]
    public bool Read_CorruptedImplicitModel_ThrowsNothingButInvalidData(int seed)
    {
        var random = new Random(seed);
        var name = random.Next(4) switch
        {
            0 => "implicit_als.npz",
            1 => "implicit_als_deflated.npz",
            2 => "implicit_als_float64.npz",
            _ => "implicit_als_ids.npz",
        };
        var corrupted = ByteDamage.Apply(NpzFixtures.Bytes(name), random);

        return Corruption.OnlyDocumentedFailures(() => ImplicitModelFile.Read(new MemoryStream(corrupted)));
    }

    /// <summary>Random arrays of every supported type, rank 0 to 2, small dimensions.</summary>
    private static class RandomArrays
    {
        private const string Alphabet = "aZ09 é€😀\u0001\u00ff";

        public static NpyArray Create(Random random)
        {
            var rank = random.Next(0, 3);
            var shape = Enumerable.Range(0, rank).Select(_ => random.Next(0, 7)).ToArray();
            var count = shape.Aggregate(1, (a, b) => a * b);
            return (NpyDataType)random.Next(1, 14) switch
            {
                NpyDataType.Bool => NpyArray.Create<bool>(Fill(count, () => random.Next(2) == 1), shape),
                NpyDataType.Int8 => NpyArray.Create<sbyte>(Fill(count, () => (sbyte)random.Next()), shape),
                NpyDataType.UInt8 => NpyArray.Create<byte>(Fill(count, () => (byte)random.Next()), shape),
                NpyDataType.Int16 => NpyArray.Create<short>(Fill(count, () => (short)random.Next()), shape),
                NpyDataType.UInt16 => NpyArray.Create<ushort>(Fill(count, () => (ushort)random.Next()), shape),
                NpyDataType.Int32 => NpyArray.Create<int>(Fill(count, () => random.Next(int.MinValue, int.MaxValue)), shape),
                NpyDataType.UInt32 => NpyArray.Create<uint>(Fill(count, () => (uint)random.NextInt64()), shape),
                NpyDataType.Int64 => NpyArray.Create<long>(Fill(count, () => random.NextInt64(long.MinValue, long.MaxValue)), shape),
                NpyDataType.UInt64 => NpyArray.Create<ulong>(Fill(count, () => (ulong)random.NextInt64() * 3), shape),
                NpyDataType.Float16 => NpyArray.Create<Half>(Fill(count, () => BitConverter.UInt16BitsToHalf((ushort)random.Next())), shape),
                NpyDataType.Float32 => NpyArray.Create<float>(Fill(count, () => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))), shape),
                NpyDataType.Float64 => NpyArray.Create<double>(Fill(count, () => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue))), shape),
                _ => NpyArray.Create<string>(Fill(count, () => RandomString(random)), shape),
            };
        }

        public static long PayloadBytes(NpyArray array) => array.DataType == NpyDataType.Unicode
            ? 4L * array.Length * Math.Max(1, array.AsSpan<string>().ToArray().Max(s => s.EnumerateRunes().Count()) is var w ? w : 1)
            : array.DataType switch
            {
                NpyDataType.Bool or NpyDataType.Int8 or NpyDataType.UInt8 => array.Length,
                NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Float16 => 2L * array.Length,
                NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Float32 => 4L * array.Length,
                _ => 8L * array.Length,
            };

        private static string RandomString(Random random)
        {
            var runes = Alphabet.EnumerateRunes().ToArray();
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => runes[random.Next(runes.Length)].ToString()));
            return text.TrimEnd('\0');
        }

        private static T[] Fill<T>(int count, Func<T> next) => Enumerable.Range(0, count).Select(_ => next()).ToArray();
    }

    /// <summary>The check that reading a damaged file fails only in the documented way.</summary>
    private static class Corruption
    {
        public static bool OnlyDocumentedFailures(Action read)
        {
            try
            {
                read();
                return true;
            }
            catch (ModelFileException e) when (Enum.IsDefined(e.Kind))
            {
                return !string.IsNullOrEmpty(e.SourceName);
            }
        }
    }
}
