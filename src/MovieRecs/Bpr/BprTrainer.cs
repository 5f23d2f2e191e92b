using System.Diagnostics;
using System.Runtime.CompilerServices;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Bpr;

/// <summary>
/// The BPR fit behind <see cref="BprModel.Fit"/>: initial factors as <c>implicit</c>, then blocked parallel SGD
/// (see <see cref="BprModel.Fit"/>'s remarks) with the kernels of one register width.
/// </summary>
internal static class BprTrainer
{
    /// <summary>
    /// The bytes of factor rows one tile (a user block and an item stratum) should hold, so that a thread's rows stay
    /// in a 1 MB level-2 cache with room for the drawn entries, the negatives' tables and the bit sets.
    /// </summary>
    internal const long TileBytes = 512 * 1024;

    /// <summary>
    /// The fewest items a stratum should have (where the data allow more blocks than threads): a negative comes from the
    /// sample's stratum, and with strata of fewer than about a hundred items the ranking quality drops.
    /// </summary>
    internal const int MinStratumItems = 128;

    /// <summary>The most blocks a fit uses (so at most <c>MaxBlocks²</c> groups).</summary>
    internal const int MaxBlocks = 256;

    /// <summary>Fits a model with the kernels of <paramref name="width"/> (tests reach every width through it).</summary>
    public static BprModel Fit(
        CsrMatrix userItems, BprOptions options, SimdWidth width, IProgress<BprIterationProgress>? progress, CancellationToken cancellationToken) =>
        Fit(userItems, options, width, blocks: 0, progress, cancellationToken);

    /// <summary>
    /// Fits a model with the kernels of <paramref name="width"/> and <paramref name="blocks"/> user blocks and item
    /// strata (0: <see cref="BlocksFor"/>; tests and measurements choose others).
    /// </summary>
    public static BprModel Fit(
        CsrMatrix userItems, BprOptions options, SimdWidth width, int blocks, IProgress<BprIterationProgress>? progress, CancellationToken cancellationToken)
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
        blocks = blocks > 0 ? Math.Min(blocks, Math.Min(users, items)) : BlocksFor(users, items, columns, threads);
        threads = Math.Min(threads, blocks);
        var plan = BprSamplingPlan.Build(userItems, blocks, options.VerifyNegativeSamples);
        var streams = new Xoshiro256StarStar[blocks];
        for (var b = 0; b < blocks; b++)
        {
            streams[b] = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)options.Seed, (ulong)b + 1));
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
        var correct = new long[blocks];
        var skipped = new long[blocks];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var nonZeros = userItems.NonZeroCount;
        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            var started = clock.Elapsed;
            Array.Clear(correct);
            Array.Clear(skipped);
            for (var subEpoch = 0; subEpoch < blocks; subEpoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (threads == 1)
                {
                    step.RunBlocks(0, blocks, subEpoch, streams, correct, skipped);
                }
                else
                {
                    var s = subEpoch;
                    Parallel.For(
                        0,
                        threads,
                        parallel,
                        t => step.RunBlocks((int)((long)t * blocks / threads), (int)((long)(t + 1) * blocks / threads), s, streams, correct, skipped));
                }
            }

            if (progress is not null)
            {
                long right = 0, skips = 0;
                for (var b = 0; b < blocks; b++)
                {
                    right += correct[b];
                    skips += skipped[b];
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
        CheckServable(userFactors, "user", options);
        CheckServable(itemFactors, "item", options);
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
    /// The blocks of a fit with <paramref name="threads"/> threads: the fewest multiple of the thread count whose tiles
    /// hold at most <see cref="TileBytes"/> of factor rows each (rows counted in 64-byte lines, whatever the register
    /// width, so the choice and the results do not depend on the machine), but no more than leave
    /// <see cref="MinStratumItems"/> items per stratum or <see cref="MaxBlocks"/>, and never fewer than the threads.
    /// </summary>
    internal static int BlocksFor(int users, int items, int columns, int threads)
    {
        var rowBytes = (columns + 15L) / 16 * 64;
        var tiles = (((users + (long)items) * rowBytes) + TileBytes - 1) / TileBytes;
        var blocks = (tiles + threads - 1) / threads * threads;
        var most = Math.Min(MaxBlocks, items / MinStratumItems) / threads * threads;
        return (int)Math.Max(threads, Math.Min(blocks, Math.Min(most, Math.Min(users, items))));
    }

    /// <summary>
    /// <c>implicit</c>'s initial factors: every entry uniform in <c>[-0.5, 0.5)</c> divided by the factor count, item
    /// rows first, then user rows, from NumPy's default generator of the seed as <c>implicit</c> draws them
    /// (<c>(rng.random((n, factors + 1), dtype=float32) - 0.5) / factors</c>, <see cref="NumPyPcg64"/>); rows of users
    /// and items without entries zero, and the user side's bias column 1.
    /// </summary>
    private static void Initialize(CsrMatrix userItems, int seed, FactorMatrix userFactors, FactorMatrix itemFactors)
    {
        var factors = userFactors.Factors - 1;
        var random = new NumPyPcg64(unchecked((uint)seed));
        var itemHasUsers = new bool[itemFactors.Rows];
        foreach (var item in userItems.IndexArray.AsSpan(0, (int)userItems.NonZeroCount))
        {
            itemHasUsers[item] = true;
        }

        Fill(random, itemFactors, factors, item => itemHasUsers[item]);
        Fill(random, userFactors, factors, user => userItems.GetRowNonZeroCount(user) > 0);
        for (var user = 0; user < userFactors.Rows; user++)
        {
            userFactors.Row(user)[factors] = 1f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(NumPyPcg64 random, FactorMatrix matrix, int factors, Func<int, bool> hasEntries)
    {
        for (var row = 0; row < matrix.Rows; row++)
        {
            var values = matrix.Row(row);
            var keep = hasEntries(row);
            for (var c = 0; c < values.Length; c++)
            {
                var uniform = random.NextSingle();
                values[c] = keep ? (uniform - 0.5f) / factors : 0f;
            }
        }
    }

    /// <summary>
    /// Throws when a factor is not finite or a row grew so large (<see cref="FactorMagnitude"/>) that its scores would
    /// overflow float: both mean the SGD diverged, and a model of such rows would serve infinite or NaN scores. With
    /// <c>η · λ ≥ 1</c> the penalty step <c>x -= ηλx</c> flips every factor's sign and more regularization makes it
    /// worse, so the advice names that product then.
    /// </summary>
    private static void CheckServable(FactorMatrix matrix, string side, BprOptions options)
    {
        var (row, norm) = FactorMagnitude.FirstUnservableRow(matrix);
        if (row >= 0)
        {
            var what = double.IsFinite(norm) ? $"grew to norm {norm:G3}, so scores would overflow float" : "are not finite";
            var product = options.LearningRate * options.Regularization;
            var advice = product >= 1
                ? $"LearningRate · Regularization is {product:G3}, and from 1 on each penalty step overshoots: lower Regularization or LearningRate"
                : "try a smaller LearningRate or a larger Regularization";
            throw new ArithmeticException(
                $"BPR diverged: after {options.Iterations} iterations the factors of {side} {row} {what}; {advice}.");
        }
    }

    /// <summary>
    /// The tiles of a sub-epoch: in sub-epoch <c>s</c> user block <c>b</c> draws as many samples as its group (user
    /// block <c>b</c>, item stratum <c>(b + s) mod B</c>) has entries, each a uniformly random entry of the group and
    /// a negative from the stratum, from stream <c>b</c>, and updates only rows of its block and stratum, so no two
    /// tiles of a sub-epoch touch the same row and a thread's tiles run one after the other.
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

        /// <summary>Runs the tiles of user blocks <c>[first, end)</c> in sub-epoch <paramref name="subEpoch"/>, one after the other.</summary>
        public void RunBlocks(int first, int end, int subEpoch, Xoshiro256StarStar[] streams, long[] correct, long[] skipped)
        {
            for (var b = first; b < end; b++)
            {
                Run(b, subEpoch, streams, correct, skipped);
            }
        }

        // Optimized from its first call: a tile runs for milliseconds, so unoptimized code would run through much of a
        // process's first fit before it moved up the JIT's tiers.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Run(int block, int subEpoch, Xoshiro256StarStar[] streams, long[] correct, long[] skipped)
        {
            var blocks = plan.Blocks;
            var stratum = (block + subEpoch) % blocks;
            var group = (block * blocks) + stratum;
            var start = plan.PositiveStarts[group];
            var count = plan.PositiveStarts[group + 1] - start;
            if (count == 0)
            {
                return;
            }

            var negatives = new NegativeDraw(plan, stratum);
            var positives = plan.Positives;
            var bitStarts = plan.UserBitStarts;
            var bits = plan.UserBits;
            var wordStart = plan.WordStarts[stratum];
            var pointers = userItems.PointerArray;
            var columns = userItems.IndexArray;
            var userStorage = userFactors.Storage;
            var itemStorage = itemFactors.Storage;
            var stride = userFactors.Stride;
            var random = streams[block];
            long right = 0, skips = 0;

            // The samples do not depend on the factors, so they are drawn ahead, in the same order: sample n + Ahead
            // is drawn while sample n is processed, and the rows sample n + Near will read are touched (one load per
            // cache line) so their cache misses overlap with the work on sample n instead of following each other.
            // A slot holds the drawn entry, the negative item and its position in the stratum.
            Span<int> ring = stackalloc int[3 * Ahead];
            var drawn = Math.Min(count, Ahead);
            var sinkIndex = 0;
            var sinkValue = 0f;
            for (var k = 0; k < drawn; k++)
            {
                sinkIndex ^= Draw(ref random, start, count, negatives, positives, ring.Slice(3 * k, 3));
            }

            for (var k = 0; k < Math.Min(count, Near); k++)
            {
                sinkValue += Touch(ring.Slice(3 * k, 3), positives, bitStarts, bits, wordStart, pointers, columns, userStorage, itemStorage, stride, ref sinkIndex);
            }

            for (var n = 0; n < count; n++)
            {
                var slot = ring.Slice(3 * (n & (Ahead - 1)), 3);
                var p = slot[0];
                var negative = slot[1];
                var position = slot[2];
                if (drawn < count)
                {
                    sinkIndex ^= Draw(ref random, start, count, negatives, positives, slot);
                    drawn++;
                }

                if (n + Near < count)
                {
                    sinkValue += Touch(ring.Slice(3 * ((n + Near) & (Ahead - 1)), 3), positives, bitStarts, bits, wordStart, pointers, columns, userStorage, itemStorage, stride, ref sinkIndex);
                }

                var user = positives[2 * p];
                if (verifyNegatives)
                {
                    var bitStart = bitStarts[user];
                    if (bitStart >= 0
                        ? (bits[bitStart + wordStart + (position >> 6)] & (1UL << position)) != 0
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

            streams[block] = random;
            correct[block] += right;
            skipped[block] += skips;
            _sink = sinkIndex ^ BitConverter.SingleToInt32Bits(sinkValue);
        }

        /// <summary>
        /// Draws one sample into <paramref name="slot"/>: a uniformly random entry of the group, then a negative of the
        /// stratum (its item and its position in the stratum); returns the entry's user, loaded so its line is in cache.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Draw(ref Xoshiro256StarStar random, int start, int count, in NegativeDraw negatives, int[] positives, Span<int> slot)
        {
            var p = start + random.NextInt(count);
            var j = negatives.Find(random.NextInt(negatives.EntryCount));
            slot[0] = p;
            slot[1] = negatives.Items[j];
            slot[2] = j - negatives.ItemStart;
            return positives[2 * p];
        }

        /// <summary>
        /// Loads one float per cache line of the user's and both items' rows, and the word of the user's bit set that
        /// holds the negative or else one index per cache line of the user's stored columns (few: a user without a bit
        /// set has fewer than <c>items / 64</c>), so they are in cache when the sample is processed.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Touch(
            Span<int> slot, int[] positives, int[] bitStarts, ulong[] bits, int wordStart, long[] pointers, int[] columns,
            Span<float> userStorage, Span<float> itemStorage, int stride, ref int sinkIndex)
        {
            var p = slot[0];
            var negative = slot[1];
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
                    sinkIndex ^= (int)bits[bitStart + wordStart + (slot[2] >> 6)];
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

        /// <summary>The negatives of one stratum: its items, their running entry counts and the guide into them.</summary>
        private readonly struct NegativeDraw(BprSamplingPlan plan, int stratum)
        {
            public readonly int[] Items = plan.StratumItems;
            public readonly int ItemStart = plan.ItemStarts[stratum];
            public readonly int EntryCount = plan.NegativeStarts[stratum + 1] - plan.NegativeStarts[stratum];
            private readonly int[] _entryEnds = plan.EntryEnds;
            private readonly int[] _guide = plan.Guide;
            private readonly int _itemCount = plan.ItemStarts[stratum + 1] - plan.ItemStarts[stratum];
            private readonly int _entryStart = plan.NegativeStarts[stratum];

            /// <summary>The position of the item at entry <paramref name="r"/> of the stratum (in <c>[0, EntryCount)</c>).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Find(int r) =>
                BprSamplingPlan.FindNegative(_entryEnds, _guide, ItemStart, _itemCount, _entryStart, EntryCount, _entryStart + r);
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
