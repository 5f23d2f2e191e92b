using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A model to serve as factor rows picked from a set of rows: user u has row <c>UserPicks[u]</c>, item i row
/// <c>ItemPicks[i]</c> (both modulo the row count, so they stay valid as the rows shrink). Rows picked twice tie
/// exactly. Shrinks to fewer users and items, fewer and simpler rows, picks nearer row 0.
/// </summary>
public sealed record PickedFactors(FactorSet Rows, int[] UserPicks, int[] ItemPicks)
{
    public int Factors => Rows.FactorCount;

    public float[] UserFactors => Pick(UserPicks);

    public float[] ItemFactors => Pick(ItemPicks);

    public static Arbitrary<PickedFactors> Arb(Gen<PickedFactors> gen, int minUsers, int minItems) =>
        FsCheck.Fluent.Arb.From(gen, c => Shrink(c, minUsers, minItems));

    /// <summary>
    /// Users and items picked from a few distinct rows of small whole numbers (so that many scores tie exactly):
    /// 2 to 5 rows of 6 factors from -3 to 3, 3 to 59 users and 3 to 79 items.
    /// </summary>
    public static Gen<PickedFactors> FewDistinctRows { get; } =
        from rows in SparseGen.FactorSets(2, 5, 6, 6, Gen.Choose(-3, 3).Select(v => (float)v))
        from users in Shrinkable.ArrayOf(Gen.Choose(0, rows.RowCount - 1), 3, 59)
        from items in Shrinkable.ArrayOf(Gen.Choose(0, rows.RowCount - 1), 3, 79)
        select new PickedFactors(rows, users, items);

    /// <summary>
    /// Hundreds of items (150 to 699, so that the all-pairs strips have the panels their seeds need), 2 to 39 factors
    /// from -0.3 to 0.7, each item its own row except one in eight, which repeats another item's row; three users.
    /// </summary>
    public static Gen<PickedFactors> SeedingSizes { get; } =
        from items in Gen.Choose(150, 699)
        from rows in SparseGen.FactorSets(items, items, 2, 39, Gen.Choose(-300, 699).Select(v => v / 1000f))
        from copies in Gen.ArrayOf(Gen.Frequency((7, Gen.Constant(-1)), (1, Gen.Choose(0, items - 1))), items)
        from users in Gen.ArrayOf(Gen.Choose(0, items - 1), 3)
        select new PickedFactors(rows, users, [.. copies.Select((copy, i) => copy < 0 ? i : copy)]);

    /// <summary>A user or an item fewer, the rows shrunk, a pick nearer row 0.</summary>
    public static IEnumerable<PickedFactors> Shrink(PickedFactors c, int minUsers, int minItems) =>
        Shrinkable.ShrinkArray(c.ItemPicks, _ => [], minItems).Select(i => c with { ItemPicks = i })
            .Concat(Shrinkable.ShrinkArray(c.UserPicks, _ => [], minUsers).Select(u => c with { UserPicks = u }))
            .Concat(SparseGen.Shrink(c.Rows).Select(r => c with { Rows = r }))
            .Concat(Shrinkable.ShrinkArray(c.ItemPicks, p => Shrinkable.Toward(p % c.Rows.RowCount, 0), c.ItemPicks.Length).Select(i => c with { ItemPicks = i }))
            .Concat(Shrinkable.ShrinkArray(c.UserPicks, p => Shrinkable.Toward(p % c.Rows.RowCount, 0), c.UserPicks.Length).Select(u => c with { UserPicks = u }));

    public override string ToString() =>
        $"rows {Rows}, users [{string.Join(", ", UserPicks.Select(p => p % Rows.RowCount))}], items [{string.Join(", ", ItemPicks.Select(p => p % Rows.RowCount))}]";

    private float[] Pick(int[] picks) => [.. picks.SelectMany(p => Rows.Row(p % Rows.RowCount).ToArray())];
}

/// <summary>A training case for a model to serve, with a user and an item (modulo the matrix's shape) and the factors and count of a query.</summary>
public sealed record ServingCase(TrainingCase Training, int User, int Item, int Factors, int Count)
{
    public int UserIndex => User % Training.Ratings.RowCount;

    public int ItemIndex => Item % Training.Ratings.ColumnCount;

    public static Arbitrary<ServingCase> Arb(int maxUsers, int maxItems, int minFactors, int maxFactors, int maxCount) =>
        FsCheck.Fluent.Arb.From(
            from training in TrainingCase.Arb(maxUsers, maxItems, 0.15, minRating: 3).Generator
            from user in Gen.Choose(0, maxUsers - 1)
            from item in Gen.Choose(0, maxItems - 1)
            from factors in Gen.Choose(minFactors, maxFactors)
            from count in Gen.Choose(1, maxCount)
            select new ServingCase(training, user, item, factors, count),
            c => Shrink(c, minFactors));

    public static IEnumerable<ServingCase> Shrink(ServingCase c, int minFactors) =>
        TrainingCase.Shrink(c.Training).Select(t => c with { Training = t })
            .Concat(Shrinkable.Toward(c.User, 0).Select(u => c with { User = u }))
            .Concat(Shrinkable.Toward(c.Item, 0).Select(i => c with { Item = i }))
            .Concat(Shrinkable.Toward(c.Factors, minFactors).Select(f => c with { Factors = f }))
            .Concat(Shrinkable.Toward(c.Count, 1).Select(n => c with { Count = n }));

    public override string ToString() => $"{Training}, user {UserIndex}, item {ItemIndex}, {Factors} factors, count {Count}";
}

/// <summary>The serving properties' cases, one class per distribution (a <c>[Property(Arbitrary = ...)]</c> picks one).</summary>
public static class ServingArbitraries
{
    /// <summary>Up to 40 users x 30 items rated 3 to 5, a model of 6 factors, any user and item.</summary>
    public static class Explain
    {
        public static Arbitrary<ServingCase> ServingCase() => Generators.ServingCase.Arb(40, 30, 6, 6, 1);
    }

    /// <summary>Up to 89 users x 69 items rated 3 to 5, models of 1 to 11 factors, counts 1 to 11.</summary>
    public static class Similar
    {
        public static Arbitrary<ServingCase> ServingCase() => Generators.ServingCase.Arb(89, 69, 1, 11, 11);
    }

    /// <summary>See <see cref="PickedFactors.FewDistinctRows"/>.</summary>
    public static class FewDistinctRows
    {
        public static Arbitrary<PickedFactors> PickedFactors() => Generators.PickedFactors.Arb(Generators.PickedFactors.FewDistinctRows, 3, 3);
    }

    /// <summary>See <see cref="PickedFactors.SeedingSizes"/>.</summary>
    public static class SeedingSizes
    {
        public static Arbitrary<PickedFactors> PickedFactors() => Generators.PickedFactors.Arb(Generators.PickedFactors.SeedingSizes, 1, 1);
    }
}
