using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Neighbors;

namespace MovieRecs.Tests.Generators;

/// <summary>A user x item matrix of positive ratings with item-item options: the input of an item-item fit.</summary>
/// <param name="Matrix">The user x item ratings (whole stars, cells distinct).</param>
/// <param name="Similarity">The similarity to fit.</param>
/// <param name="K">The neighbours kept per item.</param>
public sealed record KnnCase(Triplets Matrix, ItemSimilarity Similarity, int K)
{
    /// <summary>The options of the case (BM25 with <c>implicit</c>'s defaults K1 = 1.2, B = 0.75).</summary>
    public ItemKnnOptions Options => new() { Similarity = Similarity, K = K };

    /// <inheritdoc/>
    public override string ToString() => $"{Similarity}, K = {K}, {Matrix}";
}

/// <summary>
/// Shrinkable generators of item-item cases: 1..10 users x 1..9 items of whole stars, any similarity, K from 1 to
/// the item count. A failure shrinks toward fewer users and items, smaller ratings, cosine and K = 1.
/// </summary>
public static class KnnCases
{
    /// <summary>Positive whole-star rating matrices with distinct cells.</summary>
    public static Gen<Triplets> Ratings { get; } = SparseGen.Matrices(1, 10, 1, 9, 0.6, SparseGen.Stars(), distinctCells: true);

    /// <summary>Cases of any similarity and K.</summary>
    public static Gen<KnnCase> Cases { get; } =
        from matrix in Ratings
        from similarity in Gen.Elements(ItemSimilarity.Cosine, ItemSimilarity.TfIdf, ItemSimilarity.Bm25)
        from k in Gen.Choose(1, Math.Max(matrix.ColumnCount, 1))
        select new KnnCase(matrix, similarity, k);

    /// <summary>Smaller cases: a smaller matrix (as <see cref="SparseGen.Shrink(Triplets, int, int)"/>, values kept
    /// positive), a simpler similarity, a smaller K.</summary>
    public static IEnumerable<KnnCase> Shrink(KnnCase c)
    {
        foreach (var m in SparseGen.Shrink(c.Matrix, 1, 1).Where(m => m.Values.All(v => v > 0)))
        {
            yield return c with { Matrix = m, K = Math.Min(c.K, m.ColumnCount) };
        }

        if (c.Similarity != ItemSimilarity.Cosine)
        {
            yield return c with { Similarity = ItemSimilarity.Cosine };
        }

        foreach (var k in Shrinkable.Toward(c.K, 1))
        {
            yield return c with { K = k };
        }
    }

    /// <summary>The arbitrary of <see cref="Cases"/> with <see cref="Shrink"/>.</summary>
    public static Arbitrary<KnnCase> Arbitrary { get; } = Arb.From(Cases, Shrink);
}

/// <summary>FsCheck arbitraries of item-item cases, for <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class KnnArbitraries
{
    /// <summary>The item-item cases.</summary>
    public static Arbitrary<KnnCase> KnnCase() => KnnCases.Arbitrary;

    /// <summary>Positive rating matrices.</summary>
    public static Arbitrary<Triplets> Triplets() => Arb.From(KnnCases.Ratings, t => SparseGen.Shrink(t, 1, 1).Where(m => m.Values.All(v => v > 0)));
}
