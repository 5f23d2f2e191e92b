using System.Text.Json;
using MovieRecs.Recommendations;

namespace MovieRecs.Spark.Tests;

/// <summary>The real Spark 3.5.5 model loads, serves, and agrees with an independent Parquet reader.</summary>
public class SparkModelDirectoryLoadTests
{
    [SparkFixtureFact]
    public void Load_Fixture_HasTheRowsAndRankOfAnIndependentReading()
    {
        var fixture = SparkTestData.Fixture!;
        var users = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "userFactors"));
        var items = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "itemFactors"));
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "metadata", "part-00000")));

        var (model, userIds, itemIds) = SparkModelDirectory.Load(fixture);

        Assert.Equal(users.Count, model.UserCount);
        Assert.Equal(items.Count, model.ItemCount);
        Assert.Equal(metadata.RootElement.GetProperty("rank").GetInt32(), model.Factors);
        Assert.Equal(users.Keys.Order(), userIds!.Keys.ToArray());
        Assert.Equal(items.Keys.Order(), itemIds!.Keys.ToArray());
    }

    [SparkFixtureFact]
    public void Load_Fixture_EveryVectorEqualsTheIndependentReadersBitForBit()
    {
        var fixture = SparkTestData.Fixture!;
        var duckUsers = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "userFactors"));
        var duckItems = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "itemFactors"));
        var sharpItems = IndependentReader.ReadWithParquetSharp(Path.Combine(fixture, "itemFactors"));

        var (model, userIds, itemIds) = SparkModelDirectory.Load(fixture);

        for (var u = 0; u < model.UserCount; u++)
        {
            Assert.Equal(duckUsers[userIds![u]], model.GetUserFactors(u).ToArray());
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            Assert.Equal(duckItems[itemIds![i]], model.GetItemFactors(i).ToArray());
            Assert.Equal(sharpItems[itemIds[i]], model.GetItemFactors(i).ToArray());
        }
    }

    [SparkFixtureTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(609)]
    public void Recommend_Fixture_IsTheBruteForceTop10OfTheIndependentReading(int userRow)
    {
        var fixture = SparkTestData.Fixture!;
        var users = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "userFactors"));
        var items = IndependentReader.ReadWithDuckDb(Path.Combine(fixture, "itemFactors"));
        var (model, userIds, itemIds) = SparkModelDirectory.Load(fixture);
        var user = users[userIds![userRow]];

        // Brute force in double over DuckDB's vectors: best first, equal scores by ascending id.
        var reference = items
            .Select(pair => (Id: pair.Key, Score: Dot(user, pair.Value)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Id)
            .ToArray();
        var top = model.Recommend(userRow, ReadOnlySpan<int>.Empty, 10, new RecommendOptions { FilterAlreadyLiked = false });

        Assert.Equal(10, top.Length);
        var tenth = reference[9].Score;
        for (var k = 0; k < top.Length; k++)
        {
            var id = itemIds![top[k].Item];
            var exact = Dot(user, items[id]);
            Assert.Equal(reference[k].Score, top[k].Score, Tolerance(reference[k].Score));
            Assert.Equal(exact, top[k].Score, Tolerance(exact));
            if (k > 0 && top[k].Score == top[k - 1].Score)
            {
                Assert.True(itemIds[top[k - 1].Item] < id, "equal scores are ranked by ascending id");
            }
        }

        // Every item the reference scores clearly above the tenth is in the list (near-ties may swap by rounding).
        var listed = top.Select(s => itemIds![s.Item]).ToHashSet();
        Assert.All(reference.Where(r => r.Score > tenth + Tolerance(tenth)), r => Assert.Contains(r.Id, listed));
    }

    [SparkFixtureFact]
    public void Recommend_Fixture_TiesBetweenIdenticalVectorsGoToTheLowerId()
    {
        var fixture = SparkTestData.Fixture!;
        var (model, _, itemIds) = SparkModelDirectory.Load(fixture);

        // Items sharing a bit-identical vector always tie; find a group and check the order in a full ranking.
        var groups = Enumerable.Range(0, model.ItemCount)
            .GroupBy(i => Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.GetItemFactors(i)).ToArray()))
            .Where(g => g.Count() > 1)
            .ToArray();
        Assert.NotEmpty(groups);
        var all = model.Recommend(0, ReadOnlySpan<int>.Empty, model.ItemCount, new RecommendOptions { FilterAlreadyLiked = false });
        var position = new int[model.ItemCount];
        for (var k = 0; k < all.Length; k++)
        {
            position[all[k].Item] = k;
        }

        foreach (var group in groups)
        {
            var ranked = group.OrderBy(i => position[i]).Select(i => itemIds![i]).ToArray();
            Assert.Equal(ranked.Order(), ranked);
        }
    }

    [SparkFixtureFact]
    public void ReadMetadata_Fixture_ReturnsTheJsonFields()
    {
        var fixture = SparkTestData.Fixture!;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "metadata", "part-00000")));
        var root = json.RootElement;

        var metadata = SparkModelDirectory.ReadMetadata(fixture);

        Assert.Equal(SparkModelDirectory.AlsModelClass, metadata.ClassName);
        Assert.Equal(root.GetProperty("sparkVersion").GetString(), metadata.SparkVersion);
        Assert.Equal(root.GetProperty("uid").GetString(), metadata.Uid);
        Assert.Equal(root.GetProperty("timestamp").GetInt64(), metadata.Timestamp.ToUnixTimeMilliseconds());
        Assert.Equal(root.GetProperty("rank").GetInt32(), metadata.Rank);
        Assert.Equal(root.GetProperty("paramMap").GetProperty("userCol").GetString(), metadata.UserColumn);
        Assert.Equal(root.GetProperty("paramMap").GetProperty("itemCol").GetString(), metadata.ItemColumn);
        Assert.Equal(root.GetProperty("paramMap").GetProperty("coldStartStrategy").GetString(), metadata.ColdStartStrategy);
    }

    [SparkFixtureFact]
    public void Load_FixtureWithTrainingOptions_KeepsThemWithTheMetadatasRank()
    {
        var training = SparkModelLoadOptions.Default.Training with { Regularization = 0.05, Alpha = 10 };

        var (model, _, _) = SparkModelDirectory.Load(SparkTestData.Fixture!, new SparkModelLoadOptions { Training = training });

        Assert.Equal(training with { Factors = model.Factors }, model.Options);
    }

    [SparkFixtureFact]
    public void Load_FixtureByDefault_ServesWithSparksDefaultsAndConvention()
    {
        var (model, _, _) = SparkModelDirectory.Load(SparkTestData.Fixture!);

        Assert.Equal(Als.AlsConvention.Spark, model.Options.Convention);
        Assert.Equal((0.1, 1.0, 10), (model.Options.Regularization, model.Options.Alpha, model.Options.Iterations));
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var f = 0; f < a.Length; f++)
        {
            sum += (double)a[f] * b[f];
        }

        return sum;
    }

    private static double Tolerance(double score) => 1e-5 * Math.Max(1, Math.Abs(score));
}
