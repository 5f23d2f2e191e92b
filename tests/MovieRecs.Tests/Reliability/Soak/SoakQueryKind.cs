namespace MovieRecs.Tests.Reliability.Soak;

/// <summary>The kinds of query in the soak mix.</summary>
internal enum SoakQueryKind
{
    /// <summary>Recommend for a known user, their own items and a list of unavailable items filtered out.</summary>
    RecommendFiltered,

    /// <summary>Recommend for a known user among a shortlist of candidates.</summary>
    RecommendCandidates,

    /// <summary>The items most similar to an item.</summary>
    SimilarItems,

    /// <summary>The users most similar to a user.</summary>
    SimilarUsers,

    /// <summary>Explain an item's score for a user given by their (item, value) row.</summary>
    Explain,

    /// <summary>Recommend for a new user given only (item, value) pairs (fold-in).</summary>
    FoldIn,

    /// <summary>Score a batch of (user, item) pairs.</summary>
    ScorePairs,
}
