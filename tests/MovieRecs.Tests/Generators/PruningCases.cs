using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// One item of a <see cref="PruningCase"/>: row <c>Row</c> of the case's rows (modulo their count; a negative row is
/// all zeros) times <c>2^Exponent</c>. Items picking the same row and exponent tie exactly.
/// </summary>
public sealed record PrunedItem(int Row, int Exponent)
{
    public override string ToString() => Row < 0 ? "zero" : Exponent == 0 ? $"r{Row}" : $"r{Row}*2^{Exponent}";
}

/// <summary>
/// A model to prune single-user rankings on: items from a few or many distinct rows (exact ties), scaled by powers
/// of two from 2^-60 to 2^60 (huge and tiny norms, subnormal products), some all-zero; a query row with its own scale,
/// a count and excluded items. Shrinks to fewer items, exponents nearer 0, a smaller count, fewer exclusions, simpler
/// rows.
/// </summary>
public sealed record PruningCase(FactorSet Rows, int QueryRow, int QueryExponent, PrunedItem[] Items, int Count, int[] Excluded)
{
    public int Factors => Rows.FactorCount;

    public float[] Query => Scaled(QueryRow, QueryExponent);

    public float[] ItemFactors => [.. Items.SelectMany(i => Scaled(i.Row, i.Exponent))];

    /// <summary>The excluded items that exist (modulo the item count), distinct.</summary>
    public int[] ExcludedItems => [.. Excluded.Select(e => e % Items.Length).Distinct()];

    private static Gen<int> Exponent { get; } = Gen.Frequency((5, Gen.Constant(0)), (1, Gen.Choose(-60, 60)), (1, Gen.Elements(-60, -40, 40, 60)));

    public static Gen<PruningCase> Cases { get; } =
        from rows in SparseGen.FactorSets(1, 40, 1, 40, Gen.Frequency((1, Gen.Choose(-3, 3).Select(v => (float)v)), (2, Gen.Choose(-1000, 1000).Select(v => v / 1000f))))
        from queryRow in Gen.Choose(0, rows.RowCount - 1)
        from queryExponent in Exponent
        from items in Shrinkable.ArrayOf(
            from row in Gen.Frequency((12, Gen.Choose(0, rows.RowCount - 1)), (1, Gen.Constant(-1)))
            from exponent in Exponent
            select new PrunedItem(row, exponent),
            1,
            300)
        from count in Gen.Choose(1, 12)
        from excluded in Shrinkable.ArrayOf(Gen.Choose(0, 299), 0, 20)
        select new PruningCase(rows, queryRow, queryExponent, items, count, excluded);

    public static Arbitrary<PruningCase> Arb { get; } = FsCheck.Fluent.Arb.From(Cases, Shrink);

    public static IEnumerable<PruningCase> Shrink(PruningCase c) =>
        Shrinkable.ShrinkArray(c.Items, ShrinkItem, 1).Select(i => c with { Items = i })
            .Concat(Shrinkable.ShrinkArray(c.Excluded, _ => []).Select(e => c with { Excluded = e }))
            .Concat(Shrinkable.Toward(c.Count, 1).Select(n => c with { Count = n }))
            .Concat(Shrinkable.Toward(c.QueryExponent, 0).Select(e => c with { QueryExponent = e }))
            .Concat(SparseGen.Shrink(c.Rows).Select(r => c with { Rows = r }));

    public override string ToString() =>
        $"rows {Rows}, query r{QueryRow % Rows.RowCount}*2^{QueryExponent}, items [{string.Join(", ", Items.AsEnumerable())}], count {Count}, excluded [{string.Join(", ", ExcludedItems)}]";

    private static IEnumerable<PrunedItem> ShrinkItem(PrunedItem item) =>
        Shrinkable.Toward(item.Exponent, 0).Select(e => item with { Exponent = e })
            .Concat(item.Row > 0 ? [item with { Row = 0 }] : []);

    private float[] Scaled(int row, int exponent)
    {
        if (row < 0)
        {
            return new float[Factors];
        }

        var scale = MathF.ScaleB(1f, exponent);
        return [.. Rows.Row(row % Rows.RowCount).ToArray().Select(v => v * scale)];
    }
}

/// <summary>The pruning property's cases (see <see cref="PruningCase"/>).</summary>
public static class PruningArbitraries
{
    public static Arbitrary<PruningCase> PruningCase() => Generators.PruningCase.Arb;
}
