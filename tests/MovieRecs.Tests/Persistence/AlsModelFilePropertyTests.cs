using FsCheck.Xunit;
using MovieRecs.Persistence;
using MovieRecs.Tests.Generators;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

public class AlsModelFilePropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries) })]
    public bool SaveThenLoad_RandomShapesOptionsAndIds_IsIdentity(ModelCase c)
    {
        var model = c.ToModel();
        var userIds = c.UserIndex;
        var itemIds = c.ItemIndex;
        var bytes = SaveToBytes(model, userIds, itemIds);

        var seekable = AlsModelFile.Load(new MemoryStream(bytes));
        var forwardOnly = AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(bytes)));

        return new[] { seekable, forwardOnly }.All(c =>
            SameFactors(model, c.Model)
            && c.Model.Options == model.Options
            && c.Model.TrainingLoss == model.TrainingLoss
            && SameIds(userIds, c.Users)
            && SameIds(itemIds, c.Items));
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries) })]
    public bool SaveThenLoadImplicitNpz_RandomShapesOptionsAndIds_KeepsAllButTheLoss(ModelCase c, bool deflated)
    {
        var model = c.ToModel();
        var userIds = c.UserIndex;
        var itemIds = c.ItemIndex;
        var compression = deflated ? NpzCompression.Deflated : NpzCompression.Stored;

        var loaded = ImplicitModelFile.Load(new MemoryStream(SaveNpzToBytes(model, userIds, itemIds, compression)));

        return SameFactors(model, loaded.Model)
            && loaded.Model.Options == model.Options
            && loaded.Model.TrainingLoss is null
            && SameIds(userIds, loaded.Users)
            && SameIds(itemIds, loaded.Items);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.Damaged) })]
    public bool Load_RandomlyCorruptedFile_FailsOnlyWithInvalidData(ModelCase c, Damage damage)
    {
        var original = SaveToBytes(c.ToModel(), c.UserIndex, c.ItemIndex);
        var corrupted = damage.Apply(original);
        // Damage the checksums can miss is astronomically unlikely; a file that still loads must be the original.
        var unchanged = corrupted.AsSpan().StartsWith(original);

        return FailsOnlyAsDocumented(() => AlsModelFile.Load(new MemoryStream(corrupted)), unchanged)
            && FailsOnlyAsDocumented(() => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(corrupted))), unchanged);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.HeaderFlips) })]
    public bool Load_CorruptedHeader_FailsOnlyWithInvalidData(ModelCase c, Damage flips)
    {
        var original = SaveToBytes(c.ToModel());
        var corrupted = flips.Apply(original, within: HeaderSize);

        return FailsOnlyAsDocumented(() => AlsModelFile.Load(new MemoryStream(corrupted)), corrupted.AsSpan().SequenceEqual(original));
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(PersistenceArbitraries.Damaged) })]
    public bool LoadImplicitNpz_RandomlyCorruptedArchive_FailsOnlyWithInvalidData(ModelCase c, bool deflated, Damage damage)
    {
        var model = c.ToModel();
        var corrupted = damage.Apply(SaveNpzToBytes(model, compression: deflated ? NpzCompression.Deflated : NpzCompression.Stored));

        try
        {
            ImplicitModelFile.Load(new MemoryStream(corrupted));
            return true;
        }
        catch (ModelFileException e) when (Enum.IsDefined(e.Kind))
        {
            return true;
        }
    }

    private static bool SameIds(IdIndex<int>? expected, IdIndex<int>? actual) =>
        expected is null ? actual is null : actual is not null && expected.Keys.SequenceEqual(actual.Keys);

    /// <summary>True when loading succeeds only for an unchanged file, and otherwise fails with a classified <see cref="ModelFileException"/>.</summary>
    private static bool FailsOnlyAsDocumented(Action load, bool unchanged)
    {
        try
        {
            load();
            return unchanged;
        }
        catch (ModelFileException e)
        {
            return Enum.IsDefined(e.Kind) && e.Message.StartsWith("stream: ", StringComparison.Ordinal);
        }
    }
}
