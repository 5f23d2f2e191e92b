using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Persistence;
using MovieRecs.Tests.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// MovieRecs' own model files from strangers, beyond the fixed cases of <see cref="AlsModelFileHostileTests"/> and the
/// checksum-breaking damage of <see cref="AlsModelFilePropertyTests"/>: damage of every kind whose checksums are then
/// made right again (so the loader's own checks, not the CRCs, must catch it), headers claiming any huge shape
/// (rejected before anything large is allocated, from seekable and forward-only streams), and random bytes. Each file
/// either loads, the same from both kinds of stream, or throws <see cref="ModelFileException"/> that
/// <see cref="ModelFileException.Kind"/> classifies and that names the source.
/// </summary>
public class HostileModelFileProperties
{
    private const string Source = "hostile.model";

    private static readonly byte[] Magic = [0x89, (byte)'M', (byte)'R', (byte)'A', (byte)'L', (byte)'S', 0x0D, 0x0A];

    [Property(MaxTest = 100)]
    public Property Load_DamageWithChecksumsMadeRight_LoadsAlikeOrThrowsClassified() =>
        Prop.ForAll(Arb.From(DamagedModels()), damaged =>
        {
            var bytes = damaged.Bytes;
            var seekable = Load(() => AlsModelFile.Load(new MemoryStream(bytes), null, Source));
            var forwardOnly = Load(() => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes)), null, Source));
            var agree = seekable.Content is null
                ? forwardOnly.Content is null && seekable.Error == forwardOnly.Error
                : forwardOnly.Content is not null && SameFactors(seekable.Content.Model, forwardOnly.Content.Model)
                  && seekable.Content.Model.Options == forwardOnly.Content.Model.Options;
            return agree.Label($"{damaged}: seekable {seekable}, forward-only {forwardOnly}");
        });

    [Property(MaxTest = 100)]
    public Property Load_HeaderClaimingHugeShape_RejectedBeforeAllocating() =>
        Prop.ForAll(Arb.From(HugeClaims()), claim =>
            HugeClaimRejected(claim, null).And(HugeClaimRejected(claim, new ModelLoadOptions { MaxElementCount = long.MaxValue })));

    /// <summary>The claim rejected before allocating, under the given limits (with no limit but the .NET arrays', claims reach the checks behind it).</summary>
    private static Property HugeClaimRejected(HugeClaim claim, ModelLoadOptions? options)
    {
        var stream = claim.ForwardOnly ? (Stream)new ForwardOnlyStream(new MemoryStream(claim.Bytes)) : new MemoryStream(claim.Bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = Load(() => AlsModelFile.Load(stream, options, Source));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // From a stream of unknown length each array (user and item ids, user and item factors, in this order)
        // starts at GrowthStartBytes, or at its claimed size if smaller. Once full, it reads its next block (a
        // full one, about 1 MiB, unless its claim ends sooner) into one block-sized staging buffer shared by all
        // four, and grows only after that block has arrived: to twice its size, or to take the block, capped at
        // the claim. The bodies here are at most 1 MiB, less than any start (at least 256 KiB of 1-factor rows
        // padded to 16 floats) plus a full block, so an array grows only when the last block of its claim
        // arrives, and then to exactly its claimed size. The array that meets the end of the body therefore
        // holds only its start; each one before it is complete and cost its start and its final size, neither
        // more than what its bytes occupy once loaded (factor rows padded from Factors to the stride, as in any
        // loaded model). Hence one start, the staging block and twice the padded body. (With longer bodies an
        // array doubles as its bytes come: up to twice, and with the arrays it grew out of less than four
        // times, their padded size.)
        var padding = (double)AlsModel.StrideFor(claim.Factors) / claim.Factors;
        var limit = claim.ForwardOnly
            ? AlsModelFile.GrowthStartBytes + AlsModelFile.BlockBytes + (long)(2 * padding * claim.BodyBytes) + (256L << 10)
            : 256L << 10;
        return (outcome.Error is ModelFileError.Truncated or ModelFileError.TooManyElements && allocated < limit)
            .Label($"{claim} ({(options is null ? "default" : "no")} limit): {outcome}, {allocated} bytes allocated");
    }

    [Property(MaxTest = 100)]
    public Property Load_RandomBytes_ThrowsClassified() =>
        Prop.ForAll(Arb.From(FileCorruptionGen.RandomFile(300, Magic, [.. Magic, 1, 0, 0, 0])), bytes =>
        {
            var raw = Load(() => AlsModelFile.Load(new MemoryStream(bytes), null, Source));
            var resealed = bytes.Length >= HeaderSize ? Load(() => AlsModelFile.Load(new MemoryStream(Reseal((byte[])bytes.Clone())), null, Source)) : raw;
            return (raw.Content is null && resealed.Content is null).Label($"{Convert.ToHexString(bytes)}: {raw}, resealed {resealed}");
        });

    /// <summary>A saved model after damage, its checksums recomputed.</summary>
    internal sealed record DamagedModel(string Model, FileCorruption Corruption, byte[] Bytes)
    {
        public override string ToString() => $"{Model} {Corruption}";
    }

    /// <summary>A header (checksum right) claiming a shape, followed by a few bytes of body.</summary>
    internal sealed record HugeClaim(int Users, int Items, int Factors, uint Flags, int BodyBytes, bool ForwardOnly, byte[] Bytes)
    {
        public override string ToString() =>
            $"{Users} users x {Items} items x {Factors} factors, flags {Flags}, {BodyBytes} body bytes, {(ForwardOnly ? "forward-only" : "seekable")}";
    }

    /// <summary>The outcome of a load: the content, or the kind of the documented exception.</summary>
    private sealed record Outcome(ModelFileContent? Content, ModelFileError? Error)
    {
        public override string ToString() => Content is null ? $"rejected as {Error}" : $"loaded {Content.Model.UserCount} x {Content.Model.ItemCount} x {Content.Model.Factors}";
    }

    /// <summary>Runs a load; any exception but a classified <see cref="ModelFileException"/> naming the source escapes.</summary>
    private static Outcome Load(Func<ModelFileContent> load)
    {
        try
        {
            return new Outcome(load(), null);
        }
        catch (ModelFileException e)
        {
            var error = e.Kind;
            Assert.True(Enum.IsDefined(error), $"A ModelFileException of an undefined kind: {e.Message}");
            Assert.StartsWith(Source + ": ", e.Message, StringComparison.Ordinal);
            return new Outcome(null, error);
        }
    }

    private static Gen<DamagedModel> DamagedModels() =>
        from seed in Gen.Choose(0, int.MaxValue)
        from users in Gen.Choose(1, 6)
        from items in Gen.Choose(1, 6)
        from factors in Gen.Choose(1, 5)
        from ids in Gen.Choose(0, 3)
        from corruption in FileCorruptionGen.Any(
            [0x00, 0x00, 0x80, 0x7F], [0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0xC0, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF], [0x07, 0x00, 0x00, 0x00])
        let random = new Random(seed)
        let model = Random(random, users, items, RandomOptions(random, factors), ids == 3 ? 1.5 : null)
        let saved = SaveToBytes(model, (ids & 1) != 0 ? RandomIds(random, users) : null, (ids & 2) != 0 ? RandomIds(random, items) : null)
        let damaged = corruption.Apply(saved)
        select new DamagedModel($"{users} x {items} x {factors} (ids {ids})", corruption, damaged.Length >= HeaderSize ? Reseal(damaged) : damaged);

    private static Gen<HugeClaim> HugeClaims()
    {
        var big = Gen.Elements(1 << 20, 50_000_000, 200_000_000, 1 << 30, int.MaxValue);
        var any = Gen.Frequency((2, big), (1, Gen.Choose(1, 1000)));
        return from users in any
               from items in any
               from factors in Gen.Frequency((2, Gen.Choose(1, 16)), (1, Gen.Elements(100, 1000, AlsOptions.MaxFactors)))
               from flags in Gen.Choose(0, 7)
               from bodyBytes in Gen.Elements(0, 100, 4096, 1 << 20)
               from forwardOnly in Gen.Elements(false, true)
               where users >= 1 << 20 || items >= 1 << 20 || ((long)users + items) * factors * 4 > bodyBytes
               select new HugeClaim(users, items, factors, (uint)flags, bodyBytes, forwardOnly, Claim(users, items, factors, (uint)flags, bodyBytes));
    }

    private static byte[] Claim(int users, int items, int factors, uint flags, int bodyBytes)
    {
        var bytes = HeaderOnly(users, items, factors, bodyBytes);
        if ((flags & 1) == 0)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(68), 0); // no training loss: the field must be 0
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FlagsOffset), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderCrcOffset), Crc32Tests.Reference(bytes.AsSpan(0, HeaderCrcOffset)));
        return bytes;
    }
}
