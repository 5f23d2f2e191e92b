namespace MovieRecs.MovieLens;

/// <summary>A movie with a score: a recommendation, a similar movie, or an explanation's contribution.</summary>
/// <param name="Movie">The movie.</param>
/// <param name="Score">The score, similarity or contribution.</param>
public sealed record MovieScore(Movie Movie, float Score);
