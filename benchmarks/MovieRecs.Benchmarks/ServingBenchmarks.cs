using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Serving a model fitted on the synthetic ml-1m preset (ratings &gt;= 3; factors 100, 2 threads): batch recommend
/// top-10 for every user with already-liked filtering, similar items top-10 for every item, single-user recommend,
/// and explain. Each category has a naive baseline measured in the same run: every item scored with
/// <c>TensorPrimitives.Dot</c>, then a full sort. Two more compare this library's own paths: batch recommend with the
/// 256-bit kernels against the 512-bit tile, the unpaired 512-bit tile with heap selection against the paired item rows
/// with seeded selection, and one user's full float32 scan against the pruned ranking, for one user repeated and for
/// users in turn.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ServingBenchmarks
{
    private AlsModel _model = null!;
    private AlsModel _model256 = null!;
    private CsrMatrix _userItems = null!;
    private ScoredItem[] _destination = new ScoredItem[10];
    private int[] _liked = [];
    private float[] _likedValues = [];
    private UserExplainer _explainer = null!;
    private int _user;
    private float[] _query = [];

    [GlobalSetup]
    public void Setup()
    {
        _userItems = BenchmarkData.Ml1mUserItems;
        _model = new AlsTrainer(new AlsOptions { Factors = 100, Iterations = 3, Seed = 1, MaxDegreeOfParallelism = 2 }).Fit(_userItems);
        _model256 = _model.WithKernelWidth(SimdWidth.Vector256);
        // A user of median activity.
        var counts = _userItems.GetRowCounts();
        var order = Enumerable.Range(0, counts.Length).OrderBy(u => counts[u]).ToArray();
        _user = order[order.Length / 2];
        _liked = _userItems.GetColumnIndices(_user).ToArray();
        _likedValues = _userItems.GetValues(_user).ToArray();
        _explainer = _model.CreateExplainer(_liked, _likedValues);
        _query = new float[_model.Stride];
    }

    [Benchmark(Baseline = true, Description = "naive: Dot per item + sort, all users, 1 thread")]
    [BenchmarkCategory("RecommendAll")]
    public int NaiveRecommendAll()
    {
        var scores = new float[_model.ItemCount];
        var total = 0;
        for (var u = 0; u < _userItems.RowCount; u++)
        {
            total += NaiveTop(_model.GetUserFactors(u), _userItems.GetColumnIndices(u), scores, useItems: true)[0];
        }

        return total;
    }

    [Benchmark(Description = "RecommendAll top-10, filter liked")]
    [BenchmarkCategory("RecommendAll")]
    public ScoredItem[][] RecommendAll() => _model.RecommendAll(_userItems, 10);

    [Benchmark(Baseline = true, Description = "RecommendAll top-10, filter liked, 256-bit kernels (the tile before the 512-bit one)")]
    [BenchmarkCategory("RecommendAllKernels")]
    public ScoredItem[][] RecommendAll256() => _model256.RecommendAll(_userItems, 10);

    [Benchmark(Description = "RecommendAll top-10, filter liked, 512-bit tile")]
    [BenchmarkCategory("RecommendAllKernels")]
    public ScoredItem[][] RecommendAll512() => _model.RecommendAll(_userItems, 10);

    [Benchmark(Baseline = true, Description = "RecommendAll top-10, filter liked, unpaired 512-bit tile and heap selection (before round 3)")]
    [BenchmarkCategory("RecommendAllPaired")]
    public ScoredItem[][] RecommendAllUnpaired() => _model.RecommendAllUnpaired(_userItems, 10);

    [Benchmark(Description = "RecommendAll top-10, filter liked, paired item rows and seeded selection")]
    [BenchmarkCategory("RecommendAllPaired")]
    public ScoredItem[][] RecommendAllPaired() => _model.RecommendAll(_userItems, 10);

    [Benchmark(Baseline = true, Description = "naive: Dot per item + sort, all items, 1 thread")]
    [BenchmarkCategory("SimilarAll")]
    public int NaiveSimilarAll()
    {
        var scores = new float[_model.ItemCount];
        var total = 0;
        for (var i = 0; i < _model.ItemCount; i++)
        {
            total += NaiveTop(_model.GetItemFactors(i), [], scores, useItems: true)[0];
        }

        return total;
    }

    [Benchmark(Description = "SimilarItemsAll top-10")]
    [BenchmarkCategory("SimilarAll")]
    public ScoredItem[][] SimilarAll() => _model.SimilarItemsAll(10);

    [Benchmark(Baseline = true, Description = "naive: one user, Dot per item + sort")]
    [BenchmarkCategory("RecommendOne")]
    public int NaiveRecommendOne() => NaiveTop(_model.GetUserFactors(_user), _liked, new float[_model.ItemCount], useItems: true)[0];

    [Benchmark(Description = "Recommend one user top-10 into a span")]
    [BenchmarkCategory("RecommendOne")]
    public int RecommendOne() => _model.Recommend(_user, _liked, _destination);

    [Benchmark(Baseline = true, Description = "Recommend one user top-10, full float32 scan")]
    [BenchmarkCategory("RecommendOnePruned")]
    public int RecommendOneFullScan() => _model.RecommendFullScan(_user, _liked, _destination);

    [Benchmark(Description = "Recommend one user top-10, pruned by the quantized copy")]
    [BenchmarkCategory("RecommendOnePruned")]
    public int RecommendOnePruned() => _model.Recommend(_user, _liked, _destination);

    [Benchmark(Baseline = true, Description = "RankPruned one user top-10, two passes (bounds stored, then k-th lower bound and candidates)")]
    [BenchmarkCategory("RecommendOnePass")]
    public int RankPrunedTwoPass()
    {
        _model.UserFactorMatrix.PaddedRow(_user).CopyTo(_query);
        return _model.RankPrunedTwoPass(_model.Width, _query, _liked, null, _destination, "liked");
    }

    [Benchmark(Description = "RankPruned one user top-10, one pass (running k-th lower bound in the integer scan)")]
    [BenchmarkCategory("RecommendOnePass")]
    public int RankPrunedOnePass()
    {
        _model.UserFactorMatrix.PaddedRow(_user).CopyTo(_query);
        return _model.RankPruned(_model.Width, _query, _liked, null, _destination, "liked");
    }

    /// <summary>Users a call of the users-in-turn category serves, each with a new query, as a server gets them (the
    /// single-user categories above repeat one user, whose branches and cache lines the machine then learns).</summary>
    private const int UsersInTurn = 512;

    [Benchmark(Baseline = true, OperationsPerInvoke = UsersInTurn, Description = "Recommend top-10, 512 users in turn, full float32 scan")]
    [BenchmarkCategory("RecommendUsersInTurn")]
    public int RecommendUsersInTurnFullScan() => RecommendUsersInTurn(fullScan: true);

    [Benchmark(OperationsPerInvoke = UsersInTurn, Description = "Recommend top-10, 512 users in turn (public call, pruned)")]
    [BenchmarkCategory("RecommendUsersInTurn")]
    public int RecommendUsersInTurn() => RecommendUsersInTurn(fullScan: false);

    private int RecommendUsersInTurn(bool fullScan)
    {
        var total = 0;
        for (var u = 0; u < UsersInTurn; u++)
        {
            var user = u * 11 % _userItems.RowCount;
            var liked = _userItems.GetColumnIndices(user);
            total += fullScan ? _model.RecommendFullScan(user, liked, _destination) : _model.Recommend(user, liked, _destination);
        }

        return total;
    }

    [Benchmark(Baseline = true, Description = "Explain, factorization not reused")]
    [BenchmarkCategory("Explain")]
    public Explanation ExplainOnce() => _model.Explain(_liked, _likedValues, 42, 10);

    [Benchmark(Description = "Explain one more item with a reused explainer")]
    [BenchmarkCategory("Explain")]
    public Explanation ExplainReused() => _explainer.Explain(42, 10);

    private int[] NaiveTop(ReadOnlySpan<float> query, ReadOnlySpan<int> excluded, float[] scores, bool useItems)
    {
        var keys = new float[_model.ItemCount];
        var items = new int[_model.ItemCount];
        for (var i = 0; i < _model.ItemCount; i++)
        {
            scores[i] = TensorPrimitives.Dot(query, _model.GetItemFactors(i));
            keys[i] = -scores[i];
            items[i] = i;
        }

        foreach (var e in excluded)
        {
            keys[e] = float.PositiveInfinity;
        }

        Array.Sort(keys, items);
        return useItems ? items[..10] : items;
    }
}
