using FsCheck.Xunit;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Evaluation;

public class TrainTestSplitPropertyTests
{
    [Property(MaxTest = 100)]
    public bool Random_TrainPlusTest_IsOriginal_Disjoint_SameShape(int seed)
    {
        var matrix = EvaluationTestData.RandomShape(seed);
        var fraction = new Random(seed).NextDouble();
        var split = TrainTestSplit.Random(matrix, fraction, seed & int.MaxValue);
        return IsPartition(matrix, split) && split.DroppedTestCount == 0;
    }

    [Property(MaxTest = 100)]
    public bool Random_SameSeed_SameSplit(int seed)
    {
        var matrix = EvaluationTestData.RandomShape(seed);
        var a = TrainTestSplit.Random(matrix, 0.3, seed & int.MaxValue);
        var b = TrainTestSplit.Random(matrix, 0.3, seed & int.MaxValue);
        return a.Train.ContentEquals(b.Train) && a.Test.ContentEquals(b.Test);
    }

    [Property(MaxTest = 100)]
    public bool LeaveKOut_Matrix_IsPartition_WithKPerEligibleUser(int seed)
    {
        var matrix = EvaluationTestData.RandomShape(seed);
        var k = 1 + ((seed & int.MaxValue) % 4);
        var split = TrainTestSplit.LeaveKOut(matrix, k, seed & int.MaxValue);
        var again = TrainTestSplit.LeaveKOut(matrix, k, seed & int.MaxValue);
        return IsPartition(matrix, split)
            && HoldsOutK(matrix, split, k)
            && split.Test.ContentEquals(again.Test);
    }

    [Property(MaxTest = 100)]
    public bool LeaveKOut_Table_HoldsOutTheLatest(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(0, 120);
        var users = new int[count];
        var movies = new int[count];
        var ratings = new float[count];
        var times = new long[count];
        for (var i = 0; i < count; i++)
        {
            users[i] = random.Next(1, 12);
            movies[i] = random.Next(1, 30);
            ratings[i] = random.Next(1, 6);
            times[i] = random.Next(0, 15); // many ties
        }

        var table = new RatingsTable(users, movies, ratings, times);
        var k = random.Next(1, 4);
        var split = RatingsSplit.LeaveKOut(table, k);
        var matrix = InteractionMatrix.Build(table).UserItems;
        if (!IsPartition(matrix, split) || !HoldsOutK(matrix, split, k))
        {
            return false;
        }

        // Each interaction's recency is its latest kept rating, (time, line); every test one beats every train one.
        var latest = new Dictionary<(int Row, int Column), (long Time, int Line)>();
        for (var i = 0; i < count; i++)
        {
            if (ratings[i] >= 3)
            {
                var key = (split.Users!.IndexOf(users[i]), split.Items!.IndexOf(movies[i]));
                var value = (times[i], i);
                latest[key] = latest.TryGetValue(key, out var old) && old.CompareTo(value) > 0 ? old : value;
            }
        }

        for (var row = 0; row < matrix.RowCount; row++)
        {
            var test = split.Test.GetColumnIndices(row).ToArray().Select(c => latest[(row, c)]).ToList();
            var train = split.Train.GetColumnIndices(row).ToArray().Select(c => latest[(row, c)]).ToList();
            if (test.Count > 0 && train.Count > 0 && test.Min().CompareTo(train.Max()) <= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPartition(CsrMatrix matrix, TrainTestSplit split) =>
        split.Train.RowCount == matrix.RowCount && split.Test.RowCount == matrix.RowCount
        && split.Train.ColumnCount == matrix.ColumnCount && split.Test.ColumnCount == matrix.ColumnCount
        && EvaluationTestData.Disjoint(split.Train, split.Test)
        && EvaluationTestData.DenseEqual(EvaluationTestData.DenseSum(split.Train, split.Test), matrix.ToDense())
        && split.TestUserCount == split.Test.GetRowCounts().Count(c => c > 0);

    private static bool HoldsOutK(CsrMatrix matrix, TrainTestSplit split, int k)
    {
        var original = matrix.GetRowCounts();
        var test = split.Test.GetRowCounts();
        return original.Zip(test).All(p => p.Second == (p.First > k ? k : 0));
    }
}
