using FsCheck;
using FsCheck.Xunit;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Evaluation;

public class TrainTestSplitPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Random_TrainPlusTest_IsOriginal_Disjoint_SameShape(SplitCase c)
    {
        var matrix = c.Matrix;
        var split = TrainTestSplit.Random(matrix, c.TestFraction, c.Seed);
        return IsPartition(matrix, split) && split.DroppedTestCount == 0;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Random_SameSeed_SameSplit(SplitCase c)
    {
        var matrix = c.Matrix;
        var a = TrainTestSplit.Random(matrix, 0.3, c.Seed);
        var b = TrainTestSplit.Random(matrix, 0.3, c.Seed);
        return a.Train.ContentEquals(b.Train) && a.Test.ContentEquals(b.Test);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool LeaveKOut_Matrix_IsPartition_WithKPerEligibleUser(SplitCase c)
    {
        var matrix = c.Matrix;
        var k = c.K;
        var split = TrainTestSplit.LeaveKOut(matrix, k, c.Seed);
        var again = TrainTestSplit.LeaveKOut(matrix, k, c.Seed);
        return IsPartition(matrix, split)
            && HoldsOutK(matrix, split, k)
            && split.Test.ContentEquals(again.Test);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public bool LeaveKOut_Table_HoldsOutTheLatest(RatingRows rows, NonNegativeInt kChoice)
    {
        // Small ids and timestamps: repeated pairs and many tied times.
        var count = rows.Lines.Length;
        var users = rows.Lines.Select(l => l.User).ToArray();
        var movies = rows.Lines.Select(l => l.Movie).ToArray();
        var ratings = rows.Lines.Select(l => l.Rating).ToArray();
        var times = rows.Lines.Select(l => l.Timestamp).ToArray();

        var table = new RatingsTable(users, movies, ratings, times);
        var k = 1 + (kChoice.Get % 3);
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
