using System.Diagnostics;
using System.Runtime.CompilerServices;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Bpr;

/// <summary>
/// The BPR fit behind <see cref="BprModel.Fit"/>: initial factors as <c>implicit</c>, then stratified parallel SGD
/// (see <see cref="BprModel.Fit"/>'s remarks) with the kernels of one register width.
/// </summary>
internal static class BprTrainer
{
    /// <summary>Fits a model with the kernels of <paramref name="width"/> (tests reach every width through it).</summary>
    public static BprModel Fit(
        CsrMatrix userItems, BprOptions options, SimdWidth width, IProgress<BprIterationProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        cancellationToken.ThrowIfCancellationRequested();
        var users = userItems.RowCount;
        var items = userItems.ColumnCount;
        var factors = options.Factors;
        var columns = factors + 1;
        var stride = KernelTable.StrideFor(columns, width);
        var userFactors = FactorMatrix.AllocateAligned(users, columns, stride);
        var itemFactors = FactorMatrix.AllocateAligned(items, columns, stride);
        Initialize(userItems, options.Seed, userFactors, itemFactors);

        var threads = Math.Max(1, Math.Min(options.EffectiveParallelism, Math.Min(users, items)));
        var plan = BprSamplingPlan.Build(userItems, threads, options.VerifyNegativeSamples);
        var streams = new Xoshiro256StarStar[threads];
        for (var t = 0; t < threads; t++)
        {
            streams[t] = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)options.Seed, (ulong)t + 1));
        }

        var step = new SgdStep(
            userItems,
            plan,
            userFactors,
            itemFactors,
            width,
            width == SimdWidth.Scalar ? columns : stride,
            factors,
            (float)options.LearningRate,
            (float)options.Regularization,
            options.VerifyNegativeSamples);
        var correct = new long[threads];
        var skipped = new long[threads];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var nonZeros = userItems.NonZeroCount;
        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            var started = clock.Elapsed;
            Array.Clear(correct);
            Array.Clear(skipped);
            for (var subEpoch = 0; subEpoch < threads; subEpoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (threads == 1)
                {
                    step.Run(0, subEpoch, streams, correct, skipped);
                }
                else
                {
                    var s = subEpoch;
                    Parallel.For(0, threads, parallel, t => step.Run(t, s, streams, correct, skipped));
                }
            }

            if (progress is not null)
            {
                long right = 0, skips = 0;
                for (var t = 0; t < threads; t++)
                {
                    right += correct[t];
                    skips += skipped[t];
                }

                var now = clock.Elapsed;
                progress.Report(new BprIterationProgress(
                    iteration,
                    options.Iterations,
                    now - started,
                    now,
                    nonZeros == skips ? double.NaN : (double)right / (nonZeros - skips),
                    nonZeros == 0 ? 0 : (double)skips / nonZeros));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        CheckFinite(userFactors, "user", options.Iterations);
        CheckFinite(itemFactors, "item", options.Iterations);
        var alsOptions = new AlsOptions
        {
            Factors = columns,
            Regularization = options.Regularization,
            Iterations = options.Iterations,
            Seed = options.Seed,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
        return new BprModel(options, new AlsModel(alsOptions, width, userFactors, itemFactors, trainingLoss: null));
    }

    /// <summary>
    /// <c>implicit</c>'s initial factors: every entry uniform in <c>[-0.5, 0.5)</c> divided by the factor count (item
    /// rows first, then user rows, from one stream of the seed), rows of users and items without entries zero, and
    /// the user side's bias column 1.
    /// </summary>
    private static void Initialize(CsrMatrix userItems, int seed, FactorMatrix userFactors, FactorMatrix itemFactors)
    {
        var factors = userFactors.Factors - 1;
        var random = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)seed, 0));
        var itemHasUsers = new bool[itemFactors.Rows];
        foreach (var item in userItems.IndexArray.AsSpan(0, (int)userItems.NonZeroCount))
        {
            itemHasUsers[item] = true;
        }

        Fill(ref random, itemFactors, factors, item => itemHasUsers[item]);
        Fill(ref random, userFactors, factors, user => userItems.GetRowNonZeroCount(user) > 0);
        for (var user = 0; user < userFactors.Rows; user++)
        {
            userFactors.Row(user)[factors] = 1f;
        }
    }

    private static void Fill(ref Xoshiro256StarStar random, FactorMatrix matrix, int factors, Func<int, bool> hasEntries)
    {
        for (var row = 0; row < matrix.Rows; row++)
        {
            var values = matrix.Row(row);
            var keep = hasEntries(row);
            for (var c = 0; c < values.Length; c++)
            {
                var uniform = (random.NextUInt64() >> 40) * (1f / (1 << 24));
                values[c] = keep ? (uniform - 0.5f) / factors : 0f;
            }
        }
    }

    private static void CheckFinite(FactorMatrix matrix, string side, int iterations)
    {
        for (var row = 0; row < matrix.Rows; row++)
        {
            foreach (var value in matrix.Row(row))
            {
                if (!float.IsFinite(value))
                {
                    throw new ArithmeticException(
                        $"BPR diverged: after {iterations} iterations the factors of {side} {row} are not finite; try a smaller LearningRate or a larger Regularization.");
                }
            }
        }
    }

    /// <summary>
    /// One thread's share of a sub-epoch: thread <c>t</c> in sub-epoch <c>s</c> draws as many samples as its group
    /// (user block <c>t</c>, item stratum <c>(t + s) mod T</c>) has entries, each a uniformly random entry of the
    /// group and a negative from the stratum, and updates only rows of its block and stratum, so no two threads touch
    /// the same row.
    /// </summary>
    private sealed class SgdStep(
        CsrMatrix userItems,
        BprSamplingPlan plan,
        FactorMatrix userFactors,
        FactorMatrix itemFactors,
        SimdWidth width,
        int length,
        int factors,
        float learningRate,
        float regularization,
        bool verifyNegatives)
    {
        private const int Ahead = 16;
        private const int Near = 8;
        private const int LineFloats = 16;

        /// <summary>Keeps the touching loads alive (nothing reads it).</summary>
        private int _sink;

        public void Run(int thread, int subEpoch, Xoshiro256StarStar[] streams, long[] correct, long[] skipped)
        {
            var threads = plan.Threads;
            var stratum = (thread + subEpoch) % threads;
            var group = (thread * threads) + stratum;
            var start = plan.PositiveStarts[group];
            var count = plan.PositiveStarts[group + 1] - start;
            if (count == 0)
            {
                return;
            }

            var negativeStart = plan.NegativeStarts[stratum];
            var negativeCount = plan.NegativeStarts[stratum + 1] - negativeStart;
            var positives = plan.Positives;
            var negativeItems = plan.NegativeItems;
            var bitStarts = plan.UserBitStarts;
            var bits = plan.UserBits;
            var pointers = userItems.PointerArray;
            var columns = userItems.IndexArray;
            var userStorage = userFactors.Storage;
            var itemStorage = itemFactors.Storage;
            var stride = userFactors.Stride;
            var random = streams[thread];
            long right = 0, skips = 0;

            // The samples do not depend on the factors, so they are drawn ahead, in the same order: sample n + Ahead
            // is drawn while sample n is processed, and the rows sample n + Near will read are touched (one load per
            // cache line) so their cache misses overlap with the work on sample n instead of following each other.
            Span<int> ring = stackalloc int[2 * Ahead];
            var drawn = Math.Min(count, Ahead);
            var sinkIndex = 0;
            var sinkValue = 0f;
            for (var k = 0; k < drawn; k++)
            {
                var p = start + random.NextInt(count);
                ring[2 * k] = p;
                ring[(2 * k) + 1] = negativeItems[negativeStart + random.NextInt(negativeCount)];
                sinkIndex ^= positives[2 * p];
            }

            for (var k = 0; k < Math.Min(count, Near); k++)
            {
                sinkValue += Touch(ring[2 * k], ring[(2 * k) + 1], positives, bitStarts, bits, pointers, columns, userStorage, itemStorage, stride, ref sinkIndex);
            }

            for (var n = 0; n < count; n++)
            {
                var slot = n & (Ahead - 1);
                var p = ring[2 * slot];
                var negative = ring[(2 * slot) + 1];
                if (drawn < count)
                {
                    var next = start + random.NextInt(count);
                    ring[2 * slot] = next;
                    ring[(2 * slot) + 1] = negativeItems[negativeStart + random.NextInt(negativeCount)];
                    sinkIndex ^= positives[2 * next];
                    drawn++;
                }

                if (n + Near < count)
                {
                    var near = (n + Near) & (Ahead - 1);
                    sinkValue += Touch(ring[2 * near], ring[(2 * near) + 1], positives, bitStarts, bits, pointers, columns, userStorage, itemStorage, stride, ref sinkIndex);
                }

                var user = positives[2 * p];
                if (verifyNegatives)
                {
                    var bitStart = bitStarts[user];
                    if (bitStart >= 0
                        ? (bits[bitStart + (negative >> 6)] & (1UL << negative)) != 0
                        : Contains(columns, (int)pointers[user], (int)pointers[user + 1], negative))
                    {
                        skips++;
                        continue;
                    }
                }

                var liked = positives[(2 * p) + 1];
                var userRow = userStorage.Slice(user * stride, length);
                var likedRow = itemStorage.Slice(liked * stride, length);
                var score = BprKernels.Score(width, userRow, likedRow, itemStorage.Slice(negative * stride, length));
                var z = (float)(1.0 / (1.0 + Math.Exp(score)));
                if (z < 0.5f)
                {
                    right++;
                }

                if (liked == negative)
                {
                    BprKernels.UpdateSameItem(userRow, likedRow, z, learningRate, regularization);
                }
                else
                {
                    BprKernels.Update(width, userRow, likedRow, itemStorage.Slice(negative * stride, length), z, learningRate, regularization);
                }

                userRow[factors] = 1f;
            }

            streams[thread] = random;
            correct[thread] += right;
            skipped[thread] += skips;
            _sink = sinkIndex ^ BitConverter.SingleToInt32Bits(sinkValue);
        }

        /// <summary>
        /// Loads one float per cache line of the user's and both items' rows, and the word of the user's bit set that
        /// holds the negative or else one index per cache line of the user's stored columns (few: a user without a bit
        /// set has fewer than <c>items / 64</c>), so they are in cache when the sample is processed.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Touch(
            int p, int negative, int[] positives, int[] bitStarts, ulong[] bits, long[] pointers, int[] columns,
            Span<float> userStorage, Span<float> itemStorage, int stride, ref int sinkIndex)
        {
            var user = positives[2 * p];
            var liked = positives[(2 * p) + 1];
            var sum = 0f;
            for (var c = 0; c < stride; c += LineFloats)
            {
                sum += userStorage[(user * stride) + c] + itemStorage[(liked * stride) + c] + itemStorage[(negative * stride) + c];
            }

            if (bitStarts.Length > 0)
            {
                var bitStart = bitStarts[user];
                if (bitStart >= 0)
                {
                    sinkIndex ^= (int)bits[bitStart + (negative >> 6)];
                }
                else
                {
                    for (var e = (int)pointers[user]; e < (int)pointers[user + 1]; e += LineFloats)
                    {
                        sinkIndex ^= columns[e];
                    }
                }
            }

            return sum;
        }

        /// <summary>Whether the strictly increasing <c>columns[start..end)</c> holds <paramref name="item"/>.</summary>
        private static bool Contains(int[] columns, int start, int end, int item)
        {
            var low = start;
            var high = end - 1;
            while (low <= high)
            {
                var middle = (int)((uint)(low + high) >> 1);
                var value = columns[middle];
                if (value == item)
                {
                    return true;
                }

                if (value < item)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return false;
        }
    }
}
