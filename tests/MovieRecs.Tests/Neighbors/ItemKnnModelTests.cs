using MovieRecs.Neighbors;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Neighbors;

/// <summary>The filters, candidates and guards of <see cref="ItemKnnModel"/> on a small hand-made matrix.</summary>
public class ItemKnnModelTests
{
    // Users x items: item 4 shares no user with items 0..3, so user 0 (items 0, 1) never reaches it.
    private static readonly CsrMatrix UserItems = CsrMatrix.FromDense(new float[,]
    {
        { 5, 3, 0, 0, 0 },
        { 4, 0, 4, 1, 0 },
        { 0, 2, 5, 3, 0 },
        { 0, 0, 0, 0, 4 },
    });

    [Fact]
    public void Fit_KTimesItemsBeyondAnArray_ThrowsNamingKBeforeAllocating()
    {
        // K = int.MaxValue ("keep every neighbour") over 50,000 items asks for 2.5e9 entries, more than an array
        // holds: named before any work, not an OutOfMemoryException from inside the kernel.
        var wide = CsrMatrix.FromTriplets(2, 50_000, [0, 1], [7, 49_999], [1f, 2f]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ItemKnnModel.Fit(wide, new ItemKnnOptions { K = int.MaxValue }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("ItemKnnOptions.K = 2147483647", error.Message, StringComparison.Ordinal);
        Assert.Contains("50,000 items", error.Message, StringComparison.Ordinal);
        Assert.Equal(50_000, ItemKnnModel.Fit(wide, new ItemKnnOptions { K = 3 }).ItemCount);
    }

    [Fact]
    public void Fit_TfIdfOfANegativeValue_NamesTheUserItemAndValue()
    {
        var values = CsrMatrix.FromDense(new float[,] { { 1, 0, 2 }, { 0, 3, 0 }, { 4, 0, -5 } });
        var error = Assert.Throws<ArgumentException>(() => ItemKnnModel.Fit(values, new ItemKnnOptions { Similarity = ItemSimilarity.TfIdf }));
        Assert.Equal("userItems", error.ParamName);
        Assert.Contains("userItems[2, 2] is -5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_FilterItems_NeverReturnsThem()
    {
        var model = ItemKnnModel.Fit(UserItems, new ItemKnnOptions { Similarity = ItemSimilarity.Cosine });
        var all = model.Recommend(0, 5);
        Assert.Equal([2, 3], all.Select(r => r.Item).Order());
        var filtered = model.Recommend(0, 5, new RecommendOptions { FilterItems = [all[0].Item] });
        Assert.Equal([all[1].Item], filtered.Select(r => r.Item));
    }

    [Fact]
    public void Recommend_Candidates_ScoresOnlyThemAndUnreachedAsZero()
    {
        var model = ItemKnnModel.Fit(UserItems, new ItemKnnOptions { Similarity = ItemSimilarity.Bm25 });
        var result = model.Recommend(0, 5, new RecommendOptions { Candidates = [4, 3] });
        Assert.Equal(2, result.Length);
        Assert.Equal(3, result[0].Item);
        Assert.Equal(new ScoredItem(4, 0f), result[1]);
        Assert.Throws<ArgumentException>(() => model.Recommend(0, 5, new RecommendOptions { Candidates = [3, 3] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(0, 5, new RecommendOptions { Candidates = [5] }));
    }

    [Fact]
    public void Recommend_KeepLiked_ReturnsTheUsersOwnItemsToo()
    {
        var model = ItemKnnModel.Fit(UserItems, new ItemKnnOptions { Similarity = ItemSimilarity.TfIdf });
        var result = model.Recommend(0, 5, new RecommendOptions { FilterAlreadyLiked = false });
        Assert.Contains(result, r => r.Item == 0);
        Assert.DoesNotContain(result, r => r.Item == 4);
        Assert.Equal(model.RecommendAll(5, new RecommendOptions { FilterAlreadyLiked = false })[0], result);
    }

    [Theory]
    [InlineData(ItemSimilarity.Bm25, false)]
    [InlineData(ItemSimilarity.Cosine, false)]
    [InlineData(ItemSimilarity.Cosine, true)]
    public void Fit_ReportsItemsDoneAndStopsWhenCancelled(ItemSimilarity similarity, bool negativeValues)
    {
        // Negative values make some products negative, so the fit scores every ordered pair instead of each
        // unordered pair once: both paths report and stop.
        var userItems = RandomMatrix(300, 200, negativeValues);
        var options = new ItemKnnOptions { Similarity = similarity, K = 7, MaxDegreeOfParallelism = 2 };
        var reports = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var model = ItemKnnModel.Fit(userItems, options, new SynchronousProgress<int>(reports.Enqueue));
        var sorted = reports.Order().ToArray();
        Assert.True(sorted.Length > 1, $"{sorted.Length} reports");
        Assert.Equal(userItems.ColumnCount, sorted[^1]);
        Assert.Equal(sorted.Length, sorted.Distinct().Count());
        Assert.True(model.Similarity.ContentEquals(ItemKnnModel.Fit(userItems, options).Similarity));

        Assert.ThrowsAny<OperationCanceledException>(() => ItemKnnModel.Fit(userItems, options, cancellationToken: new CancellationToken(true)));
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => ItemKnnModel.Fit(userItems, options, new SynchronousProgress<int>(done =>
        {
            Interlocked.Increment(ref seen);
            cancel.Cancel();
        }), cancel.Token));
        // Each worker finishes at most the block it is in when the first report cancels; none starts another.
        Assert.True(sorted.Length > options.MaxDegreeOfParallelism);
        Assert.InRange(seen, 1, options.MaxDegreeOfParallelism);

        var error = new InvalidOperationException("progress failed");
        Assert.Same(error, Assert.Throws<InvalidOperationException>(() => ItemKnnModel.Fit(userItems, options, new SynchronousProgress<int>(_ => throw error))));
    }

    [Fact]
    public void RecommendAll_ReportsUsersDone()
    {
        var userItems = RandomMatrix(120, 50, negativeValues: false);
        var model = ItemKnnModel.Fit(userItems);
        var reports = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var all = model.RecommendAll(5, progress: new SynchronousProgress<int>(reports.Enqueue));
        Assert.Equal(Enumerable.Range(1, userItems.RowCount), reports.Order());
        Assert.Equal(Enumerable.Range(0, userItems.RowCount).Select(u => model.Recommend(u, 5)), all);
        var error = new InvalidOperationException("progress failed");
        Assert.Same(error, Assert.Throws<InvalidOperationException>(() => model.RecommendAll(5, progress: new SynchronousProgress<int>(_ => throw error))));
    }

    private static CsrMatrix RandomMatrix(int users, int items, bool negativeValues)
    {
        var random = new Random(17);
        var dense = new float[users, items];
        for (var u = 0; u < users; u++)
        {
            for (var i = 0; i < items; i++)
            {
                if (random.NextDouble() < 0.08)
                {
                    dense[u, i] = negativeValues && random.NextDouble() < 0.3 ? -1 - random.Next(4) : 1 + random.Next(5);
                }
            }
        }

        return CsrMatrix.FromDense(dense);
    }

    [Fact]
    public void Fit_BadOptionsOrValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemKnnModel.Fit(UserItems, new ItemKnnOptions { K = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemKnnModel.Fit(UserItems, new ItemKnnOptions { B = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemKnnModel.Fit(UserItems, new ItemKnnOptions { Similarity = (ItemSimilarity)7 }));
        var negative = CsrMatrix.FromDense(new float[,] { { -1, 2 }, { 3, 0 } });
        Assert.Throws<ArgumentException>(() => ItemKnnModel.Fit(negative, new ItemKnnOptions { Similarity = ItemSimilarity.TfIdf }));
    }

    public static TheoryData<string, ItemKnnOptions, string> BadOptions => new()
    {
        { "Similarity", new ItemKnnOptions { Similarity = (ItemSimilarity)7 }, "7" },
        { "K", new ItemKnnOptions { K = 0 }, "0" },
        { "K", new ItemKnnOptions { K = -3 }, "-3" },
        { "K1", new ItemKnnOptions { K1 = double.NaN }, "NaN" },
        { "K1", new ItemKnnOptions { K1 = -0.5 }, "-0.5" },
        { "B", new ItemKnnOptions { B = 1.5 }, "1.5" },
        { "B", new ItemKnnOptions { B = double.NaN }, "NaN" },
        { "MaxDegreeOfParallelism", new ItemKnnOptions { MaxDegreeOfParallelism = 0 }, "0" },
        { "MaxDegreeOfParallelism", new ItemKnnOptions { MaxDegreeOfParallelism = -2 }, "-2" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_OutOfRange_NamesTheOptionAndValue(string option, ItemKnnOptions options, string value)
    {
        // The option's own name (K1, not the weighting helper's k1), as the other models' options report theirs.
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(option + " ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"but was {value}.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ItemSimilarity.Cosine)]
    [InlineData(ItemSimilarity.Bm25)]
    public void Fit_ValuesWhoseScoresOverflowFloat_ThrowsNamingTheUser(ItemSimilarity similarity)
    {
        // Scores are sums of value · similarity: values near float.MaxValue give sums beyond float, which would be
        // served as Infinity (and rank as ties); 1e30 still fits.
        // Five items, so that BM25's inverse document frequencies (log 5 − log 3) are not 0.
        var huge = CsrMatrix.FromDense(new float[,] { { 3e38f, 3e38f, 0, 0, 0 }, { 0, 3e38f, 3e38f, 0, 0 } });
        var e = Assert.Throws<ArgumentException>(() => ItemKnnModel.Fit(huge, new ItemKnnOptions { Similarity = similarity }));
        Assert.Equal("userItems", e.ParamName);
        Assert.Contains("user 0", e.Message, StringComparison.Ordinal);

        var large = CsrMatrix.FromDense(new float[,] { { 1e30f, 1e30f, 0, 0, 0 }, { 0, 1e30f, 1e30f, 0, 0 } });
        var model = ItemKnnModel.Fit(large, new ItemKnnOptions { Similarity = similarity });
        var scored = model.Recommend(0, 3, new RecommendOptions { FilterAlreadyLiked = false });
        Assert.NotEmpty(scored);
        Assert.All(scored, s => Assert.True(float.IsFinite(s.Score) && s.Score != 0, $"{s}"));
    }

    [Fact]
    public void RecommendForNewUser_ValuesWhoseScoresOverflowFloat_Throws()
    {
        var model = ItemKnnModel.Fit(UserItems, new ItemKnnOptions { Similarity = ItemSimilarity.Cosine });
        var e = Assert.Throws<ArgumentException>(() => model.RecommendForNewUser([0, 1, 2], [3e38f, 3e38f, 3e38f], 5));
        Assert.Equal("values", e.ParamName);
        Assert.Contains("float", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimilarItems_OptionsOutOfRangeOrRepeated_ThrowAsRecommendDoes()
    {
        var model = ItemKnnModel.Fit(UserItems);
        Assert.Equal("options.FilterItems[1]", Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarItems(0, 5, new RecommendOptions { FilterItems = [1, 5] })).ParamName);
        Assert.Equal("options.Candidates[0]", Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarItems(0, 5, new RecommendOptions { Candidates = [-1] })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => model.SimilarItems(0, 5, new RecommendOptions { Candidates = [1, 1] })).ParamName);
        Assert.Equal(model.SimilarItems(0, 5).Where(s => s.Item != 1), model.SimilarItems(0, 5, new RecommendOptions { FilterItems = [1, 1] }));
    }

    [Fact]
    public void RecommendForNewUser_RepeatedItem_Throws()
    {
        var model = ItemKnnModel.Fit(UserItems);
        var error = Assert.Throws<ArgumentException>(() => model.RecommendForNewUser([1, 0, 1], [1f, 2f, 3f]));
        Assert.Equal("items", error.ParamName);
        Assert.Contains("item 1 more than once", error.Message, StringComparison.Ordinal);
        Assert.Equal(model.Recommend(0, 5), model.RecommendForNewUser([1, 0], [3f, 5f], 5));
    }

    [Fact]
    public void ExplainAndSimilar_OutOfRange_Throw()
    {
        var model = ItemKnnModel.Fit(UserItems);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Explain(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Explain(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarItems(-1));
        Assert.Equal(0f, model.Explain(0, 4).Score);
        Assert.Empty(model.Explain(0, 4).Contributions);
    }
}
