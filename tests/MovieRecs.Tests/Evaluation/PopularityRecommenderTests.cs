using FsCheck.Xunit;
using MovieRecs.Evaluation;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Evaluation;

public class PopularityRecommenderTests
{
    // 4 users x 5 items. Users per item: item0 1, item1 3, item2 1, item3 3, item4 0.
    // Item 2 has the largest value (9) but only one user: popularity counts users, not values.
    private static readonly CsrMatrix Train = CsrMatrix.FromDense(new float[,]
    {
        { 1, 1, 0, 1, 0 },
        { 0, 1, 9, 1, 0 },
        { 0, 1, 0, 0, 0 },
        { 0, 0, 0, 1, 0 },
    });

    [Fact]
    public void Recommend_RanksByUserCount_TiesByLowerIndex()
    {
        var model = new PopularityRecommender(Train);
        var items = new int[5];
        var scores = new float[5];
        Assert.Equal(5, model.Recommend(0, [], items, scores));
        Assert.Equal([1, 3, 0, 2, 4], items);
        Assert.Equal([3f, 3f, 1f, 1f, 0f], scores);
        Assert.Equal([1, 3, 1, 3, 0], model.UserCounts.ToArray());
        Assert.Equal([1, 3, 0, 2, 4], model.RankedItems.ToArray());
        Assert.Equal(4, model.UserCount);
        Assert.Equal(5, model.ItemCount);
    }

    [Fact]
    public void Recommend_SkipsExcludedItems_InAnyOrderWithDuplicates()
    {
        var model = new PopularityRecommender(Train);
        var items = new int[2];
        var scores = new float[2];
        Assert.Equal(2, model.Recommend(2, [3, 1, 3], items, scores));
        Assert.Equal([0, 2], items);
        Assert.Equal([1f, 1f], scores);
    }

    [Fact]
    public void Recommend_FewerCandidatesThanWanted_ReturnsWhatIsLeft()
    {
        var model = new PopularityRecommender(Train);
        var items = new int[4];
        var scores = new float[4];
        Assert.Equal(2, model.Recommend(1, [0, 1, 3], items, scores));
        Assert.Equal([2, 4], items[..2]);
        Assert.Equal(0, model.Recommend(1, [], [], []));
    }

    [Fact]
    public void Recommend_InvalidArguments_Throw()
    {
        var model = new PopularityRecommender(Train);
        var items = new int[2];
        var scores = new float[2];
        Assert.Throws<ArgumentOutOfRangeException>("user", () => model.Recommend(4, [], items, scores));
        Assert.Throws<ArgumentOutOfRangeException>("user", () => model.Recommend(-1, [], items, scores));
        var e = Assert.Throws<ArgumentOutOfRangeException>("excludeItems", () => model.Recommend(0, [1, 5], items, scores));
        Assert.Contains("excludeItems[1] is 5", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("scores", () => model.Recommend(0, [], items, new float[1]));
        Assert.Throws<ArgumentNullException>("userItems", () => new PopularityRecommender(null!));
    }

    [Fact]
    public void Recommend_ManyItems_UsesPooledBitmapAndStillFilters()
    {
        // 70,000 items exceed the stack bitmap; item i has (i % 3) users, so the best are 2, 5, 8, ...
        const int itemCount = 70_000;
        var rows = new List<int>();
        var columns = new List<int>();
        for (var item = 0; item < itemCount; item++)
        {
            for (var u = 0; u < item % 3; u++)
            {
                rows.Add(u);
                columns.Add(item);
            }
        }

        var model = new PopularityRecommender(CsrMatrix.FromTriplets(2, itemCount, rows.ToArray(), columns.ToArray(), Enumerable.Repeat(1f, rows.Count).ToArray()));
        var items = new int[3];
        var scores = new float[3];
        Assert.Equal(3, model.Recommend(1, [5, 69_998], items, scores));
        Assert.Equal([2, 8, 11], items);
        Assert.Equal([2f, 2f, 2f], scores);
    }

    [Fact]
    public void Recommend_WarmedUp_DoesNotAllocate()
    {
        var model = new PopularityRecommender(Train);
        var items = new int[3];
        var scores = new float[3];
        int[] exclude = [1];
        model.Recommend(0, exclude, items, scores);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            model.Recommend(i % 4, exclude, items, scores);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(EvaluationArbitraries) })]
    public bool Recommend_MatchesSortByCountThenIndex(PopularityCase c)
    {
        var train = c.Train.ToCsr();
        if (train.RowCount == 0)
        {
            return true;
        }

        var model = new PopularityRecommender(train);
        var exclude = c.ExcludedItems;
        var counts = Enumerable.Range(0, train.ColumnCount).Select(c => Enumerable.Range(0, train.RowCount).Count(r => train[r, c] != 0)).ToArray();
        var expected = Enumerable.Range(0, train.ColumnCount).Where(c => !exclude.Contains(c)).OrderByDescending(c => counts[c]).ThenBy(c => c).Take(6).ToArray();
        var items = new int[6];
        var scores = new float[6];
        var written = model.Recommend(c.UserIndex, exclude, items, scores);
        return written == expected.Length
            && items.AsSpan(0, written).SequenceEqual(expected)
            && scores.AsSpan(0, written).SequenceEqual(expected.Select(c => (float)counts[c]).ToArray());
    }
}
