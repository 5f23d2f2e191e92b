using MovieRecs.Recommendations;

namespace MovieRecs.MovieLens;

/// <summary>An <see cref="Explanation"/> in movies: the explained movie, its score and the liked movies' contributions.</summary>
/// <param name="Movie">The explained movie.</param>
/// <param name="Score">The total score (the sum of all contributions).</param>
/// <param name="Contributions">The largest contributions by magnitude, largest first.</param>
public sealed record MovieExplanation(Movie Movie, float Score, IReadOnlyList<MovieScore> Contributions);
