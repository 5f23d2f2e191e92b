using MovieRecs.Als;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Reliability.Soak;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// One fitted model shared by many threads: every answer must equal the answer computed alone, bit for bit. The
/// full-size run (100,000 queries on the ml-1m shape, with throughput and latency) is the benchmarks' <c>soak</c>
/// verb; this is its short form.
/// </summary>
public sealed class SoakTests
{
    private const int Threads = 8;
    private const int QueriesPerThread = 2_000;

    [Fact]
    public void SharedModel_EightQueryThreadsAndAnEvaluator_GiveTheSerialAnswers()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k);
        var split = TrainTestSplit.Random(InteractionMatrix.Build(data.Ratings).UserItems, 0.2, seed: 7);
        var fitted = new AlsTrainer(new AlsOptions { Factors = 32, Iterations = 5, Seed = 7 }).Fit(split.Train);
        var workload = SoakWorkload.Create(split.Train, 700, seed: 11);
        var (expected, _) = SoakRunner.RunSerial(fitted, workload);
        var oneThread = new EvaluationOptions { MaxDegreeOfParallelism = 1 };
        var expectedMetrics = RankingEvaluator.Evaluate(fitted, split, 10, oneThread);

        // Same factors, empty caches: the threads race to build them.
        var shared = SoakWorkload.ColdCopy(fitted);
        var report = SoakRunner.Run(
            shared, workload, expected, Threads, QueriesPerThread, seed: 13,
            () => RankingEvaluator.Evaluate(shared, split, 10, oneThread), expectedMetrics);

        Assert.True(report.Errors.Count == 0, string.Join(Environment.NewLine, report.Errors));
        Assert.True(report.Mismatches == 0, $"{report.Mismatches} answers differ, e.g.{Environment.NewLine}{string.Join(Environment.NewLine, report.MismatchDetails)}");
        Assert.True(report.EvaluationMismatches == 0, string.Join(Environment.NewLine, report.MismatchDetails));
        Assert.InRange(report.Evaluations, 1, int.MaxValue);
        Assert.Equal(Threads * QueriesPerThread, report.Queries);
        Assert.All(report.Latencies, latency => Assert.InRange(latency.Count, 1, int.MaxValue));
    }

    [Fact]
    public void Workload_SameSeed_SameQueriesAndNonTrivialAnswers()
    {
        var userItems = TestMatrices.Random(3, users: 60, items: 45, density: 0.2, minRating: 3);
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 3, Seed = 3 }).Fit(userItems);
        var first = SoakWorkload.Create(userItems, 70, seed: 5);
        var second = SoakWorkload.Create(userItems, 70, seed: 5);

        var (answers, latencies) = SoakRunner.RunSerial(model, first);
        var (again, _) = SoakRunner.RunSerial(SoakWorkload.ColdCopy(model), second);

        Assert.Equal(first.Queries.Select(q => (q.Kind, q.User, q.Item)), second.Queries.Select(q => (q.Kind, q.User, q.Item)));
        Assert.All(SoakWorkload.Kinds, kind => Assert.Contains(first.Queries, q => q.Kind == kind));
        Assert.All(latencies, latency => Assert.Equal(10, latency.Count));
        Assert.All(answers, answer => Assert.NotEmpty(answer));
        Assert.All(Enumerable.Range(0, answers.Length), q => Assert.True(SoakWorkload.SameBits(answers[q], again[q])));

        // The comparison notices a single flipped score bit.
        var changed = answers[0].ToArray();
        changed[0] = changed[0] with { Score = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(changed[0].Score) ^ 1) };
        Assert.False(SoakWorkload.SameBits(answers[0], changed));
    }
}
