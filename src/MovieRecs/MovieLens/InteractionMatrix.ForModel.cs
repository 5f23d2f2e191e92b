using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

public sealed partial class InteractionMatrix
{
    /// <summary>
    /// The matrix of <paramref name="ratings"/> on given indexes, a saved model's: the ratings at or above
    /// <see cref="InteractionOptions.MinRating"/> of the indexed users and movies, row <c>u</c> being
    /// <c>users[u]</c> and column <c>i</c> being <c>items[i]</c>; ratings of other users or movies are left out.
    /// For a model trained on <see cref="Build"/> of the same ratings and options (with or without the movie list),
    /// the result is that matrix, bit for bit.
    /// </summary>
    /// <remarks>O(ratings) time with two hash lookups a kept rating; memory as for <see cref="Build"/>.</remarks>
    internal static InteractionMatrix BuildOn(RatingsTable ratings, IdIndex<int> users, IdIndex<int> items, InteractionOptions options)
    {
        var kept = KeptRatings.FromTable(ratings, options.MinRating);
        var userIds = kept.UserIds;
        var movieIds = kept.MovieIds;
        var values = kept.Values;
        var count = 0;
        for (var i = 0; i < kept.Count; i++)
        {
            if (users.TryGetIndex(userIds[i], out var row) && items.TryGetIndex(movieIds[i], out var column))
            {
                userIds[count] = row;
                movieIds[count] = column;
                values[count] = values[i];
                count++;
            }
        }

        ApplyValue(values[..count], options.Value);
        var matrix = CsrMatrix.FromTriplets(
            users.Count,
            items.Count,
            userIds[..count],
            movieIds[..count],
            values[..count],
            new SparseBuildOptions { Duplicates = options.Duplicates });
        return new InteractionMatrix(matrix, users, items, options);
    }
}
