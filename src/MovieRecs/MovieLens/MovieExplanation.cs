using MovieRecs.Recommendations;

namespace MovieRecs.MovieLens;

/// <summary>An <see cref="Explanation"/> in movies: the explained movie, its score, the liked movies' contributions and
/// the user weights.</summary>
/// <param name="Movie">The explained movie.</param>
/// <param name="Score">The total score (the sum of all contributions).</param>
/// <param name="Contributions">The largest contributions by magnitude, largest first.</param>
/// <param name="UserWeights">The user weights <c>implicit</c>'s <c>explain</c> returns: the Cholesky factor <c>U</c>
/// (<c>W = UᵀU</c>) of the user's matrix, k x k row-major, zero below the diagonal; see
/// <see cref="Explanation.UserWeights"/>.</param>
public sealed record MovieExplanation(Movie Movie, float Score, IReadOnlyList<MovieScore> Contributions, ReadOnlyMemory<float> UserWeights);
