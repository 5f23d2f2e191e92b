using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Neighbors;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The item-item nearest-neighbour models on the synthetic ml-1m preset (ratings &gt;= 3, value = rating; 6,040 x
/// 3,706, about 836k non-zeros), K = 20, 2 threads: the fit, and top-10 for every user with the liked items
/// filtered. Each category's baseline is the implementation before the Gustavson kernels
/// (<see cref="ItemKnnReference"/>), measured in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ItemKnnBenchmarks
{
    private CsrMatrix _userItems = null!;
    private ItemKnnOptions _options = null!;
    private ItemKnnModel _model = null!;

    [Params(ItemSimilarity.Bm25, ItemSimilarity.Cosine, ItemSimilarity.TfIdf)]
    public ItemSimilarity Similarity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _userItems = BenchmarkData.Ml1mUserItems;
        _options = new ItemKnnOptions { Similarity = Similarity, K = 20, MaxDegreeOfParallelism = 2 };
        _model = ItemKnnModel.Fit(_userItems, _options);
    }

    [Benchmark(Baseline = true, Description = "before: row heap, double accumulator")]
    [BenchmarkCategory("Fit")]
    public CsrMatrix FitBaseline() => ItemKnnReference.FitSimilarity(_userItems, _options);

    [Benchmark(Description = "ItemKnnModel.Fit")]
    [BenchmarkCategory("Fit")]
    public ItemKnnModel Fit() => ItemKnnModel.Fit(_userItems, _options);

    [Benchmark(Baseline = true, Description = "before: per-user Rank over every item")]
    [BenchmarkCategory("RecommendAll")]
    public int[][] RecommendAllBaseline() => ItemKnnReference.RecommendAll(_model.Similarity, _userItems, 10);

    [Benchmark(Description = "RecommendAll top-10, filter liked")]
    [BenchmarkCategory("RecommendAll")]
    public ScoredItem[][] RecommendAll() => _model.RecommendAll(10);
}
