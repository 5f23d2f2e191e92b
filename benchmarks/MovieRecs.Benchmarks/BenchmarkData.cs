using MovieRecs.MovieLens;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>Benchmark inputs from the library's own seeded synthetic MovieLens generator (nothing downloaded).</summary>
public static class BenchmarkData
{
    private static readonly Lazy<InteractionMatrix> Ml1mInteractions = new(() =>
        InteractionMatrix.Build(SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m).Ratings));

    /// <summary>The synthetic ml-1m preset (6,040 users, 3,706 movies, 1,000,209 ratings) after keeping ratings &gt;= 3, value = rating.</summary>
    public static InteractionMatrix Ml1m => Ml1mInteractions.Value;

    /// <summary>The user x item matrix of <see cref="Ml1m"/>.</summary>
    public static CsrMatrix Ml1mUserItems => Ml1m.UserItems;
}
