using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using MovieRecs.Persistence;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Persistence;

public class NpyArrayPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries) })]
    public bool WriteThenRead_AnyTypeAndShape_IsIdentity(NpyCase c)
    {
        var array = c.ToArray();
        var bytes = NpyBytes.Write(array);

        var seekable = NpyArray.Read(new MemoryStream(bytes));
        var forwardOnly = NpyArray.Read(new ForwardOnlyStream(new MemoryStream(bytes)));

        return array.ContentEquals(seekable) && array.ContentEquals(forwardOnly) && bytes.Length % 64 == PayloadBytes(array) % 64;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries) })]
    public bool WriteThenRead_ThroughNpz_IsIdentity(NpzCase c)
    {
        var arrays = c.Entries();
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, arrays, c.Compression);

        stream.Position = 0;
        using var archive = NpzArchive.Open(stream);

        return archive.Names.SequenceEqual(arrays.Select(a => a.Key))
            && arrays.All(a => a.Value.ContentEquals(archive.Read(a.Key)));
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries) })]
    public bool Read_FortranOrBigEndianLayout_EqualsRowMajorArray(DoubleGrid grid)
    {
        // Builds the same matrix in each of numpy's four layouts by hand and checks all read back equal.
        var rows = grid.Rows;
        var columns = grid.Columns;
        var values = grid.Values;
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

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.Damaged) })]
    public bool Read_CorruptedNpy_ThrowsNothingButInvalidData(NpyCase c, Damage damage)
    {
        var bytes = NpyBytes.Write(c.ToArray());
        var corrupted = damage.Apply(bytes);

        return Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new MemoryStream(corrupted)))
            && Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(corrupted))));
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.HeaderFlips) })]
    public bool Read_CorruptedHeaderOnly_ThrowsNothingButInvalidData(NpyCase c, Damage flips)
    {
        // All damage lands in the first 64 bytes: magic, version, length and dict.
        var bytes = flips.Apply(NpyBytes.Write(c.ToArray()), within: 64);

        return Corruption.OnlyDocumentedFailures(() => NpyArray.Read(new MemoryStream(bytes)));
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.Damaged) })]
    public bool Read_CorruptedNpz_ThrowsNothingButInvalidData(NpzCase c, Damage damage)
    {
        var arrays = c.Entries();
        using var stream = new MemoryStream();
        NpzArchive.Write(stream, arrays, c.Compression);
        var corrupted = damage.Apply(stream.ToArray());

        return Corruption.OnlyDocumentedFailures(() =>
        {
            using var archive = NpzArchive.Open(new MemoryStream(corrupted));
            archive.ReadAll();
        });
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.Damaged) })]
    public bool Read_CorruptedImplicitModel_ThrowsNothingButInvalidData(NonNegativeInt fixture, Damage damage)
    {
        var name = (fixture.Get % 4) switch
        {
            0 => "implicit_als.npz",
            1 => "implicit_als_deflated.npz",
            2 => "implicit_als_float64.npz",
            _ => "implicit_als_ids.npz",
        };
        var corrupted = damage.Apply(NpzFixtures.Bytes(name));

        return Corruption.OnlyDocumentedFailures(() => ImplicitModelFile.Read(new MemoryStream(corrupted)));
    }

    /// <summary>The bytes of the array's payload, as the writer pads its header to a multiple of 64 before them.</summary>
    private static long PayloadBytes(NpyArray array) => array.DataType == NpyDataType.Unicode
        ? 4L * array.Length * Math.Max(1, array.AsSpan<string>().ToArray().Select(s => s.EnumerateRunes().Count()).DefaultIfEmpty(0).Max())
        : array.DataType switch
        {
            NpyDataType.Bool or NpyDataType.Int8 or NpyDataType.UInt8 => array.Length,
            NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Float16 => 2L * array.Length,
            NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Float32 => 4L * array.Length,
            _ => 8L * array.Length,
        };

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
