using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

public sealed partial class TrainTestSplit
{
    /// <summary>
    /// Holds out <paramref name="k"/> interactions of every user, chosen at random: the leave-k-out protocol
    /// (leave-one-out for <paramref name="k"/> = 1). Users with at most <paramref name="k"/> interactions stay
    /// entirely in the training matrix, so every user keeps at least one training interaction.
    /// </summary>
    /// <param name="interactions">The user x item interactions to split.</param>
    /// <param name="k">The number of interactions held out per user (at least 1).</param>
    /// <param name="seed">A non-negative seed; the same seed gives the same split.</param>
    /// <returns>The split; <see cref="Users"/> and <see cref="Items"/> are <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="interactions"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1 or
    /// <paramref name="seed"/> is negative.</exception>
    /// <exception cref="ArgumentException">The matrix has more than <see cref="Array.MaxLength"/> entries.</exception>
    /// <remarks>
    /// <para>Users are visited in row order; a user with <c>n &gt; k</c> interactions picks <paramref name="k"/>
    /// distinct positions of their row by a partial Fisher-Yates shuffle driven by a Mersenne Twister seeded with
    /// <paramref name="seed"/>, so the split depends only on the matrix and the seed. <c>Train + Test</c> is exactly
    /// <paramref name="interactions"/> and the two are disjoint.</para>
    /// <para>implicit's <c>leave_k_out_split</c> differs in two ways: it only holds out users with more than
    /// <c>k + 1</c> interactions, and its draw is not reproducible from the seed alone (it also reads numpy's global
    /// generator), so the held-out entries cannot match it one for one.</para>
    /// <para>O(nnz + rows) time; allocates the two result matrices and a scratch row.</para>
    /// </remarks>
    public static TrainTestSplit LeaveKOut(CsrMatrix interactions, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        CheckSplittable(interactions, nameof(interactions));

        var (testCount, longestRow) = CountHeldOut(interactions, k);
        var writer = new SplitWriter(interactions.RowCount, interactions.ColumnCount, (int)interactions.NonZeroCount - testCount, testCount);
        var random = new MersenneTwister((uint)seed);
        var order = new int[longestRow];
        var heldOut = new bool[longestRow];
        for (var row = 0; row < interactions.RowCount; row++)
        {
            var columns = interactions.GetColumnIndices(row);
            var values = interactions.GetValues(row);
            var n = columns.Length;
            heldOut.AsSpan(0, n).Clear();
            if (n > k)
            {
                for (var j = 0; j < n; j++)
                {
                    order[j] = j;
                }

                for (var j = 0; j < k; j++)
                {
                    var pick = j + random.NextInt32(n - j);
                    (order[j], order[pick]) = (order[pick], order[j]);
                    heldOut[order[j]] = true;
                }
            }

            WriteRow(writer, columns, values, heldOut);
        }

        var (train, test) = writer.ToMatrices();
        return new TrainTestSplit(train, test, users: null, items: null, droppedTestCount: 0);
    }

    /// <summary>
    /// Holds out the <paramref name="k"/> most recent interactions of every user of <paramref name="matrix"/>: the
    /// interactions are ordered by <paramref name="recency"/> (one key per stored entry, in storage order; a larger
    /// key is more recent). Users with at most <paramref name="k"/> interactions stay entirely in the training matrix.
    /// </summary>
    /// <remarks>The caller has checked the arguments and <see cref="CheckSplittable"/>.</remarks>
    internal static TrainTestSplit LeaveLatestKOut(CsrMatrix matrix, (long Time, int Line)[] recency, int k, IdIndex<int> users, IdIndex<int> items)
    {
        var (testCount, longestRow) = CountHeldOut(matrix, k);
        var writer = new SplitWriter(matrix.RowCount, matrix.ColumnCount, (int)matrix.NonZeroCount - testCount, testCount);
        var keys = new (long Time, int Line)[longestRow];
        var order = new int[longestRow];
        var heldOut = new bool[longestRow];
        var pointers = matrix.RowPointers;
        for (var row = 0; row < matrix.RowCount; row++)
        {
            var columns = matrix.GetColumnIndices(row);
            var values = matrix.GetValues(row);
            var n = columns.Length;
            heldOut.AsSpan(0, n).Clear();
            if (n > k)
            {
                var first = (int)pointers[row];
                for (var j = 0; j < n; j++)
                {
                    keys[j] = recency[first + j];
                    order[j] = j;
                }

                keys.AsSpan(0, n).Sort(order.AsSpan(0, n));
                for (var j = n - k; j < n; j++)
                {
                    heldOut[order[j]] = true;
                }
            }

            WriteRow(writer, columns, values, heldOut);
        }

        var (train, test) = writer.ToMatrices();
        return new TrainTestSplit(train, test, users, items, droppedTestCount: 0);
    }

    /// <summary>The number of entries a leave-k-out split holds out, and the longest row.</summary>
    private static (int HeldOut, int LongestRow) CountHeldOut(CsrMatrix interactions, int k)
    {
        var heldOut = 0L;
        var longest = 0;
        var pointers = interactions.RowPointers;
        for (var row = 0; row < interactions.RowCount; row++)
        {
            var n = (int)(pointers[row + 1] - pointers[row]);
            longest = Math.Max(longest, n);
            heldOut += n > k ? k : 0;
        }

        return ((int)heldOut, longest);
    }

    private static void WriteRow(SplitWriter writer, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, ReadOnlySpan<bool> heldOut)
    {
        for (var j = 0; j < columns.Length; j++)
        {
            if (heldOut[j])
            {
                writer.AddTest(columns[j], values[j]);
            }
            else
            {
                writer.AddTrain(columns[j], values[j]);
            }
        }

        writer.EndRow();
    }
}
