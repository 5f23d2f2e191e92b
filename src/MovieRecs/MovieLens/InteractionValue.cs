namespace MovieRecs.MovieLens;

/// <summary>What value a kept rating puts into the interaction matrix (the confidence that ALS scales by alpha).</summary>
public enum InteractionValue
{
    /// <summary>The rating itself (the tutorial's choice: a 5 counts more than a 3).</summary>
    Rating,

    /// <summary>1 for every kept rating.</summary>
    Binary,

    /// <summary>log(1 + rating), which flattens the difference between high and low ratings.</summary>
    LogRating,
}
