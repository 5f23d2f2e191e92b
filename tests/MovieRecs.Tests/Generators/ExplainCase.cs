using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A user to explain against fixed item factors: <see cref="Items"/> are the item factor rows, <see cref="Values"/>
/// holds the user's value of each item (0 when not liked, negative when disliked; whole stars, so every confidence
/// is at least 1 and the user's matrix is positive definite), <see cref="Item"/> is the item to explain (modulo the
/// item count), the regularization is <see cref="RegularizationQuarters"/> / 4 and the alpha <see cref="Alpha"/>.
/// Shrinks to fewer and simpler items, fewer liked items, smaller values, item 0, regularization 0.25 and alpha 1.
/// </summary>
public sealed record ExplainCase(FactorSet Items, float[] Values, int Item, int RegularizationQuarters, float Alpha)
{
    public static readonly float[] Alphas = [1f, 2.5f];

    public double Regularization => RegularizationQuarters / 4.0;

    public int ItemIndex => Item % Items.RowCount;

    /// <summary>The liked (or disliked) items, ascending, and their values.</summary>
    public (int[] Items, float[] Values) Liked()
    {
        var liked = Enumerable.Range(0, Items.RowCount).Where(i => ValueOf(i) != 0f).ToArray();
        return (liked, [.. liked.Select(ValueOf)]);
    }

    /// <summary>1 to 12 items of 1 to 16 quarter-valued factors, two in three liked with 1 to 5 stars (a quarter of
    /// them negated), any item explained, regularization 0.25 to 2, alpha 1 or 2.5.</summary>
    public static Arbitrary<ExplainCase> Arb { get; } = FsCheck.Fluent.Arb.From(
        from items in SparseGen.FactorSets(1, SparseGen.MaxSize, 1, SparseGen.MaxFactors)
        from values in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0f)), (2, SparseGen.Stars(negatives: true))), items.RowCount)
        from item in Gen.Choose(0, items.RowCount - 1)
        from quarters in Gen.Choose(1, 8)
        from alpha in Gen.Elements(Alphas)
        select new ExplainCase(items, values, item, quarters, alpha),
        Shrink);

    /// <summary>The items shrunk (values of removed rows ignored), an item unliked or its value nearer ±1, the explained
    /// item nearer 0, the regularization nearer 0.25, alpha 1.</summary>
    public static IEnumerable<ExplainCase> Shrink(ExplainCase c) =>
        SparseGen.Shrink(c.Items).Select(items => c with { Items = items })
            .Concat(Shrinkable.ShrinkArray(c.Values, v => v == 0f ? [] : MathF.Abs(v) == 1f ? [0f] : [0f, MathF.Sign(v) * (MathF.Abs(v) - 1f)], c.Values.Length)
                .Select(values => c with { Values = values }))
            .Concat(Shrinkable.Toward(c.Item, 0).Select(item => c with { Item = item }))
            .Concat(Shrinkable.Toward(c.RegularizationQuarters, 1).Select(quarters => c with { RegularizationQuarters = quarters }))
            .Concat(Shrinkable.TowardFirst(c.Alpha, Alphas).Select(alpha => c with { Alpha = alpha }));

    public override string ToString()
    {
        var (liked, values) = Liked();
        var pairs = liked.Select((item, j) => string.Create(CultureInfo.InvariantCulture, $"{item}: {values[j]}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"items {Items}, liked [{string.Join(", ", pairs)}], item {ItemIndex}, regularization {Regularization}, alpha {Alpha}");
    }

    private float ValueOf(int item) => item < Values.Length ? Values[item] : 0f;
}
