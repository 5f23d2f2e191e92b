using MovieRecs.Recommendations;

namespace MovieRecs.Tests.Reliability.Soak;

/// <summary>One query of the soak mix with all its inputs prepared (nothing is built while it runs).</summary>
internal sealed class SoakQuery
{
    public required SoakQueryKind Kind { get; init; }

    public int User { get; init; }

    public int Item { get; init; }

    public int Count { get; init; } = 10;

    /// <summary>The user's items (their training row, or a new user's list).</summary>
    public int[] Items { get; init; } = [];

    /// <summary>The value of each of <see cref="Items"/>.</summary>
    public float[] Values { get; init; } = [];

    /// <summary>The users of the pairs of a <see cref="SoakQueryKind.ScorePairs"/> query.</summary>
    public int[] PairUsers { get; init; } = [];

    /// <summary>The items of the pairs of a <see cref="SoakQueryKind.ScorePairs"/> query.</summary>
    public int[] PairItems { get; init; } = [];

    public RecommendOptions? Options { get; init; }
}
