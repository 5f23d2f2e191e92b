using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Tests.Internal;

namespace MovieRecs.Tests.Recommendations;

/// <summary>
/// Serving at every kernel width this machine accelerates (<see cref="AlsModel.WithKernelWidth"/>): recommend, batch
/// recommend, similar items one and all, fold-in, partial fit and explain repeat their own results bit for bit at a
/// width, the batch forms equal the single calls, and every score stays within rounding of the scalar width.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class ServingWidthTests
{
    /// <summary>No register width divides it; 150 items fill several 16-item panels and 12-row strips.</summary>
    private const int Factors = 37;
    private const int Users = 40;
    private const int Items = 150;

    public static TheoryData<string> AcceleratedWidths => KernelWidths.Accelerated;

    public static TheoryData<string> NotAcceleratedWidths => KernelWidths.NotAccelerated;

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void Recommend_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var (model, scalar, userItems) = Models(KernelWidths.Parse(width));
        var all = model.RecommendAll(userItems, 10);
        for (var user = 0; user < Users; user++)
        {
            var liked = userItems.GetColumnIndices(user);
            var single = model.Recommend(user, liked, 10);
            AssertSame(single, model.Recommend(user, liked, 10), $"{width} user {user}");
            AssertSame(single, all[user], $"{width} RecommendAll user {user}");

            // Every item's score, through the full ranking (scores of all items) and the candidates path.
            var ranking = model.Recommend(user, [], Items, new RecommendOptions { FilterAlreadyLiked = false });
            AssertClose(Scores(scalar.Recommend(user, [], Items, new RecommendOptions { FilterAlreadyLiked = false })), ranking, $"{width} user {user}");
            AssertClose(Scores(ranking), model.Rank(user, [3, 77, 149]), $"{width} user {user} candidates");
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void SimilarItems_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var (model, scalar, _) = Models(KernelWidths.Parse(width));
        var all = model.SimilarItemsAll(10);
        for (var item = 0; item < Items; item++)
        {
            var single = model.SimilarItems(item, 10);
            AssertSame(single, model.SimilarItems(item, 10), $"{width} item {item}");
            AssertSame(single, all[item], $"{width} SimilarItemsAll item {item}");
            AssertClose(Scores(scalar.SimilarItems(item, Items)), model.SimilarItems(item, Items), $"{width} item {item}");
        }

        var users = model.SimilarUsersAll(5);
        for (var user = 0; user < Users; user++)
        {
            AssertSame(model.SimilarUsers(user, 5), users[user], $"{width} SimilarUsersAll user {user}");
            AssertClose(Scores(scalar.SimilarUsers(user, Users)), model.SimilarUsers(user, Users), $"{width} user {user}");
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void RecalculateAndExplain_AtWidth_AreRepeatableAndCloseToScalar(string width)
    {
        var (model, scalar, userItems) = Models(KernelWidths.Parse(width));
        for (var user = 0; user < 6; user++)
        {
            var items = userItems.GetColumnIndices(user).ToArray();
            var values = userItems.GetValues(user).ToArray();
            var what = $"{width} user {user}";

            var factors = model.RecalculateUser(items, values);
            Assert.Equal(Bits(factors), Bits(model.RecalculateUser(items, values)));
            var expected = scalar.RecalculateUser(items, values);
            var scale = expected.Max(MathF.Abs);
            for (var f = 0; f < Factors; f++)
            {
                KernelChecks.Close(expected[f], factors[f], 1e-3, scale, $"{what}: factor {f}");
            }

            // A partial fit solves the same system with the same kernels: the same bits.
            var row = CsrMatrix.FromTriplets(1, Items, new int[items.Length], items, values);
            Assert.Equal(Bits(factors), Bits(model.PartialFitUsers([user], row).GetUserFactors(user).ToArray()));

            var newUser = model.RecommendForNewUser(items, values, 10);
            AssertSame(newUser, model.RecommendForNewUser(items, values, 10), what);

            var explanation = model.Explain(items, values, 42, 5);
            var again = model.Explain(items, values, 42, 5);
            Assert.Equal(BitConverter.SingleToInt32Bits(explanation.Score), BitConverter.SingleToInt32Bits(again.Score));
            AssertSame(explanation.Contributions.ToArray(), again.Contributions.ToArray(), what);
            var reference = scalar.Explain(items, values, 42, 5);
            var size = reference.Contributions.ToArray().Sum(c => Math.Abs(c.Score));
            KernelChecks.Close(reference.Score, explanation.Score, 1e-3, size, $"{what}: explained score");
        }
    }

    /// <summary>A model at <paramref name="width"/>, the same factors at the scalar width, and the matrix of liked items.</summary>
    private static (AlsModel Model, AlsModel Scalar, CsrMatrix UserItems) Models(SimdWidth width)
    {
        var random = new Random(21);
        float[] Rows(int count) => [.. Enumerable.Range(0, count * Factors).Select(_ => random.NextSingle() - 0.3f)];
        var options = new AlsOptions { Factors = Factors, Regularization = 0.1, MaxDegreeOfParallelism = 2 };
        var model = AlsModel.FromFactors(options, Rows(Users), Rows(Items));
        var userItems = TestMatrices.Random(seed: 22, Users, Items, density: 0.1, minRating: 3);
        var atWidth = model.WithKernelWidth(width);
        Assert.Equal(width, atWidth.Width);
        return (atWidth, model.WithKernelWidth(SimdWidth.Scalar), userItems);
    }

    private static Dictionary<int, float> Scores(ScoredItem[] ranking) => ranking.ToDictionary(s => s.Item, s => s.Score);

    private static void AssertSame(ScoredItem[] expected, ScoredItem[] actual, string what)
    {
        Assert.Equal(expected.Select(s => s.Item), actual.Select(s => s.Item));
        Assert.True(expected.Select(s => BitConverter.SingleToInt32Bits(s.Score)).SequenceEqual(actual.Select(s => BitConverter.SingleToInt32Bits(s.Score))), $"{what}: scores differ");
    }

    /// <summary>Each item of <paramref name="actual"/> scores within rounding of its score in <paramref name="expected"/>.</summary>
    private static void AssertClose(Dictionary<int, float> expected, ScoredItem[] actual, string what)
    {
        Assert.NotEmpty(actual);
        foreach (var (item, score) in actual)
        {
            KernelChecks.Close(expected[item], score, 1e-5, 1, $"{what}: item {item}");
        }
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
