namespace MovieRecs.MovieLens;

/// <summary>A free-text tag a user applied to a movie (<c>tags.dat</c> in ml-10m, <c>tags.csv</c> in the CSV releases).</summary>
/// <param name="UserId">The external MovieLens user id.</param>
/// <param name="MovieId">The external MovieLens movie id.</param>
/// <param name="Text">The tag text, decoded and unquoted (may contain commas, quotes and non-ASCII letters).</param>
/// <param name="Timestamp">Seconds since the Unix epoch (UTC) when the tag was applied.</param>
public sealed record MovieTag(int UserId, int MovieId, string Text, long Timestamp);
