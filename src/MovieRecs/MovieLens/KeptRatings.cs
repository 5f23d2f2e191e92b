namespace MovieRecs.MovieLens;

/// <summary>
/// The ratings an interaction matrix keeps, as (user id, movie id, rating) triplets in input order in three flat
/// arrays (12 bytes per kept rating, no timestamps). The ids are later replaced in place by row and column indexes.
/// </summary>
internal sealed class KeptRatings(int[] userIds, int[] movieIds, float[] values, int count)
{
    /// <summary>The number of triplets.</summary>
    public int Count { get; } = count;

    /// <summary>The user id of each triplet (the row index once encoded).</summary>
    public Span<int> UserIds => userIds.AsSpan(0, Count);

    /// <summary>The movie id of each triplet (the column index once encoded).</summary>
    public Span<int> MovieIds => movieIds.AsSpan(0, Count);

    /// <summary>The rating of each triplet (the matrix value once transformed).</summary>
    public Span<float> Values => values.AsSpan(0, Count);

    /// <summary>Copies the ratings of <paramref name="table"/> at or above <paramref name="minRating"/> into arrays of the exact size.</summary>
    public static KeptRatings FromTable(RatingsTable table, float minRating)
    {
        var ratings = table.Ratings;
        var count = 0;
        foreach (var v in ratings)
        {
            count += v >= minRating ? 1 : 0;
        }

        var rows = GC.AllocateUninitializedArray<int>(count);
        var columns = GC.AllocateUninitializedArray<int>(count);
        var values = GC.AllocateUninitializedArray<float>(count);
        var users = table.UserIds;
        var movies = table.MovieIds;
        var w = 0;
        for (var i = 0; i < ratings.Length; i++)
        {
            if (ratings[i] >= minRating)
            {
                rows[w] = users[i];
                columns[w] = movies[i];
                values[w] = ratings[i];
                w++;
            }
        }

        return new KeptRatings(rows, columns, values, w);
    }
}
