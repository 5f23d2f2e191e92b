using System.Globalization;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using Xunit.Abstractions;

namespace MovieRecs.Tests.Evaluation;

/// <summary>The ml-100k u1 split (u1.base / u1.test, as published by GroupLens) with the popularity baseline.</summary>
public class U1SplitTests(ITestOutputHelper output)
{
    /// <summary>Reads a tab-separated user, item, rating, timestamp file (the readers of the library land separately).</summary>
    private static RatingsTable ReadTabSeparated(string path)
    {
        var users = new List<int>();
        var items = new List<int>();
        var ratings = new List<float>();
        var times = new List<long>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t');
            users.Add(int.Parse(fields[0], CultureInfo.InvariantCulture));
            items.Add(int.Parse(fields[1], CultureInfo.InvariantCulture));
            ratings.Add(float.Parse(fields[2], CultureInfo.InvariantCulture));
            times.Add(long.Parse(fields[3], CultureInfo.InvariantCulture));
        }

        return new RatingsTable(users.ToArray(), items.ToArray(), ratings.ToArray(), times.ToArray());
    }

    [RealDataFact("ml-100k")]
    public void FromTables_U1_PopularityBaseline_IsFarBelowAls()
    {
        var folder = TestData.Release("ml-100k")!;
        var train = ReadTabSeparated(Path.Combine(folder, "u1.base"));
        var test = ReadTabSeparated(Path.Combine(folder, "u1.test"));
        Assert.Equal(80_000, train.Count);
        Assert.Equal(20_000, test.Count);

        var split = RatingsSplit.FromTables(train, test, InteractionOptions.Default);
        var model = new PopularityRecommender(split.Train);
        var m = RankingEvaluator.Evaluate(model, split, k: 10);

        output.WriteLine(split.ToString());
        output.WriteLine(m.ToString());

        // Shapes: every user of ml-100k has >= 20 ratings, most of them >= 3; u1.base holds 80% of them.
        Assert.InRange(split.Train.RowCount, 900, 943);
        Assert.InRange(split.Train.ColumnCount, 1_400, 1_682);
        Assert.Equal(split.Train.RowCount, split.Test.RowCount);
        Assert.InRange(split.DroppedTestCount, 1, 500); // a few test movies have no kept training rating
        Assert.Equal(split.TestUserCount, m.UserCount);
        Assert.InRange(m.UserCount, 400, 943);

        // implicit's ALS reaches precision@10 0.3586, MAP@10 0.2299, NDCG@10 0.3732 and AUC 0.5782 on this split.
        // Popularity is a strong baseline here (u1.test holds only the users of the first part of u.data, each with
        // many test items): it lands below ALS on every metric, and far above a random ranking, whose precision is
        // about |test items| / items, i.e. near 0.02.
        Assert.InRange(m.ImplicitPrecision, 0.15, 0.3586);
        Assert.InRange(m.MeanAveragePrecision, 0.08, 0.2299);
        Assert.InRange(m.Ndcg, 0.15, 0.3732);
        Assert.InRange(m.Auc, 0.52, 0.5782);
        Assert.True(m.Precision <= m.ImplicitPrecision + 1e-12, "true precision divides by K >= min(K, |test|)");
        Assert.InRange(m.Recall, 0.01, 0.5);
    }

    [RealDataFact("ml-100k")]
    public void LeaveKOut_U1Base_MostRecent_PopularityScores()
    {
        var folder = TestData.Release("ml-100k")!;
        var ratings = ReadTabSeparated(Path.Combine(folder, "u1.base"));
        var split = RatingsSplit.LeaveKOut(ratings, k: 5);
        var m = RankingEvaluator.Evaluate(new PopularityRecommender(split.Train), split, k: 10);
        output.WriteLine(split.ToString());
        output.WriteLine(m.ToString());
        Assert.Equal(5L * split.TestUserCount, split.Test.NonZeroCount);
        Assert.InRange(m.ImplicitPrecision, 0.01, 0.40);
        Assert.InRange(m.Auc, 0.5, 1.0);
    }
}
