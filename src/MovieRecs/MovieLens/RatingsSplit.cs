using System.Globalization;
using MovieRecs.Evaluation;
using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>
/// Train/test splits of ratings tables, indexed by user and movie id as <see cref="InteractionMatrix.Build"/>
/// indexes them: a split published with the data (<see cref="FromTables"/>) or the k most recent interactions of
/// every user (<see cref="LeaveKOut"/>). Splits of a bare matrix are <see cref="TrainTestSplit"/>'s own.
/// </summary>
public static class RatingsSplit
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
    /// <returns>The split, with <see cref="TrainTestSplit.Users"/> and <see cref="TrainTestSplit.Items"/> set.</returns>
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
    /// <see cref="TrainTestSplit.DroppedTestCount"/> (in distinct user and movie pairs). Test ratings below the threshold are
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

    /// <summary>
    /// Holds out the <paramref name="k"/> most recent interactions of every user, by timestamp: the temporal
    /// leave-k-out protocol, which asks a model to predict what each user did next. Users with at most
    /// <paramref name="k"/> interactions stay entirely in the training matrix.
    /// </summary>
    /// <param name="ratings">The ratings, with timestamps.</param>
    /// <param name="k">The number of interactions held out per user (at least 1).</param>
    /// <param name="options">How ratings become interactions (threshold, value, duplicates), as in
    /// <see cref="InteractionMatrix.Build"/>; <see cref="InteractionOptions.Default"/> when null.</param>
    /// <returns>The split, with the user and movie indexes shared by both matrices (ascending ids, as
    /// <see cref="InteractionMatrix.Build"/> numbers them).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1, or an option is out of range.</exception>
    /// <exception cref="ArgumentException">Duplicates are found with <see cref="DuplicateHandling.Throw"/>, or the
    /// matrix has more than <see cref="Array.MaxLength"/> entries.</exception>
    /// <remarks>
    /// <para>The interaction matrix is built exactly as <see cref="InteractionMatrix.Build"/> builds it from all of
    /// <paramref name="ratings"/>; then each interaction's time is the latest timestamp among the kept ratings that
    /// formed it. Equal times are ordered by position in <paramref name="ratings"/> (a later line is more recent),
    /// so the split is fully determined by the table. <c>Train + Test</c> is exactly the interaction matrix.</para>
    /// <para>O(ratings + nnz log(longest row)) time; allocates the interaction matrix, the two result matrices and
    /// 12 bytes per interaction of scratch.</para>
    /// </remarks>
    public static TrainTestSplit LeaveKOut(RatingsTable ratings, int k, InteractionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        options ??= InteractionOptions.Default;
        options.Validate();

        var interactions = InteractionMatrix.Build(ratings, options);
        var matrix = interactions.UserItems;
        TrainTestSplit.CheckSplittable(matrix, nameof(ratings));
        var recency = LatestRatingOfEachInteraction(ratings, interactions);

        return TrainTestSplit.LeaveLatestKOut(matrix, recency, k, interactions.Users, interactions.Items);
    }

    /// <summary>For each stored entry of the interaction matrix, the (timestamp, line) of its latest kept rating.</summary>
    private static (long Time, int Line)[] LatestRatingOfEachInteraction(RatingsTable ratings, InteractionMatrix interactions)
    {
        var matrix = interactions.UserItems;
        var recency = new (long Time, int Line)[(int)matrix.NonZeroCount];
        recency.AsSpan().Fill((long.MinValue, -1));
        var pointers = matrix.RowPointers;
        var userIds = ratings.UserIds;
        var movieIds = ratings.MovieIds;
        var values = ratings.Ratings;
        var timestamps = ratings.Timestamps;
        var minRating = interactions.Options.MinRating;
        for (var line = 0; line < values.Length; line++)
        {
            if (!(values[line] >= minRating)
                || !interactions.Users.TryGetIndex(userIds[line], out var row)
                || !interactions.Items.TryGetIndex(movieIds[line], out var column))
            {
                continue;
            }

            // An interaction whose value combined to zero is not stored; its ratings have no cell.
            var position = matrix.GetColumnIndices(row).BinarySearch(column);
            if (position < 0)
            {
                continue;
            }

            var cell = (int)pointers[row] + position;
            if (timestamps[line] >= recency[cell].Time)
            {
                recency[cell] = (timestamps[line], line);
            }
        }

        return recency;
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
