namespace MovieRecs.Recommendations;

/// <summary>What a recommendation may contain, as <c>implicit</c>'s <c>recommend</c> arguments.</summary>
/// <remarks>Immutable. <see cref="FilterItems"/> and <see cref="Candidates"/> are mutually exclusive, as in
/// <c>implicit</c>.</remarks>
public sealed record RecommendOptions
{
    /// <summary>The defaults: the user's own items are filtered, every other item may be recommended.</summary>
    public static RecommendOptions Default { get; } = new();

    /// <summary>
    /// Whether the items the user already has (the liked items passed with the query) are left out. Default
    /// <see langword="true"/>: recommending what someone already watched helps nobody.
    /// </summary>
    public bool FilterAlreadyLiked { get; init; } = true;

    /// <summary>Items never to recommend (e.g. movies not available in a region). Null: none.</summary>
    public IReadOnlyList<int>? FilterItems { get; init; }

    /// <summary>When set, only these items are ranked (e.g. a shortlist); distinct, in range. Null: all items.</summary>
    public IReadOnlyList<int>? Candidates { get; init; }

    /// <summary>Checks that <see cref="FilterItems"/> and <see cref="Candidates"/> are not both given.</summary>
    /// <exception cref="ArgumentException">Both are given.</exception>
    public void Validate()
    {
        if (FilterItems is not null && Candidates is not null)
        {
            throw new ArgumentException("FilterItems and Candidates are mutually exclusive: give one or the other.", nameof(Candidates));
        }
    }
}
