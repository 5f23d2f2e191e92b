using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Evaluation;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Evaluation overhead on an ml-1m-shaped matrix (6,040 users x 3,706 items, about 575,000 interactions, 20% held
/// out), with the popularity model so that the cost measured is the evaluator's, not a model's. Baselines: a plain
/// single-threaded transcription of implicit's loop (a hash set per user, buffers per user) and a random split
/// through lists and two triplet builds.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class EvaluationBenchmarks
{
    private const int K = 10;
    private static readonly EvaluationOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly EvaluationOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    private CsrMatrix _interactions = null!;
    private TrainTestSplit _split = null!;
    private PopularityRecommender _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int users = 6_040;
        const int items = 3_706;
        var random = new Random(42);
        var rows = new List<int>();
        var columns = new List<int>();
        for (var u = 0; u < users; u++)
        {
            // Skewed item popularity: item = items * x^2 puts most interactions on low indexes.
            var count = 20 + random.Next(0, 170);
            for (var j = 0; j < count; j++)
            {
                var x = random.NextDouble();
                rows.Add(u);
                columns.Add((int)(items * x * x));
            }
        }

        var values = new float[rows.Count];
        Array.Fill(values, 1f);
        _interactions = CsrMatrix.FromTriplets(users, items, rows.ToArray(), columns.ToArray(), values, new SparseBuildOptions { Duplicates = DuplicateHandling.Max });
        _split = TrainTestSplit.Random(_interactions, 0.2, 42);
        _model = new PopularityRecommender(_split.Train);
    }

    [Benchmark(Baseline = true, Description = "naive: hash set per user, 1 thread")]
    [BenchmarkCategory("Evaluate")]
    public double NaiveEvaluate()
    {
        var train = _split.Train;
        var test = _split.Test;
        double hits = 0, denominator = 0, ndcg = 0, users = 0;
        for (var u = 0; u < test.RowCount; u++)
        {
            var likes = new HashSet<int>(test.GetColumnIndices(u).ToArray());
            if (likes.Count == 0)
            {
                continue;
            }

            var ids = new int[K];
            var scores = new float[K];
            Array.Fill(ids, -1);
            _model.Recommend(u, train.GetColumnIndices(u), ids, scores);
            var idcg = 0.0;
            for (var i = 0; i < Math.Min(K, likes.Count); i++)
            {
                idcg += 1 / Math.Log2(i + 2);
            }

            for (var i = 0; i < K; i++)
            {
                if (likes.Contains(ids[i]))
                {
                    hits++;
                    ndcg += 1 / Math.Log2(i + 2) / idcg;
                }
            }

            denominator += Math.Min(K, likes.Count);
            users++;
        }

        return (hits / denominator) + (ndcg / users);
    }

    [Benchmark(Description = "RankingEvaluator, 1 thread")]
    [BenchmarkCategory("Evaluate")]
    public double EvaluateOneThread() => RankingEvaluator.Evaluate(_model, _split, K, OneThread).Ndcg;

    [Benchmark(Description = "RankingEvaluator, 2 threads")]
    [BenchmarkCategory("Evaluate")]
    public double EvaluateTwoThreads() => RankingEvaluator.Evaluate(_model, _split, K, TwoThreads).Ndcg;

    [Benchmark(Baseline = true, Description = "naive: System.Random, lists, two triplet builds")]
    [BenchmarkCategory("Split")]
    public long NaiveRandomSplit()
    {
        var random = new Random(42);
        var train = (Rows: new List<int>(), Columns: new List<int>(), Values: new List<float>());
        var test = (Rows: new List<int>(), Columns: new List<int>(), Values: new List<float>());
        for (var r = 0; r < _interactions.RowCount; r++)
        {
            var columns = _interactions.GetColumnIndices(r);
            var values = _interactions.GetValues(r);
            for (var j = 0; j < columns.Length; j++)
            {
                var side = random.NextDouble() < 0.8 ? train : test;
                side.Rows.Add(r);
                side.Columns.Add(columns[j]);
                side.Values.Add(values[j]);
            }
        }

        var a = CsrMatrix.FromTriplets(_interactions.RowCount, _interactions.ColumnCount, train.Rows.ToArray(), train.Columns.ToArray(), train.Values.ToArray());
        var b = CsrMatrix.FromTriplets(_interactions.RowCount, _interactions.ColumnCount, test.Rows.ToArray(), test.Columns.ToArray(), test.Values.ToArray());
        return a.NonZeroCount + b.NonZeroCount;
    }

    [Benchmark(Description = "TrainTestSplit.Random")]
    [BenchmarkCategory("Split")]
    public long RandomSplit()
    {
        var split = TrainTestSplit.Random(_interactions, 0.2, 42);
        return split.Train.NonZeroCount + split.Test.NonZeroCount;
    }

    [Benchmark(Description = "TrainTestSplit.LeaveKOut (k = 5)")]
    [BenchmarkCategory("Split")]
    public long LeaveFiveOut()
    {
        var split = TrainTestSplit.LeaveKOut(_interactions, 5, 42);
        return split.Train.NonZeroCount + split.Test.NonZeroCount;
    }
}
