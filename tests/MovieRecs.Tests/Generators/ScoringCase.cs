using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// One user and a few items as factor rows (row 0 is the user, row 1 + i is item i), and the items the user liked.
/// Quarter-valued factors make every dot product exact, so scores tie often and exactly.
/// </summary>
public sealed record ScoringCase(FactorSet Factors, int[] Liked)
{
    public int ItemCount => Factors.RowCount - 1;

    public ReadOnlySpan<float> UserFactors => Factors.Row(0);

    public ReadOnlySpan<float> ItemFactors => Factors.Values.AsSpan(Factors.FactorCount);

    /// <summary>Up to 12 items of 1..16 factors, each liked with even odds.</summary>
    public static Gen<ScoringCase> Gen { get; } =
        from factors in SparseGen.FactorSets(minRows: 2, maxRows: SparseGen.MaxSize + 1)
        from mask in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, 1), factors.RowCount - 1)
        select new ScoringCase(factors, [.. Enumerable.Range(0, mask.Length).Where(i => mask[i] == 1)]);

    public static Arbitrary<ScoringCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>Smaller cases: the factor set shrunk (liked items past the end dropped), or one liked item fewer.</summary>
    public static IEnumerable<ScoringCase> Shrink(ScoringCase c)
    {
        foreach (var factors in SparseGen.Shrink(c.Factors).Where(f => f.RowCount >= 2))
        {
            yield return new ScoringCase(factors, [.. c.Liked.Where(i => i < factors.RowCount - 1)]);
        }

        for (var i = 0; i < c.Liked.Length; i++)
        {
            yield return c with { Liked = [.. c.Liked[..i], .. c.Liked[(i + 1)..]] };
        }
    }

    public override string ToString() => $"{Factors} liked [{string.Join(", ", Liked)}]";
}
