using System.Globalization;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

public sealed partial class TrainTestSplit
{
    /// <summary>
    /// Builds a split from a training and a test table published with the data (e.g. ml-100k's <c>u1.base</c> and
    /// <c>u1.test</c>): the training matrix is indexed exactly as <see cref="InteractionMatrix.Build"/> indexes
    /// <paramref name="train"/>, and the test matrix uses the same user and movie indexes.
    /// </summary>
    /// <param name="train">The training ratings.</param>
    /// <param name="test">The test ratings.</param>
    /// <param name="options">How ratings become interactions (threshold, value, duplicates), applied to both
    /// tables; <see cref="InteractionOptions.Default"/> when null.</param>
    /// <param name="movies">When given, every one of these movies gets a column, as in
    /// <see cref="InteractionMatrix.Build"/>; otherwise only movies with a kept training rating do.</param>
    /// <returns>The split, with <see cref="Users"/> and <see cref="Items"/> set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> or <paramref name="test"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">Duplicates are found with <see cref="DuplicateHandling.Throw"/>; or no
    /// training rating reaches <see cref="InteractionOptions.MinRating"/> (an empty training table included), so
    /// there is nothing to train on.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="movies"/> is given and a training rating names a
    /// movie absent from it.</exception>
    /// <remarks>
    /// <para>A model fitted on the training matrix knows nothing of a user or movie without a kept training rating,
    /// so test interactions of such users or movies have no row or column: they are dropped and counted in
    /// <see cref="DroppedTestCount"/> (in distinct user and movie pairs). Test ratings below the threshold are
    /// not interactions at all and are not counted. A test interaction that is also a training interaction is kept
    /// in both (published splits are disjoint; a model can never be credited for it, since evaluation filters the
    /// user's training items).</para>
    /// <para>O(ratings + largest id) time, as <see cref="InteractionMatrix.Build"/>.</para>
    /// </remarks>
    public static TrainTestSplit FromTables(RatingsTable train, RatingsTable test, InteractionOptions? options = null, IReadOnlyList<Movie>? movies = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= InteractionOptions.Default;
        options.Validate();

        var trainInteractions = InteractionMatrix.Build(train, options, movies);
        if (trainInteractions.UserItems.NonZeroCount == 0)
        {
            throw NoTrainingRatings(train, options.MinRating);
        }

        var testInteractions = InteractionMatrix.Build(test, options);
        var users = trainInteractions.Users;
        var items = trainInteractions.Items;
        var heldOut = testInteractions.UserItems;

        // Both indexes are ascending by id, so mapping keeps rows and columns in order; build through triplets anyway
        // to stay correct for any index order.
        var count = checked((int)heldOut.NonZeroCount);
        var rows = new int[count];
        var columns = new int[count];
        var values = new float[count];
        var kept = 0;
        long dropped = 0;
        var testUsers = testInteractions.Users;
        var testItems = testInteractions.Items;
        for (var testRow = 0; testRow < heldOut.RowCount; testRow++)
        {
            var rowColumns = heldOut.GetColumnIndices(testRow);
            if (!users.TryGetIndex(testUsers[testRow], out var row))
            {
                dropped += rowColumns.Length;
                continue;
            }

            var rowValues = heldOut.GetValues(testRow);
            for (var j = 0; j < rowColumns.Length; j++)
            {
                if (items.TryGetIndex(testItems[rowColumns[j]], out var column))
                {
                    rows[kept] = row;
                    columns[kept] = column;
                    values[kept] = rowValues[j];
                    kept++;
                }
                else
                {
                    dropped++;
                }
            }
        }

        var testMatrix = CsrMatrix.FromTriplets(users.Count, items.Count, rows.AsSpan(0, kept), columns.AsSpan(0, kept), values.AsSpan(0, kept));
        return new TrainTestSplit(trainInteractions.UserItems, testMatrix, users, items, dropped);
    }

    private static ArgumentException NoTrainingRatings(RatingsTable train, float minRating)
    {
        if (train.Count == 0)
        {
            return new ArgumentException("The training table holds no ratings: nothing to train on.", nameof(train));
        }

        var highest = float.NegativeInfinity;
        foreach (var rating in train.Ratings)
        {
            highest = MathF.Max(highest, rating);
        }

        return new ArgumentException(
            string.Create(CultureInfo.InvariantCulture,
                $"The training table holds no ratings >= {minRating} ({train.Count:N0} ratings, the highest {highest}): nothing to train on."),
            nameof(train));
    }
}
