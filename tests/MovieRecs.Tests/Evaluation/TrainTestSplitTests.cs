using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Evaluation;

public class TrainTestSplitTests
{
    private static RatingsTable Table(params (int User, int Movie, float Rating, long Time)[] rows) =>
        new(rows.Select(r => r.User).ToArray(), rows.Select(r => r.Movie).ToArray(), rows.Select(r => r.Rating).ToArray(), rows.Select(r => r.Time).ToArray());

    [Fact]
    public void Random_DrawsNumpysNumbersInCsrOrder()
    {
        // numpy.random.RandomState(0).random_sample(3) = [0.5488, 0.7152, 0.6028]. implicit's train_test_split with
        // train_percentage = 0.6 sends entry i to train when its draw is < 0.6: entries 0 train, 1 test, 2 test.
        // Entries in CSR order: (0,1)=2, (1,0)=3, (1,2)=4.
        var matrix = CsrMatrix.FromDense(new float[,] { { 0, 2, 0 }, { 3, 0, 4 } });
        var split = TrainTestSplit.Random(matrix, testFraction: 0.4, seed: 0);
        Assert.True(split.Train.ContentEquals(CsrMatrix.FromDense(new float[,] { { 0, 2, 0 }, { 0, 0, 0 } })));
        Assert.True(split.Test.ContentEquals(CsrMatrix.FromDense(new float[,] { { 0, 0, 0 }, { 3, 0, 4 } })));
        Assert.Equal(1, split.TestUserCount);
        Assert.Equal(0, split.DroppedTestCount);
        Assert.Null(split.Users);
        Assert.Null(split.Items);
    }

    [Fact]
    public void Random_NegativeTestEntries_AreDroppedAndCounted()
    {
        // Same draws as above with train_percentage 0.6: entry 1 (value -3) drawn for test is dropped, like
        // implicit's `test.data[test.data < 0] = 0; test.eliminate_zeros()`.
        var matrix = CsrMatrix.FromDense(new float[,] { { 0, 2, 0 }, { -3, 0, 4 } });
        var split = TrainTestSplit.Random(matrix, 0.4, 0);
        Assert.Equal(1, split.DroppedTestCount);
        Assert.Equal(1, split.Test.NonZeroCount);
        Assert.Equal(4f, split.Test[1, 2]);
        Assert.Equal(0f, split.Train[1, 0]);
    }

    [Fact]
    public void Random_ExtremeFractions_PutEverythingOnOneSide()
    {
        var matrix = EvaluationTestData.RandomInteractions(3, 20, 10, 0.3);
        var none = TrainTestSplit.Random(matrix, 0.0, 1);
        Assert.True(none.Train.ContentEquals(matrix));
        Assert.Equal(0, none.Test.NonZeroCount);
        var all = TrainTestSplit.Random(matrix, 1.0, 1);
        Assert.True(all.Test.ContentEquals(matrix));
        Assert.Equal(0, all.Train.NonZeroCount);
    }

    [Fact]
    public void Random_Fraction_IsRoughlyRespected()
    {
        // 10,000 entries, p = 0.2: the test count is within 5 standard deviations (200) of 2,000.
        var matrix = EvaluationTestData.RandomInteractions(5, 200, 100, 0.5);
        var split = TrainTestSplit.Random(matrix, 0.2, 123);
        Assert.InRange(split.Test.NonZeroCount, (matrix.NonZeroCount * 0.2) - 200, (matrix.NonZeroCount * 0.2) + 200);
    }

    [Fact]
    public void Random_InvalidArguments_Throw()
    {
        var matrix = CsrMatrix.FromDense(new float[,] { { 1 } });
        Assert.Throws<ArgumentNullException>("interactions", () => TrainTestSplit.Random(null!, 0.2, 0));
        Assert.Throws<ArgumentOutOfRangeException>("testFraction", () => TrainTestSplit.Random(matrix, -0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("testFraction", () => TrainTestSplit.Random(matrix, 1.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>("testFraction", () => TrainTestSplit.Random(matrix, double.NaN, 0));
        Assert.Throws<ArgumentOutOfRangeException>("seed", () => TrainTestSplit.Random(matrix, 0.2, -1));
    }

    [Fact]
    public void LeaveKOut_Matrix_HoldsOutKPerEligibleUser()
    {
        // Row lengths 0, 1, 2, 3, 5 with k = 2: rows of length <= 2 stay in train, others lose exactly 2.
        var matrix = CsrMatrix.FromDense(new float[,]
        {
            { 0, 0, 0, 0, 0 },
            { 1, 0, 0, 0, 0 },
            { 1, 1, 0, 0, 0 },
            { 1, 1, 1, 0, 0 },
            { 1, 2, 3, 4, 5 },
        });
        var split = TrainTestSplit.LeaveKOut(matrix, 2, 9);
        Assert.Equal([0, 1, 2, 1, 3], split.Train.GetRowCounts());
        Assert.Equal([0, 0, 0, 2, 2], split.Test.GetRowCounts());
        Assert.Equal(2, split.TestUserCount);
        Assert.True(EvaluationTestData.DenseEqual(EvaluationTestData.DenseSum(split.Train, split.Test), matrix.ToDense()));
    }

    [Fact]
    public void LeaveKOut_Matrix_DifferentSeeds_PickDifferentItems()
    {
        var matrix = EvaluationTestData.RandomInteractions(1, 50, 40, 0.5);
        var a = TrainTestSplit.LeaveKOut(matrix, 3, 1);
        var b = TrainTestSplit.LeaveKOut(matrix, 3, 2);
        Assert.False(a.Test.ContentEquals(b.Test));
    }

    [Fact]
    public void LeaveKOut_Matrix_InvalidArguments_Throw()
    {
        var matrix = CsrMatrix.FromDense(new float[,] { { 1 } });
        Assert.Throws<ArgumentNullException>("interactions", () => TrainTestSplit.LeaveKOut((CsrMatrix)null!, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => TrainTestSplit.LeaveKOut(matrix, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("seed", () => TrainTestSplit.LeaveKOut(matrix, 1, -5));
    }

    [Fact]
    public void LeaveKOut_Table_HoldsOutMostRecent_TiesByLaterLine()
    {
        var table = Table(
            (10, 1, 5, 100),
            (10, 2, 4, 300), // most recent of user 10
            (10, 3, 4, 200), // tied at 200 with movie 4, but earlier in the table
            (10, 4, 3, 200), // tied, later line: more recent than movie 3
            (10, 5, 1, 999), // below the threshold: not an interaction, its time is irrelevant
            (20, 1, 5, 50), // user 20 has 2 interactions <= k: all train
            (20, 3, 5, 10),
            (30, 2, 4, 7),
            (30, 4, 4, 8),
            (30, 5, 4, 9));
        var split = RatingsSplit.LeaveKOut(table, 2);
        Assert.NotNull(split.Users);
        Assert.NotNull(split.Items);
        Assert.Equal([10, 20, 30], split.Users!.ToArray());
        Assert.Equal([1, 2, 3, 4, 5], split.Items!.ToArray()); // movie 5 has a kept rating from user 30
        var u10 = split.Users.IndexOf(10);
        Assert.Equal([split.Items.IndexOf(2), split.Items.IndexOf(4)], split.Test.GetColumnIndices(u10).ToArray());
        Assert.Equal([split.Items.IndexOf(1), split.Items.IndexOf(3)], split.Train.GetColumnIndices(u10).ToArray());
        Assert.Equal(0, split.Test.GetRowNonZeroCount(split.Users.IndexOf(20)));
        Assert.Equal(2, split.Train.GetRowNonZeroCount(split.Users.IndexOf(20)));
        var u30 = split.Users.IndexOf(30);
        Assert.Equal([split.Items.IndexOf(4), split.Items.IndexOf(5)], split.Test.GetColumnIndices(u30).ToArray());
        Assert.Equal([split.Items.IndexOf(2)], split.Train.GetColumnIndices(u30).ToArray());
        Assert.Equal(0, split.DroppedTestCount);
    }

    [Fact]
    public void LeaveKOut_Table_DuplicateRatings_UseTheirLatestTime()
    {
        // User 1 rated movie 7 twice (summed to 9); its later rating (time 50) makes it the most recent interaction.
        var table = Table((1, 7, 4, 5), (1, 8, 4, 20), (1, 9, 4, 30), (1, 7, 5, 50));
        var split = RatingsSplit.LeaveKOut(table, 1);
        Assert.Equal(9f, split.Test[0, split.Items!.IndexOf(7)]);
        Assert.Equal(1, split.Test.NonZeroCount);
        Assert.Equal(2, split.Train.NonZeroCount);
    }

    [Fact]
    public void LeaveKOut_Table_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("ratings", () => RatingsSplit.LeaveKOut((RatingsTable)null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => RatingsSplit.LeaveKOut(Table((1, 1, 5, 0)), 0));
        Assert.Throws<ArgumentOutOfRangeException>("MinRating", () => RatingsSplit.LeaveKOut(Table((1, 1, 5, 0)), 1, new InteractionOptions { MinRating = float.NaN }));
    }

    [Fact]
    public void FromTables_SharesTrainIndexes_DropsAndCountsUnknowns()
    {
        var train = Table((1, 10, 5, 0), (1, 20, 4, 0), (2, 20, 3, 0), (3, 30, 2, 0));
        var test = Table(
            (1, 30, 5, 0), // movie 30 has no kept training rating (only a 2): dropped
            (2, 10, 4, 0), // kept
            (2, 20, 1, 0), // below the threshold: not an interaction, not counted
            (3, 10, 5, 0), // user 3 has no kept training rating: dropped
            (4, 10, 5, 0), // unknown user: dropped
            (1, 10, 2, 0)); // below the threshold
        var split = RatingsSplit.FromTables(train, test);
        Assert.NotNull(split.Users);
        Assert.NotNull(split.Items);
        Assert.Equal([1, 2], split.Users!.ToArray());
        Assert.Equal([10, 20], split.Items!.ToArray());
        Assert.Equal(split.Train.RowCount, split.Test.RowCount);
        Assert.Equal(split.Train.ColumnCount, split.Test.ColumnCount);
        Assert.Equal(1, split.Test.NonZeroCount);
        Assert.Equal(4f, split.Test[split.Users.IndexOf(2), split.Items.IndexOf(10)]);
        Assert.Equal(3, split.DroppedTestCount);
        Assert.Equal(1, split.TestUserCount);
    }

    [Fact]
    public void FromTables_NoTrainingRatingAtTheMinimum_ThrowsSayingThereIsNothingToTrainOn()
    {
        var train = Table((1, 10, 5, 0), (2, 20, 4, 0));
        var test = Table((1, 20, 5, 0));

        var error = Assert.Throws<ArgumentException>("train", () => RatingsSplit.FromTables(train, test, new InteractionOptions { MinRating = 6 }));
        Assert.StartsWith("The training table holds no ratings >= 6 (2 ratings, the highest 5): nothing to train on.", error.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<ArgumentException>("train", () => RatingsSplit.FromTables(Table(), test));
        Assert.StartsWith("The training table holds no ratings: nothing to train on.", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTables_WithMovies_KeepsTestItemsWithoutTrainingRatings()
    {
        var train = Table((1, 10, 5, 0));
        var test = Table((1, 30, 5, 0), (1, 40, 5, 0));
        Movie[] movies = [new(10, "A (1990)", 1990, []), new(30, "B (1991)", 1991, [])];
        var split = RatingsSplit.FromTables(train, test, movies: movies);
        Assert.Equal([10, 30], split.Items!.ToArray());
        Assert.Equal(5f, split.Test[0, 1]);
        Assert.Equal(1, split.DroppedTestCount); // movie 40 is not in the list
    }

    [Fact]
    public void FromTables_AppliesValueOption_ToBothSides()
    {
        var options = new InteractionOptions { Value = InteractionValue.Binary };
        var split = RatingsSplit.FromTables(Table((1, 10, 5, 0), (1, 20, 4, 0)), Table((1, 20, 4, 0)), options);
        Assert.Equal([1f, 1f], split.Train.GetValues(0).ToArray());
        Assert.Equal([1f], split.Test.GetValues(0).ToArray());
    }

    [Fact]
    public void FromTables_NullTables_Throw()
    {
        var table = Table((1, 1, 5, 0));
        Assert.Throws<ArgumentNullException>("train", () => RatingsSplit.FromTables(null!, table));
        Assert.Throws<ArgumentNullException>("test", () => RatingsSplit.FromTables(table, null!));
    }
}
