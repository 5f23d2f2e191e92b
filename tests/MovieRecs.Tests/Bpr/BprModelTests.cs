using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Bpr;
using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Bpr;

/// <summary>
/// The BPR fit against a naive serial reference, its reproducibility and convergence under the stratified parallel
/// scheme, its guards, and its serving through the ALS serving path.
/// </summary>
public class BprModelTests
{
    [Property(MaxTest = 60, Arbitrary = new[] { typeof(BprArbitraries) })]
    public bool Fit_OneThreadScalarWidth_EqualsNaiveSerialReferenceBitForBit(BprCase c)
    {
        var userItems = c.Matrix.ToCsr();
        var model = BprTrainer.Fit(userItems, c.Options, SimdWidth.Scalar, c.Blocks, null, CancellationToken.None);
        var (users, items) = NaiveBpr.Fit(userItems, c.Factors, 0.05f, 0.01f, c.Iterations, c.VerifyNegativeSamples, c.Seed, c.EffectiveBlocks);
        return SameBits(model, users, items, c.Factors + 1);
    }

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(BprArbitraries) })]
    public bool Fit_OneThreadEveryWidth_StaysWithinRoundingOfReference(BprCase c)
    {
        // The vector widths sum the score in lanes (fused multiply-adds), so they differ from the serial sum by
        // rounding; the samples and the elementwise updates are the same.
        var userItems = c.Matrix.ToCsr();
        var (users, items) = NaiveBpr.Fit(userItems, c.Factors, 0.05f, 0.01f, c.Iterations, c.VerifyNegativeSamples, c.Seed, c.EffectiveBlocks);
        foreach (var width in KernelTable.All)
        {
            var model = BprTrainer.Fit(userItems, c.Options, width, c.Blocks, null, CancellationToken.None);
            if (!Close(model, users, items, c.Factors + 1, 1e-5f))
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fit_SameSeedAndThreads_GivesIdenticalFactors(int threads)
    {
        var (train, _) = Planted(seed: 5);
        var options = new BprOptions { Factors = 12, Iterations = 5, Seed = 9, MaxDegreeOfParallelism = threads };
        var first = BprModel.Fit(train, options);
        var second = BprModel.Fit(train, options);
        for (var u = 0; u < first.UserCount; u++)
        {
            Assert.True(first.GetUserFactors(u).SequenceEqual(second.GetUserFactors(u)), $"user {u} differs with {threads} threads");
        }

        for (var i = 0; i < first.ItemCount; i++)
        {
            Assert.True(first.GetItemFactors(i).SequenceEqual(second.GetItemFactors(i)), $"item {i} differs with {threads} threads");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void Fit_SameBlocksOneOrTwoThreads_GivesIdenticalFactors(int blocks)
    {
        // Each user block draws from its own stream and the tiles of a sub-epoch share no rows, so the result depends
        // on the blocks, not on how many threads run them.
        var (train, _) = Planted(seed: 6);
        var options = new BprOptions { Factors = 12, Iterations = 4, Seed = 4, MaxDegreeOfParallelism = 1 };
        var one = BprTrainer.Fit(train, options, KernelTable.Best, blocks, null, CancellationToken.None);
        var two = BprTrainer.Fit(train, options with { MaxDegreeOfParallelism = 2 }, KernelTable.Best, blocks, null, CancellationToken.None);
        for (var u = 0; u < one.UserCount; u++)
        {
            Assert.True(one.GetUserFactors(u).SequenceEqual(two.GetUserFactors(u)), $"user {u} differs");
        }

        for (var i = 0; i < one.ItemCount; i++)
        {
            Assert.True(one.GetItemFactors(i).SequenceEqual(two.GetItemFactors(i)), $"item {i} differs");
        }
    }

    [Theory]
    [InlineData(6040, 3706, 101, 2, 10)]
    [InlineData(943, 1682, 101, 2, 4)]
    [InlineData(943, 1682, 101, 1, 3)]
    [InlineData(40, 9, 7, 2, 2)]
    [InlineData(100_000, 1_000, 101, 2, 6)]
    [InlineData(5, 3, 4, 1, 1)]
    public void BlocksFor_TilesOfHalfAMegabyteWithEnoughItemsPerStratum(int users, int items, int columns, int threads, int expected) =>
        Assert.Equal(expected, BprTrainer.BlocksFor(users, items, columns, threads));

    [Fact]
    public void Fit_OtherSeed_GivesOtherFactors()
    {
        var (train, _) = Planted(seed: 5);
        var a = BprModel.Fit(train, new BprOptions { Factors = 8, Iterations = 2, Seed = 1, MaxDegreeOfParallelism = 2 });
        var b = BprModel.Fit(train, new BprOptions { Factors = 8, Iterations = 2, Seed = 2, MaxDegreeOfParallelism = 2 });
        Assert.False(a.GetItemFactors(0).SequenceEqual(b.GetItemFactors(0)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Fit_AnyThreadCount_LearnsPlantedStructure(int threads)
    {
        var (train, heldOut) = Planted(seed: 11);
        var model = BprModel.Fit(train, new BprOptions { Factors = 16, Iterations = 100, LearningRate = 0.1, Seed = 3, MaxDegreeOfParallelism = threads });
        var auc = HeldOutAuc(model, train, heldOut);
        Assert.True(auc > 0.8, $"held-out AUC {auc:F3} with {threads} threads");
    }

    [Fact]
    public void Fit_ZeroIterations_KeepsImplicitsInitialFactors()
    {
        var train = CsrMatrix.FromTriplets(3, 4, [0, 0, 2], [1, 3, 1], [1f, 1f, 1f]);
        var model = BprModel.Fit(train, new BprOptions { Factors = 5, Iterations = 0 });
        Assert.Equal(6, model.Factors);
        foreach (var u in new[] { 0, 1, 2 })
        {
            Assert.Equal(1f, model.GetUserFactors(u)[5]);
        }

        Assert.True(model.GetUserFactors(1)[..5].ToArray().All(v => v == 0f), "a user without items starts at zero");
        Assert.True(model.GetItemFactors(0).ToArray().All(v => v == 0f), "an item without users starts at zero");
        Assert.True(model.GetItemFactors(1).ToArray().All(v => v is >= -0.1f and < 0.1f) && model.GetItemFactors(1).ToArray().Any(v => v != 0f));
    }

    [Fact]
    public void Fit_Serving_EqualsAlsModelOfTheSameFactors()
    {
        var (train, _) = Planted(seed: 2);
        var model = BprModel.Fit(train, new BprOptions { Factors = 10, Iterations = 3, MaxDegreeOfParallelism = 2 });
        var users = new float[model.UserCount * model.Factors];
        var items = new float[model.ItemCount * model.Factors];
        for (var u = 0; u < model.UserCount; u++)
        {
            model.GetUserFactors(u).CopyTo(users.AsSpan(u * model.Factors));
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            model.GetItemFactors(i).CopyTo(items.AsSpan(i * model.Factors));
        }

        var als = AlsModel.FromFactors(new AlsOptions { Factors = model.Factors }, users, items);
        for (var u = 0; u < model.UserCount; u += 7)
        {
            Assert.Equal(als.Recommend(u, train, 5), model.Recommend(u, train, 5));
            Assert.Equal(als.Recommend(u, train.GetColumnIndices(u), 4), model.Recommend(u, train.GetColumnIndices(u), 4));
            var destination = new ScoredItem[3];
            var written = model.Recommend(u, train.GetColumnIndices(u), destination);
            Assert.Equal(als.Recommend(u, train.GetColumnIndices(u), 3), destination[..written]);
            Assert.Equal(als.Score(u, u % model.ItemCount), model.Score(u, u % model.ItemCount));
            var (bprItems, bprScores) = (new int[6], new float[6]);
            var (alsItems, alsScores) = (new int[6], new float[6]);
            Assert.Equal(((IRecommender)als).Recommend(u, train.GetColumnIndices(u), alsItems, alsScores), ((IRecommender)model).Recommend(u, train.GetColumnIndices(u), bprItems, bprScores));
            Assert.Equal(alsItems, bprItems);
            Assert.Equal(alsScores, bprScores);
        }

        Assert.Equal(als.SimilarItems(3, 5), model.SimilarItems(3, 5));
        Assert.Equal(als.RecommendAll(train, 4), model.RecommendAll(train, 4));
        Assert.Equal(als.SimilarItemsAll(3), model.SimilarItemsAll(3));
    }

    [Fact]
    public void Fit_Progress_ReportsEveryEpochWithTrainingAuc()
    {
        var (train, _) = Planted(seed: 4);
        var reports = new List<BprIterationProgress>();
        BprModel.Fit(train, new BprOptions { Factors = 8, Iterations = 30, LearningRate = 0.1, MaxDegreeOfParallelism = 2 }, new SynchronousProgress<BprIterationProgress>(reports.Add));
        Assert.Equal(Enumerable.Range(1, 30), reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(30, r.TotalIterations));
        Assert.All(reports, r => Assert.InRange(r.SkippedFraction, 0.01, 0.9));

        // A few epochs barely move the small initial factors (the training AUC of one epoch is noise around 0.5 then);
        // thirty at a larger rate learn the planted genres.
        var (first, last) = (reports[..3].Average(r => r.TrainingAuc), reports[^3..].Average(r => r.TrainingAuc));
        Assert.True(last > first + 0.05, $"training AUC {first:F3} -> {last:F3}");
    }

    [Fact]
    public void Fit_Cancelled_Throws()
    {
        var (train, _) = Planted(seed: 4);
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() => BprModel.Fit(train, new BprOptions { Factors = 4 }, null, source.Token));
    }

    [Fact]
    public void Fit_CancelledDuringFit_StopsBetweenSubEpochs()
    {
        var (train, _) = Planted(seed: 4);
        using var source = new CancellationTokenSource();
        var seen = 0;
        var progress = new SynchronousProgress<BprIterationProgress>(_ =>
        {
            if (++seen == 2)
            {
                source.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => BprModel.Fit(train, new BprOptions { Factors = 4, Iterations = 50 }, progress, source.Token));
        Assert.Equal(2, seen);
    }

    [Fact]
    public void Fit_NullMatrix_Throws() =>
        Assert.Equal("userItems", Assert.Throws<ArgumentNullException>(() => BprModel.Fit(null!)).ParamName);

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 0)]
    public void Fit_NoRowsOrColumns_Throws(int rows, int columns)
    {
        var e = Assert.Throws<ArgumentException>(() => BprModel.Fit(CsrMatrix.FromTriplets(rows, columns, [], [], [])));
        Assert.Equal("userItems", e.ParamName);
        Assert.Contains($"{rows} x {columns}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_HugeLearningRate_ThrowsArithmeticNamingTheRow()
    {
        var (train, _) = Planted(seed: 4);
        var e = Assert.Throws<ArithmeticException>(() => BprModel.Fit(train, new BprOptions { Factors = 4, Iterations = 30, LearningRate = 1e30 }));
        Assert.Contains("not finite", e.Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_RegularizationStepOvershoots_MessageBlamesTheProductNotTooLittleRegularization()
    {
        // With LearningRate · Regularization ≥ 1 the penalty step x -= ηλx flips the factors' sign and they blow up;
        // the advice must not be to raise Regularization.
        var (train, _) = Planted(seed: 4);
        var e = Assert.Throws<ArithmeticException>(() => BprModel.Fit(train, new BprOptions { Factors = 4, Iterations = 5, Regularization = 1e10 }));
        Assert.Contains("LearningRate · Regularization", e.Message, StringComparison.Ordinal);
        Assert.Contains("lower Regularization", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("larger Regularization", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3.0, 5)]
    [InlineData(10.0, 2)]
    [InlineData(10.0, 5)]
    [InlineData(100.0, 2)]
    public void Fit_LargeLearningRate_ThrowsOrServesOnlyFiniteScores(double learningRate, int iterations)
    {
        // Without regularization a large step lets the factors grow each epoch; before they reach infinity they pass
        // through finite values whose products overflow float. Such a fit must fail, not serve infinite scores.
        var userItems = TestMatrices.Random(1, 30, 20, 0.2);
        var options = new BprOptions { Factors = 8, Iterations = iterations, LearningRate = learningRate, Regularization = 0 };

        FiniteServing.AssertFailsNamingOrServesFinite(
            () =>
            {
                var model = BprModel.Fit(userItems, options);
                return (model.UserCount, model.ItemCount, model.Score, () => model.SimilarItemsAll(model.ItemCount));
            },
            "LearningRate");
    }

    public static TheoryData<string, BprOptions, string> BadOptions => new()
    {
        { "Factors", new BprOptions { Factors = 0 }, "0" },
        { "Factors", new BprOptions { Factors = BprOptions.MaxFactors + 1 }, "4096" },
        { "LearningRate", new BprOptions { LearningRate = 0 }, "0" },
        { "LearningRate", new BprOptions { LearningRate = double.NaN }, "NaN" },
        { "LearningRate", new BprOptions { LearningRate = 1e300 }, "1E+300" },
        { "Regularization", new BprOptions { Regularization = -0.5 }, "-0.5" },
        { "Regularization", new BprOptions { Regularization = double.PositiveInfinity }, string.Empty },
        { "Iterations", new BprOptions { Iterations = -1 }, "-1" },
        { "MaxDegreeOfParallelism", new BprOptions { MaxDegreeOfParallelism = 0 }, "0" },
        { "MaxDegreeOfParallelism", new BprOptions { MaxDegreeOfParallelism = -2 }, "-2" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_OutOfRange_NamesParameterAndValue(string parameter, BprOptions options, string value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"was {value}", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BprModel.Fit(CsrMatrix.FromTriplets(1, 1, [0], [0], [1f]), options));
    }

    [Fact]
    public void Serving_BadIndex_Throws()
    {
        var model = BprModel.Fit(CsrMatrix.FromTriplets(2, 3, [0, 1], [0, 2], [1f, 1f]), new BprOptions { Factors = 3, Iterations = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetUserFactors(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetItemFactors(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Score(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Recommend(5, ReadOnlySpan<int>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarItems(3));
        Assert.Throws<ArgumentNullException>(() => model.Recommend(0, (CsrMatrix)null!));
        Assert.Contains("3 factors + bias", model.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void SamplingPlan_EveryEntryOnceInAGroupOfItsBlockAndStratum(int blocks)
    {
        var (train, _) = Planted(seed: 8);
        var plan = BprSamplingPlan.Build(train, blocks);
        Assert.Equal(blocks, plan.Blocks);
        var entries = new List<(int User, int Item)>();
        var strata = new Dictionary<int, int>();
        var userBlocks = new Dictionary<int, int>();
        for (var b = 0; b < blocks; b++)
        {
            for (var k = 0; k < blocks; k++)
            {
                for (var p = plan.PositiveStarts[(b * blocks) + k]; p < plan.PositiveStarts[(b * blocks) + k + 1]; p++)
                {
                    var (u, i) = (plan.Positives[2 * p], plan.Positives[(2 * p) + 1]);
                    entries.Add((u, i));
                    Assert.Equal(b, userBlocks.TryAdd(u, b) ? b : userBlocks[u]);
                    Assert.Equal(k, strata.TryAdd(i, k) ? k : strata[i]);
                }
            }
        }

        var expected = new List<(int User, int Item)>();
        for (var u = 0; u < train.RowCount; u++)
        {
            foreach (var i in train.GetColumnIndices(u))
            {
                expected.Add((u, i));
            }
        }

        Assert.Equal(expected.Order(), entries.Order());
        Assert.True(userBlocks.Keys.Order().SequenceEqual(userBlocks.Keys.OrderBy(u => userBlocks[u]).ThenBy(u => u)), "user blocks are not contiguous");
        if (blocks == 1)
        {
            Assert.Equal(expected, entries);
        }

        // The negatives of stratum k: its items in increasing order, each owning as many entry offsets as it has users.
        var users = train.IndexArray[..(int)train.NonZeroCount].CountBy(i => i).ToDictionary();
        var sizes = new int[blocks];
        for (var k = 0; k < blocks; k++)
        {
            var items = plan.StratumItems[plan.ItemStarts[k]..plan.ItemStarts[k + 1]];
            Assert.Equal(items.Order(), items);
            Assert.Equal(items.Length, items.Distinct().Count());
            Assert.All(items, i => Assert.Equal(k, strata[i]));
            var previous = plan.NegativeStarts[k];
            for (var j = plan.ItemStarts[k]; j < plan.ItemStarts[k + 1]; j++)
            {
                Assert.Equal(users[plan.StratumItems[j]], plan.EntryEnds[j] - previous);
                previous = plan.EntryEnds[j];
            }

            Assert.Equal(plan.NegativeStarts[k + 1], previous);
            sizes[k] = plan.NegativeStarts[k + 1] - plan.NegativeStarts[k];
        }

        Assert.Equal(users.Keys.Order(), plan.StratumItems.Order());
        Assert.True(sizes.Max() < 2 * sizes.Min(), $"strata of {string.Join(", ", sizes)} entries are unbalanced");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void SamplingPlan_FindNegative_EveryOffsetGoesToTheItemOwningIt(int blocks)
    {
        // The guided search must give, for every entry offset of a stratum, the position whose offsets hold it.
        var train = MixedUsers(seed: 2);
        var plan = BprSamplingPlan.Build(train, blocks);
        for (var k = 0; k < blocks; k++)
        {
            var (itemStart, itemCount) = (plan.ItemStarts[k], plan.ItemStarts[k + 1] - plan.ItemStarts[k]);
            var (entryStart, entryCount) = (plan.NegativeStarts[k], plan.NegativeStarts[k + 1] - plan.NegativeStarts[k]);
            var owner = itemStart;
            for (var offset = entryStart; offset < entryStart + entryCount; offset++)
            {
                while (plan.EntryEnds[owner] <= offset)
                {
                    owner++;
                }

                Assert.Equal(owner, BprSamplingPlan.FindNegative(plan.EntryEnds, plan.Guide, itemStart, itemCount, entryStart, entryCount, offset));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SamplingPlan_UserBitSets_HoldExactlyTheItemsOfEveryHeavyUser(int blocks)
    {
        var train = MixedUsers(seed: 5);
        var plan = BprSamplingPlan.Build(train, blocks);
        var light = 0;
        for (var u = 0; u < train.RowCount; u++)
        {
            var stored = train.GetColumnIndices(u).ToArray();
            var start = plan.UserBitStarts[u];
            Assert.Equal(stored.Length > 0 && stored.Length * 64 >= train.ColumnCount, start >= 0);
            if (start < 0)
            {
                light++;
                continue;
            }

            var set = 0;
            for (var k = 0; k < blocks; k++)
            {
                for (var j = plan.ItemStarts[k]; j < plan.ItemStarts[k + 1]; j++)
                {
                    var q = j - plan.ItemStarts[k];
                    var bit = (plan.UserBits[start + plan.WordStarts[k] + (q >> 6)] & (1UL << q)) != 0;
                    Assert.Equal(stored.Contains(plan.StratumItems[j]), bit);
                    set += bit ? 1 : 0;
                }
            }

            Assert.Equal(stored.Length, set);
        }

        Assert.InRange(light, 1, train.RowCount - 1);
        Assert.Empty(BprSamplingPlan.Build(train, blocks, negativeChecks: false).UserBitStarts);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(11, 1)]
    [InlineData(3, 4)]
    public void Fit_OneThreadScalarWidthWithLightAndHeavyUsers_EqualsNaiveSerialReferenceBitForBit(int seed, int blocks)
    {
        // Users below items / 64 entries are checked by searching their columns, the others by their bit sets.
        var train = MixedUsers(seed);
        var options = new BprOptions
        {
            Factors = 6,
            Iterations = 20,
            VerifyNegativeSamples = true,
            Seed = seed,
            LearningRate = 0.05,
            Regularization = 0.01,
            MaxDegreeOfParallelism = 1,
        };
        var model = BprTrainer.Fit(train, options, SimdWidth.Scalar, blocks, null, CancellationToken.None);
        var (users, items) = NaiveBpr.Fit(train, 6, 0.05f, 0.01f, 20, true, seed, blocks);
        Assert.True(SameBits(model, users, items, 7));
    }

    /// <summary>40 users of 640 items: even users have 1 to 9 items (no bit set), odd users 10 to 60 (a bit set);
    /// items are drawn from the first 80 more often, so negatives often hit a user's own items.</summary>
    private static CsrMatrix MixedUsers(int seed)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        for (var u = 0; u < 40; u++)
        {
            var count = u % 2 == 0 ? random.Next(1, 10) : random.Next(10, 61);
            var liked = new SortedSet<int>();
            while (liked.Count < count)
            {
                liked.Add(random.NextDouble() < 0.7 ? random.Next(80) : random.Next(640));
            }

            foreach (var i in liked)
            {
                rows.Add(u);
                columns.Add(i);
            }
        }

        return CsrMatrix.FromTriplets(40, 640, [.. rows], [.. columns], [.. rows.Select(_ => 1f)]);
    }

    /// <summary>
    /// 80 users in four taste groups, 48 items in four genres: a user likes about half the items of their group's
    /// genre and a few others; one liked item per user is held out.
    /// </summary>
    internal static (CsrMatrix Train, int[] HeldOut) Planted(int seed)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var heldOut = new int[80];
        for (var u = 0; u < 80; u++)
        {
            var genre = u % 4;
            var liked = Enumerable.Range(0, 48).Where(i => i / 12 == genre ? random.NextDouble() < 0.5 : random.NextDouble() < 0.04).ToList();
            var inGenre = liked.Where(i => i / 12 == genre).ToList();
            if (inGenre.Count < 2)
            {
                liked.AddRange(new[] { genre * 12, (genre * 12) + 1 }.Except(liked));
                inGenre = liked.Where(i => i / 12 == genre).ToList();
            }

            heldOut[u] = inGenre[random.Next(inGenre.Count)];
            foreach (var i in liked.Where(i => i != heldOut[u]))
            {
                rows.Add(u);
                columns.Add(i);
            }
        }

        return (CsrMatrix.FromTriplets(80, 48, [.. rows], [.. columns], [.. rows.Select(_ => 1f)]), heldOut);
    }

    /// <summary>The fraction of (held-out item, item the user never had) pairs the model orders right.</summary>
    internal static double HeldOutAuc(BprModel model, CsrMatrix train, int[] heldOut)
    {
        long right = 0, pairs = 0;
        for (var u = 0; u < heldOut.Length; u++)
        {
            var positive = model.Score(u, heldOut[u]);
            for (var i = 0; i < model.ItemCount; i++)
            {
                if (i != heldOut[u] && !train.GetColumnIndices(u).Contains(i))
                {
                    pairs++;
                    right += model.Score(u, i) < positive ? 1 : 0;
                }
            }
        }

        return (double)right / pairs;
    }

    private static bool SameBits(BprModel model, float[] users, float[] items, int columns)
    {
        for (var u = 0; u < model.UserCount; u++)
        {
            if (!model.GetUserFactors(u).SequenceEqual(users.AsSpan(u * columns, columns)))
            {
                return false;
            }
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            if (!model.GetItemFactors(i).SequenceEqual(items.AsSpan(i * columns, columns)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Close(BprModel model, float[] users, float[] items, int columns, float tolerance)
    {
        for (var u = 0; u < model.UserCount; u++)
        {
            var row = model.GetUserFactors(u);
            for (var c = 0; c < columns; c++)
            {
                if (Math.Abs(row[c] - users[(u * columns) + c]) > tolerance * (1 + Math.Abs(users[(u * columns) + c])))
                {
                    return false;
                }
            }
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            var row = model.GetItemFactors(i);
            for (var c = 0; c < columns; c++)
            {
                if (Math.Abs(row[c] - items[(i * columns) + c]) > tolerance * (1 + Math.Abs(items[(i * columns) + c])))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
