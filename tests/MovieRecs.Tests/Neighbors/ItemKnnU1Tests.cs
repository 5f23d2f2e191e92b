using System.Diagnostics;
using MovieRecs.Evaluation;
using MovieRecs.MovieLens;
using MovieRecs.Neighbors;
using Xunit.Abstractions;

namespace MovieRecs.Tests.Neighbors;

/// <summary>The item-item models on the ml-100k u1 split against <c>implicit</c> 0.7.3's published figures.</summary>
public class ItemKnnU1Tests(ITestOutputHelper output)
{
    /// <summary>The u1 split; with <paramref name="everyMovie"/> every movie of <c>u.item</c> gets a column (as a
    /// matrix indexed by raw movie id has), otherwise only the movies with a kept training rating do.</summary>
    internal static TrainTestSplit LoadU1(bool everyMovie = false)
    {
        var folder = TestData.Release("ml-100k")!;
        var (train, test) = MovieLensReader.ReadMl100kSplit(folder, "u1");
        return RatingsSplit.FromTables(
            train,
            test,
            InteractionOptions.Default,
            everyMovie ? MovieLensReader.ReadMovies(Path.Combine(folder, "u.item"), MovieLensRelease.Ml100k) : null);
    }

    /// <summary><c>implicit</c> 0.7.3, K = 20, ranking_metrics_at_k with K = 10: precision, MAP, NDCG, AUC. Its
    /// matrix has a row for every one of the 1,682 movies (raw ids), so TF-IDF's and BM25's document count
    /// (<c>N</c> in the idf) and BM25's mean document length count the 134 movies without a kept training rating;
    /// the same matrix here gives its figures to the fourth decimal.</summary>
    [RealDataTheory("ml-100k")]
    [InlineData(ItemSimilarity.Cosine, 0.4275, 0.2980, 0.4360, 0.5856)]
    [InlineData(ItemSimilarity.TfIdf, 0.4446, 0.3098, 0.4515, 0.5895)]
    [InlineData(ItemSimilarity.Bm25, 0.4516, 0.3183, 0.4613, 0.5914)]
    public void Evaluate_U1EveryMovie_MatchesImplicitWithin0001(ItemSimilarity similarity, double precision, double map, double ndcg, double auc)
    {
        var split = LoadU1(everyMovie: true);
        Assert.Equal(1682, split.Train.ColumnCount);
        var watch = Stopwatch.StartNew();
        var model = ItemKnnModel.Fit(split.Train, new ItemKnnOptions { Similarity = similarity, K = 20 });
        var fit = watch.Elapsed;
        var m = RankingEvaluator.Evaluate(model, split, k: 10);
        output.WriteLine($"{similarity}: fit {fit.TotalSeconds:F3} s; {m}");

        Assert.InRange(m.ImplicitPrecision, precision - 0.001, precision + 0.001);
        Assert.InRange(m.MeanAveragePrecision, map - 0.001, map + 0.001);
        Assert.InRange(m.Ndcg, ndcg - 0.001, ndcg + 0.001);
        Assert.InRange(m.Auc, auc - 0.001, auc + 0.001);
    }

    /// <summary>With only the movies that have a kept training rating (<c>RatingsSplit.FromTables</c> without the movies),
    /// cosine is unchanged and TF-IDF and BM25 stay within 0.01 of <c>implicit</c>'s figures (BM25's precision is
    /// about 0.003 below: its idf and length normalisation see 1,548 documents instead of 1,682).</summary>
    [RealDataTheory("ml-100k")]
    [InlineData(ItemSimilarity.Cosine, 0.4275, 0.2980, 0.4360, 0.5856)]
    [InlineData(ItemSimilarity.TfIdf, 0.4446, 0.3098, 0.4515, 0.5895)]
    [InlineData(ItemSimilarity.Bm25, 0.4516, 0.3183, 0.4613, 0.5914)]
    public void Evaluate_U1_MatchesImplicitWithin001(ItemSimilarity similarity, double precision, double map, double ndcg, double auc)
    {
        var split = LoadU1();
        var model = ItemKnnModel.Fit(split.Train, new ItemKnnOptions { Similarity = similarity, K = 20 });
        var m = RankingEvaluator.Evaluate(model, split, k: 10);
        output.WriteLine($"{similarity}: {m}");

        Assert.InRange(m.ImplicitPrecision, precision - 0.01, precision + 0.01);
        Assert.InRange(m.MeanAveragePrecision, map - 0.01, map + 0.01);
        Assert.InRange(m.Ndcg, ndcg - 0.01, ndcg + 0.01);
        Assert.InRange(m.Auc, auc - 0.01, auc + 0.01);
    }
}
