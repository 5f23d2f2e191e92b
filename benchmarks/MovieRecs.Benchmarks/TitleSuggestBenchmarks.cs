using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Suggestions for titles the index cannot resolve, against the ml-1m preset's 3,883 generated titles: 20 typed
/// with letters missing and 20 of random letters (what a web client may send). The baseline asks for every movie in
/// order, which scores every title in full; the five best, what <see cref="MovieTitleIndex.Match"/> and the exception
/// give, search the suggestion index. Then the same at ml-25m's scale, 62,000 generated titles, one kind of query per
/// category (5 per operation, times per query), each against ranking every movie in full in the same run; and the
/// cost of building the index there.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class TitleSuggestBenchmarks
{
    private const int Queries = 5;

    private MovieTitleIndex _index = null!;
    private string[] _queries = [];
    private IReadOnlyList<Movie> _largeMovies = [];
    private MovieTitleIndex _large = null!;
    private string[] _unknown150 = [];
    private string[] _unknown20 = [];
    private string[] _misspelled = [];

    [GlobalSetup]
    public void Setup()
    {
        var movies = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml1m with { Seed = 42 }).Movies;
        _index = new MovieTitleIndex(movies);
        var random = new Random(7);
        var typos = movies.Where((_, i) => i % 190 == 0).Take(20).Select(m => m.Title.Remove(2, Math.Min(3, m.Title.Length - 3)));
        var junk = Enumerable.Range(0, 20).Select(_ => new string([.. Enumerable.Range(0, 150).Select(_ => "abcdefghijklmnopqrstuvwxyz    "[random.Next(30)])]));
        _queries = [.. typos, .. junk];

        _largeMovies = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 50, movies: 62_000, ratings: 62_000)).Movies;
        _large = new MovieTitleIndex(_largeMovies);
        _large.PrepareSuggestions();
        _unknown150 = [.. Enumerable.Range(0, Queries).Select(_ => Junk(random, 150))];
        _unknown20 = [.. Enumerable.Range(0, Queries).Select(_ => Junk(random, 20))];
        _misspelled = [.. Enumerable.Range(0, Queries).Select(_ => _largeMovies[random.Next(_largeMovies.Count)].Title.Remove(2, 3))];
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

    [Benchmark(Description = "five best (index)")]
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

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries, Description = "62,000: every movie ranked")]
    [BenchmarkCategory("Unknown150")]
    public int Unknown150Full() => Full(_unknown150);

    [Benchmark(OperationsPerInvoke = Queries, Description = "62,000: five best (index)")]
    [BenchmarkCategory("Unknown150")]
    public int Unknown150Indexed() => Indexed(_unknown150);

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries, Description = "62,000: every movie ranked")]
    [BenchmarkCategory("Unknown20")]
    public int Unknown20Full() => Full(_unknown20);

    [Benchmark(OperationsPerInvoke = Queries, Description = "62,000: five best (index)")]
    [BenchmarkCategory("Unknown20")]
    public int Unknown20Indexed() => Indexed(_unknown20);

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries, Description = "62,000: every movie ranked")]
    [BenchmarkCategory("Misspelled")]
    public int MisspelledFull() => Full(_misspelled);

    [Benchmark(OperationsPerInvoke = Queries, Description = "62,000: five best (index)")]
    [BenchmarkCategory("Misspelled")]
    public int MisspelledIndexed() => Indexed(_misspelled);

    [Benchmark(Baseline = true, Description = "62,000: title index")]
    [BenchmarkCategory("Build")]
    public MovieTitleIndex BuildTitleIndex() => new(_largeMovies);

    [Benchmark(Description = "62,000: title index + suggestion index")]
    [BenchmarkCategory("Build")]
    public MovieTitleIndex BuildWithSuggestionIndex()
    {
        var index = new MovieTitleIndex(_largeMovies);
        index.PrepareSuggestions();
        return index;
    }

    private int Full(string[] queries)
    {
        var found = 0;
        foreach (var query in queries)
        {
            found += _large.SuggestByRankingEveryMovie(query, 5).Count;
        }

        return found;
    }

    private int Indexed(string[] queries)
    {
        var found = 0;
        foreach (var query in queries)
        {
            found += _large.Suggest(query).Count;
        }

        return found;
    }

    private static string Junk(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => "abcdefghijklmnopqrstuvwxyz    "[random.Next(30)])]);
}
