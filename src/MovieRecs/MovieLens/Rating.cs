namespace MovieRecs.MovieLens;

/// <summary>One rating from a MovieLens ratings file, as the streaming <see cref="RatingsReader"/> hands it out.</summary>
/// <param name="UserId">The external MovieLens user id (non-negative).</param>
/// <param name="MovieId">The external MovieLens movie id (non-negative).</param>
/// <param name="Value">The rating: whole stars 1 to 5 in ml-100k and ml-1m, half stars 0.5 to 5 in later releases.</param>
/// <param name="Timestamp">Seconds since the Unix epoch (UTC) when the rating was made.</param>
public readonly record struct Rating(int UserId, int MovieId, float Value, long Timestamp);
