using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Recommendations;

public class AlsModelServingTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Recommend_EqualsNaiveRanking_AndNeverReturnsFilteredItems(ScoringCase c)
    {
        var model = AlsModel.FromFactors(new AlsOptions { Factors = c.Factors.FactorCount }, c.UserFactors, c.ItemFactors);
        var liked = c.Liked;
        var userItems = CsrMatrix.FromTriplets(1, c.ItemCount, new int[liked.Length], liked, [.. liked.Select(_ => 1f)]);
        var result = model.Recommend(0, userItems, 7);
        var expected = ServingFixture.NaiveRanking(model, 0, liked.ToHashSet(), 7);
        return result.Length == expected.Length
            && result.Select(r => r.Item).SequenceEqual(expected.Select(e => e.Item)) // scores are exact, so ties break by index
            && result.Zip(expected).All(p => p.First.Score == p.Second.Score)
            && result.All(r => !liked.Contains(r.Item) && float.IsFinite(r.Score))
            && result.Zip(result.Skip(1)).All(p => p.First.Score >= p.Second.Score);
    }

    [Fact]
    public void Recommend_CountLargerThanCandidates_ReturnsAllEligible()
    {
        var (model, userItems) = ServingFixture.Fit(3);
        var liked = userItems.GetColumnIndices(0).ToArray();
        var all = model.Recommend(0, liked, 1000);
        Assert.Equal(model.ItemCount - liked.Length, all.Length);
        Assert.Equal(all.Length, all.Select(r => r.Item).Distinct().Count());
    }

    [Fact]
    public void Recommend_FilterItemsAndCandidates_Honoured()
    {
        var (model, userItems) = ServingFixture.Fit(4);
        var liked = userItems.GetColumnIndices(1).ToArray();
        var filtered = model.Recommend(1, liked, 1000, new RecommendOptions { FilterItems = [0, 1, 2] });
        Assert.DoesNotContain(filtered, r => r.Item <= 2 || liked.Contains(r.Item));

        int[] candidates = [5, 3, 9, 11];
        var ranked = model.Recommend(1, liked, 10, new RecommendOptions { Candidates = candidates, FilterAlreadyLiked = false });
        Assert.Equal(candidates.Order(), ranked.Select(r => r.Item).Order());
        var expected = candidates.OrderByDescending(c => model.Score(1, c)).ThenBy(c => c).ToArray();
        Assert.Equal(expected, ranked.Select(r => r.Item).ToArray());
        Assert.Equal(expected, model.Rank(1, candidates).Select(r => r.Item).ToArray());
    }

    [Fact]
    public void Recommend_BadInput_ThrowsNamingParameter()
    {
        var (model, _) = ServingFixture.Fit(5);
        Assert.Equal("user", Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(model.UserCount, ReadOnlySpan<int>.Empty)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(0, ReadOnlySpan<int>.Empty, 0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(0, [model.ItemCount]));
        Assert.Throws<ArgumentException>(() => model.Recommend(0, ReadOnlySpan<int>.Empty, 5, new RecommendOptions { FilterItems = [1], Candidates = [2] }));
        Assert.Throws<ArgumentException>(() => model.Recommend(0, ReadOnlySpan<int>.Empty, 5, new RecommendOptions { Candidates = [2, 2] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(0, ReadOnlySpan<int>.Empty, 5, new RecommendOptions { Candidates = [-1] }));
        // A bad call leaves no state behind: the next call is still right.
        var after = model.Recommend(0, ReadOnlySpan<int>.Empty, 5, new RecommendOptions { Candidates = [2, 3] });
        Assert.Equal(2, after.Length);
    }

    [Fact]
    public void RecommendAll_EqualsSingleUserCalls()
    {
        var (model, userItems) = ServingFixture.Fit(6, users: 150);
        var all = model.RecommendAll(userItems, 5);
        Assert.Equal(userItems.RowCount, all.Length);
        for (var u = 0; u < userItems.RowCount; u++)
        {
            Assert.Equal(model.Recommend(u, userItems, 5), all[u]);
        }
    }

    [Fact]
    public void RecommendAll_WithFilterItemsOrNoLikedFilter_EqualsSingleUserCalls()
    {
        // 150 users: whole blocks of four users and a remainder in every batch, both scored like the single call.
        var (model, userItems) = ServingFixture.Fit(9, users: 150);
        foreach (var options in new[]
        {
            new RecommendOptions { FilterAlreadyLiked = false },
            new RecommendOptions { FilterItems = [0, 3, 5, 7] },
            new RecommendOptions { Candidates = [1, 2, 4, 8, 16] },
        })
        {
            var all = model.RecommendAll(userItems, 7, options);
            for (var u = 0; u < userItems.RowCount; u++)
            {
                Assert.Equal(model.Recommend(u, userItems, 7, options), all[u]);
            }
        }
    }

    [Fact]
    public void IRecommender_MatchesRecommend()
    {
        var (model, userItems) = ServingFixture.Fit(7);
        IRecommender recommender = model;
        var items = new int[6];
        var scores = new float[6];
        var liked = userItems.GetColumnIndices(2);
        var n = recommender.Recommend(2, liked, items, scores);
        var expected = model.Recommend(2, liked, 6);
        Assert.Equal(expected.Length, n);
        Assert.Equal(expected.Select(e => e.Item), items.Take(n));
        Assert.Equal(expected.Select(e => e.Score), scores.Take(n));
    }

    [Fact]
    public void RecommendForNewUser_UsesFoldIn_AndFiltersGivenItems()
    {
        var (model, userItems) = ServingFixture.Fit(8);
        var items = userItems.GetColumnIndices(3).ToArray();
        var values = userItems.GetValues(3).ToArray();
        var result = model.RecommendForNewUser(items, values, 5);
        var folded = model.RecalculateUser(items, values);
        var expected = Enumerable.Range(0, model.ItemCount).Where(i => !items.Contains(i))
            .Select(i => (i, s: ServingFixture.Dot(folded, model.GetItemFactors(i).ToArray())))
            .OrderByDescending(p => p.s).ThenBy(p => p.i).Take(5).Select(p => p.i);
        Assert.Equal(expected, result.Select(r => r.Item));
    }

    [Fact]
    public void Recommend_SpanDestination_AllocatesNothingWhenWarm()
    {
        var (model, userItems) = ServingFixture.Fit(9);
        var liked = userItems.GetColumnIndices(0).ToArray();
        var destination = new ScoredItem[10];
        model.Recommend(0, liked, destination);
        model.Recommend(0, liked, destination);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            model.Recommend(i % model.UserCount, liked, destination);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Explain_OneCall_AllocatesOnlyItsResultAndPerItemArraysWhenWarm()
    {
        var (model, userItems) = ServingFixture.Fit(11, items: 80, factors: 48);
        var liked = userItems.GetColumnIndices(0).ToArray();
        var values = userItems.GetValues(0).ToArray();
        var expected = model.CreateExplainer(liked, values).Explain(2, 3);
        model.Explain(liked, values, 2, 3);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var explanation = model.Explain(liked, values, 2, 3);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The factorization's scratch is cached per thread, not allocated: what remains is the k x k factor, which the
        // result returns as its user weights (written in place by the factorization, not copied), the liked items,
        // their confidences and contributions (a few bytes each) and the result.
        var factorBytes = (long)model.Factors * model.Factors * sizeof(float);
        Assert.Equal(model.Factors * model.Factors, explanation.UserWeights.Length);
        Assert.True(allocated < 2 * factorBytes, $"one Explain call allocated {allocated} bytes; the factor alone is {factorBytes}");
        Assert.True(allocated < factorBytes + 1024 + (liked.Length * 64), $"one Explain call allocated {allocated} bytes for {liked.Length} liked items");
        Assert.Equal(expected.Score, explanation.Score);
        Assert.Equal(expected.Contributions, explanation.Contributions);
    }

    [Fact]
    public void RecalculateUser_FromFourThreadsAtOnce_AllocatesNothingWhenWarm()
    {
        var (model, userItems) = ServingFixture.Fit(12, items: 80, factors: 48);
        var allocated = new long[4];
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var destination = new float[model.Factors];
            var items = userItems.GetColumnIndices(t).ToArray();
            var values = userItems.GetValues(t).ToArray();
            model.RecalculateUser(items, values, destination);
            start.SignalAndWait();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                model.RecalculateUser(items, values, destination);
            }

            allocated[t] = GC.GetAllocatedBytesForCurrentThread() - before;
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        // Each thread keeps its own scratch: concurrent fold-ins neither contend for one nor allocate another.
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
    }

    [Fact]
    public void ScorePairsAndFilterItems_AllocateNothingBeyondTheResultWhenWarm()
    {
        var (model, userItems) = ServingFixture.Fit(10);
        var liked = userItems.GetColumnIndices(0).ToArray();
        var destination = new ScoredItem[5];
        var options = new RecommendOptions { FilterItems = [1, 2, 3, 4, 5, 6] };
        int[] users = [0, 1, 2, 3];
        int[] items = [4, 5, 6, 7];
        var scores = new float[4];
        model.Recommend(0, liked, destination, options);
        model.Score(users, items, scores);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            model.Recommend(i % model.UserCount, liked, destination, options);
            model.Score(users, items, scores);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal("items[2]", Assert.Throws<ArgumentOutOfRangeException>(() => model.Score(users, [4, 5, model.ItemCount, 7], scores)).ParamName);
        Assert.Equal(
            "options.FilterItems[1]",
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(0, liked, destination, new RecommendOptions { FilterItems = [1, -1] })).ParamName);
    }

    [Fact]
    public void SimilarItems_QueryFirst_ThenCosineOrder()
    {
        var (model, _) = ServingFixture.Fit(10);
        var similar = model.SimilarItems(4, 6);
        Assert.Equal(new ScoredItem(4, 1f), similar[0]);
        var y = model.GetItemFactors(4).ToArray();
        float Cosine(int j)
        {
            var z = model.GetItemFactors(j).ToArray();
            var norm = MathF.Sqrt(ServingFixture.Dot(z, z));
            return ServingFixture.Dot(y, z) / (MathF.Sqrt(ServingFixture.Dot(y, y)) * (norm == 0 ? 1e-10f : norm));
        }

        var expected = Enumerable.Range(0, model.ItemCount).Where(j => j != 4).OrderByDescending(Cosine).ThenBy(j => j).Take(5);
        Assert.Equal(expected, similar.Skip(1).Select(s => s.Item));
        Assert.All(similar.Skip(1), s => Assert.InRange(s.Score, -1.0001f, 1.0001f));
        Assert.Equal(similar, model.SimilarItemsAll(6)[4]);
        Assert.Equal(new ScoredItem(7, 1f), model.SimilarUsers(7, 3)[0]);
    }

    [Fact]
    public void SimilarItems_OptionsThatLeaveTheQueryOut_DropItAsImplicitDoes()
    {
        var (model, _) = ServingFixture.Fit(10);
        var all = model.SimilarItems(4, model.ItemCount);

        // implicit's filter_items and items= apply to the query item as to any other.
        var filtered = model.SimilarItems(4, 5, new RecommendOptions { FilterItems = [4, all[1].Item] });
        Assert.Equal(all.Skip(2).Take(5), filtered);

        var candidates = new[] { all[3].Item, all[1].Item, all[6].Item };
        Assert.Equal(new[] { all[1], all[3], all[6] }, model.SimilarItems(4, 10, new RecommendOptions { Candidates = candidates }));
        Assert.Equal(new[] { all[0], all[1], all[3] }, model.SimilarItems(4, 3, new RecommendOptions { Candidates = [.. candidates, 4] }));

        // Options that do not name it keep it first.
        Assert.Equal(all[0], model.SimilarItems(4, 3, new RecommendOptions { FilterItems = [all[2].Item] })[0]);
        Assert.Equal(new ScoredItem(7, 1f), model.SimilarUsers(7, 3, new RecommendOptions { Candidates = [7, 1] })[0]);
        Assert.DoesNotContain(model.SimilarUsers(7, 3, new RecommendOptions { FilterItems = [7] }), s => s.Item == 7);
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(ServingArbitraries.Explain) })]
    public bool Explain_ContributionsSumToScore_WhichIsTheFoldInScore(ServingCase c)
    {
        var (model, userItems) = ServingFixture.Fit(c.Training, c.Factors);
        var user = c.UserIndex;
        var items = userItems.GetColumnIndices(user).ToArray();
        var values = userItems.GetValues(user).ToArray();
        var explainer = model.CreateExplainer(items, values);
        var item = c.ItemIndex;
        var all = explainer.Explain(item, count: int.MaxValue);
        var folded = model.RecalculateUser(items, values);
        var foldedScore = ServingFixture.Dot(folded, model.GetItemFactors(item).ToArray());
        var sum = all.Contributions.Sum(c => (double)c.Score);
        var tolerance = 1e-3 * (1 + Math.Abs(foldedScore));
        var top = model.Explain(items, values, item, 3);
        return all.Contributions.Count == items.Length
            && Math.Abs(sum - all.Score) <= tolerance
            && Math.Abs(all.Score - foldedScore) <= tolerance
            && top.Contributions.Count == Math.Min(3, items.Length)
            && top.Contributions.SequenceEqual(all.Contributions.Take(3))
            && all.Contributions.Zip(all.Contributions.Skip(1)).All(p => MathF.Abs(p.First.Score) >= MathF.Abs(p.Second.Score));
    }

    [Fact]
    public void ConcurrentMixedQueries_MatchSerialAnswers()
    {
        var (model, userItems) = ServingFixture.Fit(11, users: 60, items: 50);
        var serialRecommend = Enumerable.Range(0, model.UserCount).Select(u => model.Recommend(u, userItems, 5)).ToArray();
        var serialSimilar = Enumerable.Range(0, model.ItemCount).Select(i => model.SimilarItems(i, 5)).ToArray();
        var explainItems = userItems.GetColumnIndices(0).ToArray();
        var explainValues = userItems.GetValues(0).ToArray();
        var serialExplain = model.Explain(explainItems, explainValues, 3, 4);
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (var q = 0; q < 400; q++)
            {
                var ok = ((q + t) % 3) switch
                {
                    0 => model.Recommend(q % model.UserCount, userItems, 5).SequenceEqual(serialRecommend[q % model.UserCount]),
                    1 => model.SimilarItems(q % model.ItemCount, 5).SequenceEqual(serialSimilar[q % model.ItemCount]),
                    _ => model.Explain(explainItems, explainValues, 3, 4) is var e && e.Score == serialExplain.Score && e.Contributions.SequenceEqual(serialExplain.Contributions),
                };
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
    }

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(ServingArbitraries.Similar) })]
    public bool SimilarAll_EqualsSingleCalls_ForItemsAndUsers(ServingCase c)
    {
        var (model, _) = ServingFixture.Fit(c.Training, c.Factors);
        var count = c.Count;
        var items = model.SimilarItemsAll(count);
        var users = model.SimilarUsersAll(count);
        return Enumerable.Range(0, model.ItemCount).All(i => items[i].SequenceEqual(model.SimilarItems(i, count)))
            && Enumerable.Range(0, model.UserCount).All(u => users[u].SequenceEqual(model.SimilarUsers(u, count)));
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(ServingArbitraries.FewDistinctRows) })]
    public bool SimilarAll_WithExactTiesAndLargeCounts_EqualsSingleCalls(PickedFactors picked)
    {
        // Rows drawn from a few distinct vectors tie exactly; counts beyond 16 take the heap form of the batch selection.
        var users = picked.UserPicks.Length;
        var items = picked.ItemPicks.Length;
        var model = MovieRecs.Als.AlsModel.FromFactors(new MovieRecs.Als.AlsOptions { Factors = picked.Factors, MaxDegreeOfParallelism = 2 }, picked.UserFactors, picked.ItemFactors);
        foreach (var count in new[] { 1, 2, 9, 16, 17, 40 })
        {
            var all = model.SimilarItemsAll(count);
            if (!Enumerable.Range(0, items).All(i => all[i].SequenceEqual(model.SimilarItems(i, count))))
            {
                return false;
            }
        }

        var usersAll = model.SimilarUsersAll(23);
        return Enumerable.Range(0, users).All(u => usersAll[u].SequenceEqual(model.SimilarUsers(u, 23)));
    }

    [Fact]
    public void BatchCalls_ProgressThatThrows_PropagatesItsExceptionUnwrapped()
    {
        // Several workers and several strips of rows, so every batch call runs its work in parallel.
        var userItems = TestMatrices.Random(6, users: 150, items: 60, density: 0.1, minRating: 3);
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 2, Seed = 6, MaxDegreeOfParallelism = 4 }).Fit(userItems);
        var progress = new ThrowingProgress();

        Assert.Same(progress.Error, Assert.Throws<InvalidOperationException>(() => model.RecommendAll(userItems, 5, progress: progress)));
        Assert.Same(progress.Error, Assert.Throws<InvalidOperationException>(() => model.RecommendAll(userItems, 5, new RecommendOptions { Candidates = [1, 2, 3] }, progress)));
        Assert.Same(progress.Error, Assert.Throws<InvalidOperationException>(() => model.SimilarItemsAll(5, progress)));
        Assert.Same(progress.Error, Assert.Throws<InvalidOperationException>(() => model.SimilarUsersAll(5, progress)));
    }

    [Fact]
    public void Rank_UserOutOfRange_ThrowsEvenForNoItems()
    {
        var (model, _) = ServingFixture.Fit(7);
        Assert.Equal("user", Assert.Throws<ArgumentOutOfRangeException>(() => model.Rank(model.UserCount, [])).ParamName);
        Assert.Equal("user", Assert.Throws<ArgumentOutOfRangeException>(() => model.Rank(-1, [])).ParamName);
        Assert.Empty(model.Rank(0, []));
    }

    private sealed class ThrowingProgress : IProgress<int>
    {
        public InvalidOperationException Error { get; } = new("progress failed");

        public void Report(int value) => throw Error;
    }
}
