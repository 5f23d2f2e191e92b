using MovieRecs.Internal;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

/// <summary>
/// Measures how well a model ranks held-out interactions: for every user with test items, asks the model for its
/// top K items (the user's training items excluded) and scores the list against the test items with implicit's
/// ranking metrics (<c>implicit.evaluation.ranking_metrics_at_k</c>).
/// </summary>
/// <remarks>
/// Evaluation goes through <see cref="IRecommender"/> only, so a model and a baseline such as
/// <see cref="PopularityRecommender"/> are measured the same way. Users are scored in parallel; the sums are formed
/// per fixed block of users and combined in block order, so the metrics are bit for bit the same for any number of
/// threads and any machine with the same model outputs.
/// </remarks>
public static class RankingEvaluator
{
    /// <summary>Users (rows) per block: the unit of parallel work and of summation.</summary>
    internal const int UsersPerBlock = 64;

    /// <summary>Evaluates <paramref name="model"/> on a split: <see cref="TrainTestSplit.Train"/> is filtered from the
    /// rankings and <see cref="TrainTestSplit.Test"/> holds the relevant items.</summary>
    /// <param name="model">The model, fitted on <see cref="TrainTestSplit.Train"/>.</param>
    /// <param name="split">The split.</param>
    /// <param name="k">The cut-off K (at least 1; implicit's default is 10).</param>
    /// <param name="options">Parallelism; <see cref="EvaluationOptions.Default"/> when null.</param>
    /// <param name="progress">Receives the number of users evaluated so far, after each block of users.</param>
    /// <param name="cancellationToken">Stops the evaluation between blocks of users.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="split"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1 or an option is out of range.</exception>
    /// <exception cref="ArgumentException">The model's shape does not fit the split, or no user has a test item.</exception>
    /// <exception cref="InvalidOperationException">The model broke the <see cref="IRecommender"/> contract (an item
    /// out of range, returned twice or excluded); the message names the user and the item.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>See <see cref="Evaluate(IRecommender, CsrMatrix, CsrMatrix, int, EvaluationOptions?, IProgress{int}?, CancellationToken)"/>.</remarks>
    public static RankingMetrics Evaluate(IRecommender model, TrainTestSplit split, int k = 10, EvaluationOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        return Evaluate(model, split.Train, split.Test, k, options, progress, cancellationToken);
    }

    /// <summary>
    /// Evaluates <paramref name="model"/>: every user with a test item gets the model's top <paramref name="k"/>
    /// items, their training items excluded, and the list is scored against their test items.
    /// </summary>
    /// <param name="model">The model, fitted on <paramref name="train"/>.</param>
    /// <param name="train">The training interactions; each user's row is passed to the model as the items to exclude.</param>
    /// <param name="test">The held-out interactions, same shape as <paramref name="train"/>; a user's stored entries
    /// are the relevant items (values are ignored).</param>
    /// <param name="k">The cut-off K (at least 1; implicit's default is 10).</param>
    /// <param name="options">Parallelism; <see cref="EvaluationOptions.Default"/> when null.</param>
    /// <param name="progress">Receives the number of users evaluated so far, after each block of users (from worker
    /// threads; with several threads the reports may arrive out of order).</param>
    /// <param name="cancellationToken">Stops the evaluation between blocks of users.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="train"/> or <paramref name="test"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1 or an option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> and <paramref name="test"/> differ in shape, the
    /// model has a different item count or fewer users, or no user has a test item.</exception>
    /// <exception cref="InvalidOperationException">The model broke the <see cref="IRecommender"/> contract (an item
    /// out of range, returned twice or excluded); the message names the user and the item.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>The definitions are implicit's (see <see cref="RankingMetrics"/>): users without test items are skipped,
    /// <see cref="RankingMetrics.ImplicitPrecision"/> is a micro average, the other metrics are means over the
    /// evaluated users, and the AUC counts the test matrix's column count as the item universe. Exceptions thrown by
    /// the model propagate unwrapped.</para>
    /// <para>Two edge cases that implicit leaves undefined are made explicit here. When the model returns fewer than
    /// K items (the user has fewer than K candidates) the empty places are neither hits nor misses (implicit reads
    /// them as item -1 and counts them as misses, which can push its AUC outside [0, 1]); precision still divides by
    /// K. A user whose test items are every item has no negatives; implicit divides by zero there, here that user's
    /// AUC is 1.</para>
    /// <para>Cost: one <see cref="IRecommender.Recommend"/> call per test user plus O(K + |train row| + |test row|)
    /// per user, without allocation; each worker thread allocates two int arrays of the item count and the K-long
    /// buffers once. Parallel over contiguous blocks of 64 users.</para>
    /// </remarks>
    public static RankingMetrics Evaluate(IRecommender model, CsrMatrix train, CsrMatrix test, int k = 10, EvaluationOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        options ??= EvaluationOptions.Default;
        options.Validate();
        CheckShapes(model, train, test);
        cancellationToken.ThrowIfCancellationRequested();

        // No list is longer than the item count, so a K beyond it (int.MaxValue, say) needs no more places than that.
        var places = Math.Min(k, test.ColumnCount);
        var gains = new double[places];
        var idealGains = new double[places];
        var idealSum = 0.0;
        for (var i = 0; i < places; i++)
        {
            gains[i] = 1.0 / Math.Log2(i + 2);
            idealSum += gains[i];
            idealGains[i] = idealSum;
        }

        var context = new EvaluationContext(model, train, test, k, places, gains, idealGains);
        var blockCount = (test.RowCount + UsersPerBlock - 1) / UsersPerBlock;
        var blocks = new MetricSums[blockCount];
        var evaluated = 0;
        var parallelOptions = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };

        try
        {
            Parallel.For(
                0,
                blockCount,
                parallelOptions,
                () => new Worker(places, test.ColumnCount),
                (block, _, worker) =>
                {
                    blocks[block] = worker.ScoreBlock(context, block);
                    var done = Interlocked.Add(ref evaluated, blocks[block].Users);
                    progress?.Report(done);
                    return worker;
                },
                static _ => { });
        }
        catch (AggregateException e)
        {
            ThrowHelper.ThrowFirstInner(e);
        }

        var total = default(MetricSums);
        foreach (ref readonly var block in blocks.AsSpan())
        {
            total.Add(block);
        }

        if (total.Users == 0)
        {
            ThrowHelper.ThrowArgument(nameof(test), "No user has a test item: there is nothing to evaluate.");
        }

        double users = total.Users;
        return new RankingMetrics(
            K: k,
            UserCount: total.Users,
            Hits: total.Hits,
            ImplicitPrecision: total.Hits / (double)total.IdealHits,
            Precision: total.Precision / users,
            Recall: total.Recall / users,
            MeanAveragePrecision: total.AveragePrecision / users,
            Ndcg: total.Ndcg / users,
            Auc: total.Auc / users);
    }

    private static void CheckShapes(IRecommender model, CsrMatrix train, CsrMatrix test)
    {
        if (train.RowCount != test.RowCount || train.ColumnCount != test.ColumnCount)
        {
            ThrowHelper.ThrowArgument(nameof(test), $"test is {test.RowCount} x {test.ColumnCount} but train is {train.RowCount} x {train.ColumnCount}; they must have the same shape.");
        }

        if (model.ItemCount != test.ColumnCount)
        {
            ThrowHelper.ThrowArgument(nameof(model), $"The model knows {model.ItemCount} items but the matrices have {test.ColumnCount} columns.");
        }

        if (model.UserCount < test.RowCount)
        {
            ThrowHelper.ThrowArgument(nameof(model), $"The model knows {model.UserCount} users but the matrices have {test.RowCount} rows.");
        }
    }

    /// <summary>The read-only inputs shared by all workers.</summary>
    private sealed class EvaluationContext(IRecommender model, CsrMatrix train, CsrMatrix test, int k, int places, double[] gains, double[] idealGains)
    {
        public IRecommender Model { get; } = model;

        public CsrMatrix Train { get; } = train;

        public CsrMatrix Test { get; } = test;

        public int K { get; } = k;

        /// <summary>The places a list can fill: the smaller of <see cref="K"/> and the item count.</summary>
        public int Places { get; } = places;

        /// <summary>The discounted gain of each place: 1 / log2(place + 1), places from 1.</summary>
        public double[] Gains { get; } = gains;

        /// <summary>The ideal DCG of n relevant items at index n - 1: the running sum of <see cref="Gains"/>.</summary>
        public double[] IdealGains { get; } = idealGains;
    }

    /// <summary>Sums of the per-user metrics over a block of users.</summary>
    private struct MetricSums
    {
        public int Users;
        public long Hits;
        public long IdealHits;
        public double Precision;
        public double Recall;
        public double AveragePrecision;
        public double Ndcg;
        public double Auc;

        public void Add(in MetricSums other)
        {
            Users += other.Users;
            Hits += other.Hits;
            IdealHits += other.IdealHits;
            Precision += other.Precision;
            Recall += other.Recall;
            AveragePrecision += other.AveragePrecision;
            Ndcg += other.Ndcg;
            Auc += other.Auc;
        }
    }

    /// <summary>One thread's scratch: the recommendation buffers and two stamp arrays over the items.</summary>
    private sealed class Worker
    {
        private readonly int[] _items;
        private readonly float[] _scores;

        /// <summary><c>_relevant[item] == _stamp</c>: the item is a test item of the current user.</summary>
        private readonly int[] _relevant;

        /// <summary><c>_state[item] == _stamp</c>: excluded for the current user; <c>== -_stamp</c>: already listed.</summary>
        private readonly int[] _state;
        private int _stamp;

        public Worker(int places, int itemCount)
        {
            _items = new int[places];
            _scores = new float[places];
            _relevant = new int[itemCount];
            _state = new int[itemCount];
        }

        public MetricSums ScoreBlock(EvaluationContext context, int block)
        {
            var sums = default(MetricSums);
            var end = Math.Min(context.Test.RowCount, (block + 1) * UsersPerBlock);
            for (var user = block * UsersPerBlock; user < end; user++)
            {
                var relevant = context.Test.GetColumnIndices(user);
                if (!relevant.IsEmpty)
                {
                    ScoreUser(context, user, relevant, ref sums);
                }
            }

            return sums;
        }

        private void ScoreUser(EvaluationContext context, int user, ReadOnlySpan<int> relevantItems, ref MetricSums sums)
        {
            var k = context.K;
            var excluded = context.Train.GetColumnIndices(user);
            var count = context.Model.Recommend(user, excluded, _items, _scores);
            if ((uint)count > (uint)context.Places)
            {
                ThrowHelper.ThrowInvalidOperation($"The model returned {count} items for user {user}; between 0 and {context.Places} were asked for.");
            }

            var stamp = NextStamp();
            foreach (var item in relevantItems)
            {
                _relevant[item] = stamp;
            }

            foreach (var item in excluded)
            {
                _state[item] = stamp;
            }

            // implicit's loop over the K places, with places beyond the returned list left empty.
            var gains = context.Gains;
            int hits = 0, misses = 0;
            double averagePrecision = 0, dcg = 0, aucAbove = 0;
            for (var place = 0; place < count; place++)
            {
                var item = _items[place];
                CheckItem(user, item, stamp);
                _state[item] = -stamp;
                if (_relevant[item] == stamp)
                {
                    hits++;
                    averagePrecision += hits / (double)(place + 1);
                    dcg += gains[place];
                }
                else
                {
                    misses++;
                    aucAbove += hits;
                }
            }

            var positives = relevantItems.Length;
            var negatives = context.Test.ColumnCount - positives;
            var idealHits = Math.Min(k, positives);
            double auc = 1.0;
            if (negatives > 0)
            {
                auc = (aucAbove + ((hits + (double)positives) / 2.0 * (negatives - misses))) / ((double)positives * negatives);
            }

            sums.Users++;
            sums.Hits += hits;
            sums.IdealHits += idealHits;
            sums.Precision += hits / (double)k;
            sums.Recall += hits / (double)positives;
            sums.AveragePrecision += averagePrecision / idealHits;
            sums.Ndcg += dcg / context.IdealGains[idealHits - 1];
            sums.Auc += auc;
        }

        private void CheckItem(int user, int item, int stamp)
        {
            if ((uint)item >= (uint)_state.Length)
            {
                ThrowHelper.ThrowInvalidOperation($"The model recommended item {item} to user {user}; items are in [0, {_state.Length}).");
            }

            if (_state[item] == stamp)
            {
                ThrowHelper.ThrowInvalidOperation($"The model recommended item {item} to user {user}, who asked to exclude it.");
            }

            if (_state[item] == -stamp)
            {
                ThrowHelper.ThrowInvalidOperation($"The model recommended item {item} to user {user} twice.");
            }
        }

        private int NextStamp()
        {
            if (_stamp == int.MaxValue)
            {
                Array.Clear(_relevant);
                Array.Clear(_state);
                _stamp = 0;
            }

            return ++_stamp;
        }
    }
}
