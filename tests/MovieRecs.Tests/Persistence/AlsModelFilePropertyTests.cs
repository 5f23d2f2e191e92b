using FsCheck.Xunit;
using MovieRecs.Persistence;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

public class AlsModelFilePropertyTests
{
    [Property(MaxTest = 100)]
    public bool SaveThenLoad_RandomShapesOptionsAndIds_IsIdentity(int seed)
    {
        var random = new Random(seed);
        var (users, items, factors) = (random.Next(1, 40), random.Next(1, 40), random.Next(1, 40));
        var model = Random(random, users, items, RandomOptions(random, factors), random.Next(2) == 0 ? null : random.NextDouble() * 1e6);
        var userIds = random.Next(2) == 0 ? null : RandomIds(random, users);
        var itemIds = random.Next(2) == 0 ? null : RandomIds(random, items);
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

    [Property(MaxTest = 100)]
    public bool SaveThenLoadImplicitNpz_RandomShapesOptionsAndIds_KeepsAllButTheLoss(int seed)
    {
        var random = new Random(seed);
        var (users, items, factors) = (random.Next(1, 30), random.Next(1, 30), random.Next(1, 30));
        var model = Random(random, users, items, RandomOptions(random, factors), trainingLoss: 1);
        var userIds = random.Next(2) == 0 ? null : RandomIds(random, users);
        var itemIds = random.Next(2) == 0 ? null : RandomIds(random, items);
        var compression = random.Next(2) == 0 ? NpzCompression.Stored : NpzCompression.Deflated;

        var loaded = ImplicitModelFile.Load(new MemoryStream(SaveNpzToBytes(model, userIds, itemIds, compression)));

        return SameFactors(model, loaded.Model)
            && loaded.Model.Options == model.Options
            && loaded.Model.TrainingLoss is null
            && SameIds(userIds, loaded.Users)
            && SameIds(itemIds, loaded.Items);
    }

    [Property(MaxTest = 100)]
    public bool Load_RandomlyCorruptedFile_FailsOnlyWithInvalidData(int seed)
    {
        var random = new Random(seed);
        var (users, items) = (random.Next(1, 12), random.Next(1, 12));
        var model = Random(random, users, items, RandomOptions(random, random.Next(1, 12)), random.Next(2) == 0 ? null : 3.5);
        var original = SaveToBytes(model, random.Next(2) == 0 ? null : RandomIds(random, users), random.Next(2) == 0 ? null : RandomIds(random, items));
        var corrupted = ByteDamage.Apply(original, random);
        // Damage the checksums can miss is astronomically unlikely; a file that still loads must be the original.
        var unchanged = corrupted.AsSpan().StartsWith(original);

        return FailsOnlyAsDocumented(() => AlsModelFile.Load(new MemoryStream(corrupted)), unchanged)
            && FailsOnlyAsDocumented(() => AlsModelFile.Load(new ForwardOnlyStream(new MemoryStream(corrupted))), unchanged);
    }

    [Property(MaxTest = 100)]
    public bool Load_CorruptedHeader_FailsOnlyWithInvalidData(int seed)
    {
        var random = new Random(seed);
        var original = SaveToBytes(Random(random, 3, 4, RandomOptions(random, 5)));
        var corrupted = (byte[])original.Clone();
        for (var flips = random.Next(1, 4); flips > 0; flips--)
        {
            corrupted[random.Next(HeaderSize)] ^= (byte)(1 << random.Next(8));
        }

        return FailsOnlyAsDocumented(() => AlsModelFile.Load(new MemoryStream(corrupted)), corrupted.AsSpan().SequenceEqual(original));
    }

    [Property(MaxTest = 100)]
    public bool LoadImplicitNpz_RandomlyCorruptedArchive_FailsOnlyWithInvalidData(int seed)
    {
        var random = new Random(seed);
        var model = Random(random, random.Next(1, 8), random.Next(1, 8), RandomOptions(random, random.Next(1, 8)));
        var corrupted = ByteDamage.Apply(SaveNpzToBytes(model, compression: random.Next(2) == 0 ? NpzCompression.Stored : NpzCompression.Deflated), random);

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
