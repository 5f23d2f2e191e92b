using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Persistence;
using MovieRecs.Tests.Persistence;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// numpy files from strangers, beyond the fixed cases of <see cref="NpyArrayHostileFileTests"/> and the damage to
/// files of our own writer in <see cref="NpyArrayPropertyTests"/>: headers claiming huge shapes (rejected before
/// anything large is allocated, from seekable and forward-only streams), object dtypes in any spelling (rejected from
/// the header alone, the pickle never read), any wrong magic or version, numpy's own files (Fortran order, big-endian,
/// format 2.0 and 3.0, archives, implicit's models) damaged in every way, and random bytes. Each either reads or
/// throws <see cref="ModelFileException"/> classified by <see cref="ModelFileError"/> and naming its source.
/// </summary>
public class HostileNumpyFileProperties
{
    private const string Source = "hostile.npy";

    private static readonly byte[] NpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly byte[] ZipMagic = "PK\u0003\u0004"u8.ToArray();

    /// <summary>The default limits, and none but the .NET arrays' (so that claims reach the checks behind the limit).</summary>
    private static readonly NpyReadOptions?[] Limits = [null, new NpyReadOptions { MaxElementCount = long.MaxValue }];

    [Property(MaxTest = 100)]
    public Property Npy_HeaderClaimingHugeShape_RejectedBeforeAllocating() =>
        Prop.ForAll(Arb.From(HugeShapeFiles()), file => Limits.All(options =>
        {
            var stream = file.ForwardOnly ? (Stream)new ForwardOnlyStream(new MemoryStream(file.Bytes)) : new MemoryStream(file.Bytes);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var error = Rejected(() => NpyArray.Read(stream, options, Source));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // A forward-only stream may stage one 1 MiB block before it finds the payload missing; a seekable one
            // knows the length at once.
            var limit = file.ForwardOnly ? 3L << 20 : 256L << 10;
            return error is ModelFileError.TooManyElements or ModelFileError.Truncated && allocated < limit;
        }).Label($"{file}: default and unlimited options"));

    [Property(MaxTest = 100)]
    public Property Npy_ObjectDtypeInAnySpelling_RejectedWithoutReadingThePickle() =>
        Prop.ForAll(Arb.From(ObjectArrayFiles()), file =>
        {
            var stream = new MemoryStream(file.Bytes);
            var error = Rejected(() => NpyArray.Read(stream, null, Source));
            return (error == ModelFileError.ObjectArray && stream.Position <= file.HeaderBytes)
                .Label($"{file}: {error}, stream left at {stream.Position} of a {file.HeaderBytes}-byte header");
        });

    [Property(MaxTest = 100)]
    public Property Npy_WrongMagicOrVersion_RejectedAsSuch() =>
        Prop.ForAll(Arb.From(WrongPrefix()), damaged =>
        {
            var (name, position, value) = damaged;
            var bytes = NpzFixtures.Bytes(name);
            if (bytes[position] == value)
            {
                return true.Label("unchanged");
            }

            bytes[position] = value;
            var versionOk = (bytes[6], bytes[7]) is (1, 0) or (2, 0) or (3, 0);
            var expected = position < 6 ? ModelFileError.BadMagic : versionOk ? (ModelFileError?)null : ModelFileError.UnsupportedVersion;
            var error = Rejected(() => NpyArray.Read(new MemoryStream(bytes), null, Source));

            // A valid version changed into another valid one may read, or fail on the header (v3 reads it as UTF-8,
            // and v2/v3 take four length bytes instead of two).
            return (expected is null || error == expected).Label($"{name} byte {position} = 0x{value:X2}: {error?.ToString() ?? "read"}");
        });

    [Property(MaxTest = 100)]
    public Property NumpyWrittenNpy_AnyDamage_ReadsOrThrowsDocumented() =>
        Prop.ForAll(Arb.From(Damaged(NpzFixtures.Names("npy").ToArray())), damaged =>
        {
            Rejected(() => NpyArray.Read(new MemoryStream(damaged.Bytes), null, Source));
            Rejected(() => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(damaged.Bytes)), null, Source));
            return true.Label(damaged.ToString());
        });

    [Property(MaxTest = 100)]
    public Property NumpyWrittenArchives_AnyDamage_ReadOrThrowDocumented() =>
        Prop.ForAll(Arb.From(Damaged([.. NpzFixtures.Names("npz"), .. NpzFixtures.Names("npz-partial"), .. NpzFixtures.Names("implicit-model")])), damaged =>
        {
            var bytes = damaged.Bytes;
            Rejected(() =>
            {
                using var archive = NpzArchive.Open(new MemoryStream(bytes), null, leaveOpen: false, Source);
                foreach (var name in archive.Names)
                {
                    Rejected(() => archive.Read(name));
                }

                return archive;
            });
            Rejected(() => ImplicitModelFile.Read(new MemoryStream(bytes), null, Source));
            Rejected(() => ImplicitModelFile.Read(new ForwardOnlyStream(new MemoryStream(bytes)), null, Source));
            LoadImplicitOrNameSource(bytes);
            return true.Label(damaged.ToString());
        });

    [Property(MaxTest = 100)]
    public Property NumpyLoaders_RandomBytes_ThrowOnlyDocumented() =>
        Prop.ForAll(Arb.From(FileCorruptionGen.RandomFile(512, NpyMagic, [.. NpyMagic, 1, 0], ZipMagic)), bytes =>
        {
            Rejected(() => NpyArray.Read(new MemoryStream(bytes), null, Source));
            Rejected(() => NpyArray.Read(new ForwardOnlyStream(new MemoryStream(bytes)), null, Source));
            Rejected(() =>
            {
                using var archive = NpzArchive.Open(new MemoryStream(bytes), null, leaveOpen: false, Source);
                return archive.ReadAll();
            });
            Rejected(() => ImplicitModelFile.Read(new MemoryStream(bytes), null, Source));
            LoadImplicitOrNameSource(bytes);
            return true.Label(Convert.ToHexString(bytes));
        });

    /// <summary>A .npy file whose header claims more than it holds.</summary>
    internal sealed record HugeShapeFile(string Header, int Version, bool ForwardOnly, byte[] Bytes)
    {
        public override string ToString() => $"v{Version} {(ForwardOnly ? "forward-only" : "seekable")} {Header.Trim()} + {Bytes.Length} bytes";
    }

    /// <summary>A .npy file of object dtype, and where its header ends.</summary>
    internal sealed record ObjectArrayFile(string Header, long HeaderBytes, byte[] Bytes)
    {
        public override string ToString() => Header.Trim();
    }

    /// <summary>A numpy fixture after damage.</summary>
    internal sealed record DamagedFixture(string Name, FileCorruption Corruption, byte[] Bytes)
    {
        public override string ToString() => $"{Name} {Corruption}";
    }

    /// <summary>
    /// Runs a read: null when it returned, the error kind when it threw the documented exception naming the source;
    /// any other exception escapes and fails the property.
    /// </summary>
    private static ModelFileError? Rejected<T>(Func<T> read)
    {
        try
        {
            read();
            return null;
        }
        catch (ModelFileException e)
        {
            var error = e.Kind;
            Assert.True(Enum.IsDefined(error), $"A ModelFileException of an undefined kind: {e.Message}");
            Assert.StartsWith(Source, e.SourceName, StringComparison.Ordinal);
            Assert.StartsWith(Source, e.Message, StringComparison.Ordinal);
            return error;
        }
    }

    /// <summary>The serving model from implicit's file: loads, or throws the documented exception naming the file.</summary>
    private static void LoadImplicitOrNameSource(byte[] bytes) =>
        Rejected(() => ImplicitModelFile.Load(new MemoryStream(bytes), null, Source));

    private static Gen<HugeShapeFile> HugeShapeFiles()
    {
        var big = Gen.Elements(1L << 20, 1L << 24, int.MaxValue, 1L << 31, 1L << 32, 1L << 40, 1L << 62, long.MaxValue);
        var any = Gen.Frequency((2, big), (1, Gen.Choose(1, 1000).Select(d => (long)d)));
        return from descr in Gen.Elements("<f4", ">f8", "<f2", "|b1", "|u1", "<i8", "<U16", ">U1")
               from dimensions in Gen.Choose(1, 2).SelectMany(rank => Gen.ArrayOf(any, rank))
               from forced in big
               from fortran in Gen.Elements("False", "True")
               from version in Gen.Elements(1, 2, 3)
               from payload in Gen.Choose(0, 64).SelectMany(n => Gen.ArrayOf(FileCorruptionGen.Byte, n))
               from forwardOnly in Gen.Elements(false, true)
               let shape = dimensions.Length == 1 ? $"({forced},)" : $"({forced}, {dimensions[1]})"
               let header = NpyBytes.Dict(descr, shape, fortran)
               select new HugeShapeFile(header, version, forwardOnly, NpyBytes.Build(header, payload, (byte)version));
    }

    private static Gen<ObjectArrayFile> ObjectArrayFiles() =>
        from order in Gen.Elements("", "|", "<", ">", "=")
        from size in Gen.Elements("", "4", "8")
        from shape in Gen.Elements("()", "(1,)", "(3,)", "(2, 2)", "(4611686018427387904,)", "(2, 3, 4)")
        from keysFirst in Gen.Elements(false, true)
        from pickle in Gen.Choose(0, 64).SelectMany(n => Gen.ArrayOf(FileCorruptionGen.Byte, n))
        let descr = order + "O" + size
        let header = keysFirst
            ? $"{{'shape': {shape}, 'fortran_order': False, 'descr': '{descr}'}}\n"
            : NpyBytes.Dict(descr, shape)
        let bytes = NpyBytes.Build(header, [0x80, 0x04, .. pickle, (byte)'.'])
        select new ObjectArrayFile(header, bytes.Length - pickle.Length - 3, bytes);

    private static Gen<(string Name, int Position, byte Value)> WrongPrefix() =>
        from name in Gen.Elements(NpzFixtures.Names("npy").ToArray())
        from position in Gen.Choose(0, 7)
        from value in FileCorruptionGen.Byte
        select (name, position, value);

    private static Gen<DamagedFixture> Damaged(string[] names) =>
        from name in Gen.Elements(names)
        from corruption in FileCorruptionGen.Any(NpyMagic, ZipMagic, "'<f8'"u8.ToArray(), "'|O'"u8.ToArray(), "(4294967296, 3)"u8.ToArray(), [0xFF, 0xFF, 0xFF, 0x7F])
        select new DamagedFixture(name, corruption, corruption.Apply(NpzFixtures.Bytes(name)));
}
