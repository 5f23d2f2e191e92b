using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Suggestions for titles the index cannot resolve, against the ml-1m preset's 3,883 generated titles: 20 typed
/// with letters missing and 20 of random letters (what a web client may send). The baseline asks for every movie in
/// order, which scores every title in full; the five best, what <see cref="MovieTitleIndex.Match"/> and the exception
/// give, skip the titles that cannot beat the fifth and stop edit distances at its.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class TitleSuggestBenchmarks
{
    private MovieTitleIndex _index = null!;
    private string[] _queries = [];

    [GlobalSetup]
    public void Setup()
    {
        var movies = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m with { Seed = 42 }).Movies;
        _index = new MovieTitleIndex(movies);
        var random = new Random(7);
        var typos = movies.Where((_, i) => i % 190 == 0).Take(20).Select(m => m.Title.Remove(2, Math.Min(3, m.Title.Length - 3)));
        var junk = Enumerable.Range(0, 20).Select(_ => new string([.. Enumerable.Range(0, 150).Select(_ => "abcdefghijklmnopqrstuvwxyz    "[random.Next(30)])]));
        _queries = [.. typos, .. junk];
    }

    [Benchmark(Baseline = true, Description = "every movie ranked (full scan)")]
    [BenchmarkCategory("Suggest")]
    public int SuggestAll()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _index.Suggest(query, int.MaxValue).Count > 0 ? 1 : 0;
        }

        return found;
    }

    [Benchmark(Description = "five best (pruned)")]
    [BenchmarkCategory("Suggest")]
    public int SuggestFive()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _index.Suggest(query).Count;
        }

        return found;
    }
}
