using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Neighbors;

/// <summary>The settings of an item-item nearest-neighbour model; the defaults are <c>implicit</c>'s
/// <c>BM25Recommender()</c>.</summary>
public sealed record ItemKnnOptions
{
    /// <summary>The options with every default.</summary>
    public static ItemKnnOptions Default { get; } = new();

    /// <summary>The similarity; <see cref="ItemSimilarity.Bm25"/> by default.</summary>
    public ItemSimilarity Similarity { get; init; } = ItemSimilarity.Bm25;

    /// <summary>How many neighbours each item keeps (the item itself included, as in <c>implicit</c>); 20 by default.</summary>
    public int K { get; init; } = 20;

    /// <summary>BM25's term-frequency saturation (only for <see cref="ItemSimilarity.Bm25"/>); 1.2 by default.</summary>
    public double K1 { get; init; } = 1.2;

    /// <summary>BM25's length normalisation, in [0, 1] (only for <see cref="ItemSimilarity.Bm25"/>); 0.75 by default.</summary>
    public double B { get; init; } = 0.75;

    /// <summary>The most threads the fit uses; -1 (the default) for as many as the runtime likes. The result does not
    /// depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range: <see cref="K"/> &lt; 1, an unknown
    /// similarity, <see cref="K1"/> negative or not finite, <see cref="B"/> outside [0, 1], or
    /// <see cref="MaxDegreeOfParallelism"/> 0 or below -1; the message names the option and its value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Similarity))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(Similarity), Similarity, $"Similarity must be a known ItemSimilarity, but was {(int)Similarity}.");
        }

        if (K < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(K), K, $"K must be >= 1, but was {K}.");
        }

        SparseWeighting.CheckBm25(K1, B, nameof(K1), nameof(B));

        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(
                nameof(MaxDegreeOfParallelism),
                MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism must be -1 (as many threads as the runtime likes) or >= 1, but was {MaxDegreeOfParallelism}.");
        }
    }
}
