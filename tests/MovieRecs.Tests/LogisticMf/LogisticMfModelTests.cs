using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.LogisticMf;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;
using MovieRecs.Tests.Internal;

namespace MovieRecs.Tests.LogisticMf;

/// <summary>
/// The logistic MF fit against a naive serial reference, its reproducibility across thread counts and widths, its
/// guards, and its serving (which must be exactly an <see cref="AlsModel"/>'s over the same factor rows).
/// </summary>
public class LogisticMfModelTests
{
    /// <summary>
    /// At the scalar width the fit sums every dot product in factor order and never fuses a multiply-add, as the naive
    /// reference does, so the two agree bit for bit (the wider kernels reorder sums and fuse, see
    /// <see cref="Fit_EveryWidth_StaysWithinRoundingOfScalar"/>).
    /// </summary>
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(LogisticMfArbitraries) })]
    public bool Fit_ScalarWidth_EqualsNaiveReferenceBitForBit(LogisticMfCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = LogisticMfTrainer.Fit(userItems, c.Options, SimdWidth.Scalar, null, CancellationToken.None);
        var (users, items) = NaiveLogisticMf.Fit(userItems, c.Options);
        return SameBits(users, model.GetUserFactors) && SameBits(items, model.GetItemFactors);
    }

    [Fact]
    public void Fit_SameSeed_IdenticalFactorsForOneTwoAndFourThreads()
    {
        var userItems = RandomMatrix(700, 300, 0.05, seed: 7);
        var options = new LogisticMfOptions { Factors = 13, Iterations = 4, Seed = 11 };

        var one = LogisticMfModel.Fit(userItems, options with { MaxDegreeOfParallelism = 1 });
        var two = LogisticMfModel.Fit(userItems, options with { MaxDegreeOfParallelism = 2 });
        var four = LogisticMfModel.Fit(userItems, options with { MaxDegreeOfParallelism = 4 });

        AssertSameFactors(one, two);
        AssertSameFactors(one, four);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Fit_MoreThreadsThanRows_SameFactorsAsOneThread(int threads)
    {
        // A fit claims 64 rows at a time, so no more workers than chunks can run; a larger MaxDegreeOfParallelism
        // (allowed, as "use every core") must not allocate scratch for the workers that cannot.
        var userItems = RandomMatrix(70, 30, 0.2, seed: 5);
        var options = new LogisticMfOptions { Factors = 3, Iterations = 2, Seed = 2 };

        var one = LogisticMfModel.Fit(userItems, options with { MaxDegreeOfParallelism = 1 });
        var many = LogisticMfModel.Fit(userItems, options with { MaxDegreeOfParallelism = threads });

        AssertSameFactors(one, many);
        Assert.Equal(one.RecommendAll(userItems, 3).Select(r => r[0]), many.RecommendAll(userItems, 3).Select(r => r[0]));
    }

    [Fact]
    public void Fit_AnotherSeed_GivesOtherFactors()
    {
        var userItems = RandomMatrix(50, 40, 0.2, seed: 3);

        var a = LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 4, Iterations = 2, Seed = 1 });
        var b = LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 4, Iterations = 2, Seed = 2 });

        Assert.False(a.GetUserFactors(0).SequenceEqual(b.GetUserFactors(0)));
    }

    [Theory]
    [MemberData(nameof(KernelWidths.Accelerated), MemberType = typeof(KernelWidths))]
    public void Fit_EveryWidth_StaysWithinRoundingOfScalar(string widthName)
    {
        var width = KernelWidths.Parse(widthName);
        var userItems = RandomMatrix(120, 80, 0.1, seed: 5);
        var options = new LogisticMfOptions { Factors = 21, Iterations = 2, Seed = 3 };

        var scalar = LogisticMfTrainer.Fit(userItems, options, SimdWidth.Scalar, null, CancellationToken.None);
        var wide = LogisticMfTrainer.Fit(userItems, options, width, null, CancellationToken.None);
        var again = LogisticMfTrainer.Fit(userItems, options, width, null, CancellationToken.None);

        AssertSameFactors(wide, again);
        for (var u = 0; u < wide.UserCount; u++)
        {
            var expected = scalar.GetUserFactors(u);
            var actual = wide.GetUserFactors(u);
            for (var f = 0; f < expected.Length; f++)
            {
                Assert.True(Math.Abs(expected[f] - actual[f]) <= 1e-3 * (1 + Math.Abs(expected[f])), $"user {u}, factor {f}: {actual[f]} vs scalar {expected[f]}");
            }
        }
    }

    [Fact]
    public void Fit_FactorRows_CarryConstantAndBiasColumnsAsImplicit()
    {
        // Item 3 has no users and user 2 no items: zero rows apart from the constant columns reset after each pass.
        var userItems = CsrMatrix.FromTriplets(3, 4, [0, 0, 1], [0, 1, 2], [5f, 3f, 4f]);
        var model = LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 3, Iterations = 2, Seed = 1 });

        Assert.Equal(5, model.GetUserFactors(0).Length);
        for (var u = 0; u < model.UserCount; u++)
        {
            Assert.Equal(1f, model.GetUserFactors(u)[3]);
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            Assert.Equal(1f, model.GetItemFactors(i)[4]);
        }

        Assert.Equal([0f, 0f, 0f, 1f, 0f], model.GetUserFactors(2).ToArray());
        Assert.Equal([0f, 0f, 0f, 0f, 1f], model.GetItemFactors(3).ToArray());
        var user = model.GetUserFactors(0);
        var item = model.GetItemFactors(1);
        var logit = 0f;
        for (var f = 0; f < user.Length; f++)
        {
            logit += user[f] * item[f];
        }

        Assert.Equal(logit, model.Score(0, 1), 4);
    }

    [Fact]
    public void Fit_ReportsEveryIterationAndHonoursCancellation()
    {
        var userItems = RandomMatrix(30, 20, 0.3, seed: 1);
        var reports = new List<AlsIterationProgress>();
        LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 2, Iterations = 3 }, new SynchronousProgress<AlsIterationProgress>(reports.Add));

        Assert.Equal([1, 2, 3], reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(3, r.TotalIterations));
        Assert.All(reports, r => Assert.Null(r.Loss));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LogisticMfModel.Fit(userItems, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Fit_BadInput_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LogisticMfModel.Fit(null!));
        Assert.Throws<ArgumentException>(() => LogisticMfModel.Fit(CsrMatrix.FromTriplets(0, 3, [], [], [])));
        Assert.Throws<ArgumentException>(() => LogisticMfModel.Fit(CsrMatrix.FromTriplets(2, 0, [], [], [])));
        var infinite = Assert.Throws<ArgumentException>(() => LogisticMfModel.Fit(CsrMatrix.FromTriplets(2, 2, [0, 1], [1, 0], [1f, float.PositiveInfinity])));
        Assert.Contains("Infinity", infinite.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticMfModel.Fit(CsrMatrix.FromTriplets(1, 1, [0], [0], [1f]), new LogisticMfOptions { Factors = 0 }));
    }

    [Theory]
    [InlineData(1e15, 0.0)]
    [InlineData(1e18, 0.0)]
    [InlineData(1e30, 0.0)]
    [InlineData(1e30, 0.6)]
    public void Fit_HugeLearningRate_ThrowsOrServesOnlyFiniteScores(double learningRate, double regularization)
    {
        // Adagrad moves a factor by about LearningRate per step, so the factors stay finite while their products
        // overflow float; such a fit must fail, not serve infinite scores.
        var userItems = TestMatrices.Random(1, 30, 20, 0.2);
        var options = new LogisticMfOptions { Factors = 4, Iterations = 5, LearningRate = learningRate, Regularization = regularization };

        FiniteServing.AssertFailsNamingOrServesFinite(
            () =>
            {
                var model = LogisticMfModel.Fit(userItems, options);
                return (model.UserCount, model.ItemCount, model.Score, () => model.SimilarItemsAll(model.ItemCount));
            },
            "LearningRate");
    }

    [Theory]
    [InlineData(1e30f, 0.6, "values")]
    [InlineData(1f, 1e30, "Regularization")]
    public void Fit_GradientSquaresOverflowFloat_ThrowsInsteadOfFreezingTheFactors(float scale, double regularization, string named)
    {
        // Adagrad divides each step by the root of the summed squared gradients; once that float sum is infinite the
        // step is 0 and the factor never moves again, so the fit would return its random initial factors unnoticed.
        var ratings = TestMatrices.Random(1, 30, 20, 0.2);
        var values = ratings.ValueArray.AsSpan(0, (int)ratings.NonZeroCount).ToArray();
        for (var p = 0; p < values.Length; p++)
        {
            values[p] *= scale;
        }

        var userItems = CsrMatrix.FromArrays(
            ratings.RowCount, ratings.ColumnCount, ratings.RowPointers.ToArray(), ratings.IndexArray.AsSpan(0, values.Length).ToArray(), values);
        var options = new LogisticMfOptions { Factors = 4, Iterations = 5, Regularization = regularization };

        var e = Assert.Throws<ArithmeticException>(() => LogisticMfModel.Fit(userItems, options));
        Assert.Contains("overflow", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Factors", 0)]
    [InlineData("Factors", 4095)]
    [InlineData("LearningRate", 0.0)]
    [InlineData("LearningRate", double.NaN)]
    [InlineData("LearningRate", double.PositiveInfinity)]
    [InlineData("Regularization", -0.1)]
    [InlineData("Regularization", double.NaN)]
    [InlineData("Iterations", -1)]
    [InlineData("NegativeProportion", -1)]
    [InlineData("MaxDegreeOfParallelism", 0)]
    [InlineData("MaxDegreeOfParallelism", -2)]
    public void Validate_OutOfRange_ThrowsNamingParameterAndValue(string parameter, double value)
    {
        var options = parameter switch
        {
            "Factors" => new LogisticMfOptions { Factors = (int)value },
            "LearningRate" => new LogisticMfOptions { LearningRate = value },
            "Regularization" => new LogisticMfOptions { Regularization = value },
            "Iterations" => new LogisticMfOptions { Iterations = (int)value },
            "NegativeProportion" => new LogisticMfOptions { NegativeProportion = (int)value },
            _ => new LogisticMfOptions { MaxDegreeOfParallelism = (int)value },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.CurrentCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreImplicits()
    {
        var options = new LogisticMfOptions();
        options.Validate();

        Assert.Equal((30, 1.0, 0.6, 30, 30, -1), (options.Factors, options.LearningRate, options.Regularization, options.Iterations, options.NegativeProportion, options.MaxDegreeOfParallelism));
    }

    [Fact]
    public void Serving_EqualsAlsModelOverTheSameFactors()
    {
        var userItems = RandomMatrix(60, 45, 0.15, seed: 9);
        var model = LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 6, Iterations = 3, Seed = 5 });
        var users = new float[model.UserCount, model.Factors + 2];
        var items = new float[model.ItemCount, model.Factors + 2];
        for (var u = 0; u < model.UserCount; u++)
        {
            for (var f = 0; f < model.Factors + 2; f++)
            {
                users[u, f] = model.GetUserFactors(u)[f];
            }
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            for (var f = 0; f < model.Factors + 2; f++)
            {
                items[i, f] = model.GetItemFactors(i)[f];
            }
        }

        var als = AlsModel.FromFactors(new AlsOptions { Factors = model.Factors + 2 }, users, items);
        var filter = new RecommendOptions { FilterItems = [1, 2] };

        Assert.Equal(als.RecommendAll(userItems, 7), model.RecommendAll(userItems, 7));
        Assert.Equal(als.SimilarItemsAll(5), model.SimilarItemsAll(5));
        for (var u = 0; u < model.UserCount; u++)
        {
            Assert.Equal(als.Recommend(u, userItems, 8, filter), model.Recommend(u, userItems, 8, filter));
            Assert.Equal(als.Recommend(u, userItems.GetColumnIndices(u), 4), model.Recommend(u, userItems.GetColumnIndices(u), 4));
            var expected = new ScoredItem[6];
            var actual = new ScoredItem[6];
            Assert.Equal(als.Recommend(u, default, expected), model.Recommend(u, default, actual));
            Assert.Equal(expected, actual);
            var (expectedItems, expectedScores, actualItems, actualScores) = (new int[5], new float[5], new int[5], new float[5]);
            Assert.Equal(
                ((IRecommender)als).Recommend(u, userItems.GetColumnIndices(u), expectedItems, expectedScores),
                ((IRecommender)model).Recommend(u, userItems.GetColumnIndices(u), actualItems, actualScores));
            Assert.Equal(expectedItems, actualItems);
            Assert.Equal(expectedScores, actualScores);
            Assert.Equal(als.Score(u, u % model.ItemCount), model.Score(u, u % model.ItemCount));
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            Assert.Equal(als.SimilarItems(i, 6), model.SimilarItems(i, 6));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetUserFactors(model.UserCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetItemFactors(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Score(0, model.ItemCount));
        Assert.Throws<ArgumentNullException>(() => model.RecommendAll(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarItems(model.ItemCount));
    }

    /// <summary>A reproducible random user x item matrix of whole-star ratings (distinct cells).</summary>
    internal static CsrMatrix RandomMatrix(int users, int items, double density, int seed)
    {
        var rng = new Xoshiro256StarStar((ulong)seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var u = 0; u < users; u++)
        {
            for (var i = 0; i < items; i++)
            {
                if (rng.NextDouble() < density)
                {
                    rows.Add(u);
                    columns.Add(i);
                    values.Add(1 + rng.NextInt(5));
                }
            }
        }

        return CsrMatrix.FromTriplets(users, items, rows.ToArray(), columns.ToArray(), values.ToArray());
    }

    private static bool SameBits(float[,] expected, Func<int, ReadOnlySpan<float>> row)
    {
        for (var r = 0; r < expected.GetLength(0); r++)
        {
            var actual = row(r);
            if (actual.Length != expected.GetLength(1))
            {
                return false;
            }

            for (var f = 0; f < actual.Length; f++)
            {
                if (BitConverter.SingleToInt32Bits(actual[f]) != BitConverter.SingleToInt32Bits(expected[r, f]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static void AssertSameFactors(LogisticMfModel expected, LogisticMfModel actual)
    {
        for (var u = 0; u < expected.UserCount; u++)
        {
            Assert.True(expected.GetUserFactors(u).SequenceEqual(actual.GetUserFactors(u)), $"user {u} differs");
        }

        for (var i = 0; i < expected.ItemCount; i++)
        {
            Assert.True(expected.GetItemFactors(i).SequenceEqual(actual.GetItemFactors(i)), $"item {i} differs");
        }
    }
}
