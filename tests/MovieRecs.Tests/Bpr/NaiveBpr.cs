using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Bpr;

/// <summary>
/// A plain serial BPR, column by column over dense arrays, as <c>implicit</c>'s CPU loop reads, in the library's
/// blocked order: the reference a one-thread fit must equal. Users are cut into <c>B</c> blocks where the running
/// count of entries passes <c>b · nnz / B</c>, items (by decreasing count, ties to the lower index) dealt back and
/// forth into <c>B</c> strata; an epoch is <c>B</c> sub-epochs, and in sub-epoch <c>s</c> block <c>b</c> (in order)
/// draws as many samples as it has entries in stratum <c>(b + s) mod B</c>: a uniformly random one of those entries
/// (in matrix order), then a negative, the item at a uniformly random place of that stratum's entries listed by item.
/// It draws from the same seeded streams as the library (the initial factors from stream 0, block <c>b</c>'s samples
/// from stream <c>b + 1</c>) so the two see the same samples. With one block it is <c>implicit</c>'s serial loop.
/// </summary>
internal static class NaiveBpr
{
    /// <summary>The user and item rows (<paramref name="factors"/> + 1 columns each, row-major) after the fit.</summary>
    public static (float[] Users, float[] Items) Fit(
        CsrMatrix userItems, int factors, float learningRate, float regularization, int iterations, bool verify, int seed, int blocks = 1)
    {
        var users = userItems.RowCount;
        var items = userItems.ColumnCount;
        var columns = factors + 1;
        var userIds = new List<int>();
        var itemIds = new List<int>();
        for (var u = 0; u < users; u++)
        {
            foreach (var i in userItems.GetColumnIndices(u))
            {
                userIds.Add(u);
                itemIds.Add(i);
            }
        }

        var x = new float[users * columns];
        var y = new float[items * columns];
        var init = new NumPyPcg64(unchecked((uint)seed));
        for (var i = 0; i < items; i++)
        {
            var liked = itemIds.Contains(i);
            for (var c = 0; c < columns; c++)
            {
                var r = (init.NextUInt32() >> 8) / 16777216f;
                y[(i * columns) + c] = liked ? (r - 0.5f) / factors : 0f;
            }
        }

        for (var u = 0; u < users; u++)
        {
            var any = userIds.Contains(u);
            for (var c = 0; c < columns; c++)
            {
                var r = (init.NextUInt32() >> 8) / 16777216f;
                x[(u * columns) + c] = any ? (r - 0.5f) / factors : 0f;
            }

            x[(u * columns) + factors] = 1f;
        }

        var nonZeros = userIds.Count;
        var itemCounts = new int[items];
        foreach (var i in itemIds)
        {
            itemCounts[i]++;
        }

        var byCount = Enumerable.Range(0, items).OrderByDescending(i => itemCounts[i]).ThenBy(i => i).ToArray();
        var stratumOf = new int[items];
        for (var r = 0; r < items; r++)
        {
            stratumOf[byCount[r]] = (r / blocks) % 2 == 0 ? r % blocks : blocks - 1 - (r % blocks);
        }

        // tiles[b][k]: the entries (indices into userIds / itemIds) of user block b and item stratum k, in matrix
        // order; negatives[k]: stratum k's entries' items, sorted.
        var tiles = new List<int>[blocks, blocks];
        var negatives = new List<int>[blocks];
        for (var b = 0; b < blocks; b++)
        {
            negatives[b] = [];
            for (var k = 0; k < blocks; k++)
            {
                tiles[b, k] = [];
            }
        }

        var before = 0;
        var blockOf = new int[users];
        for (var u = 0; u < users; u++)
        {
            blockOf[u] = Math.Min(blocks - 1, (int)((long)before * blocks / Math.Max(1, nonZeros)));
            before += userItems.GetRowNonZeroCount(u);
        }

        for (var e = 0; e < nonZeros; e++)
        {
            tiles[blockOf[userIds[e]], stratumOf[itemIds[e]]].Add(e);
            negatives[stratumOf[itemIds[e]]].Add(itemIds[e]);
        }

        foreach (var list in negatives)
        {
            list.Sort();
        }

        var streams = new Xoshiro256StarStar[blocks];
        for (var b = 0; b < blocks; b++)
        {
            streams[b] = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)seed, (ulong)b + 1));
        }

        for (var epoch = 0; epoch < iterations; epoch++)
        {
            for (var subEpoch = 0; subEpoch < blocks; subEpoch++)
            {
                for (var b = 0; b < blocks; b++)
                {
                    var k = (b + subEpoch) % blocks;
                    var tile = tiles[b, k];
                    for (var s = 0; s < tile.Count; s++)
                    {
                        var liked = tile[streams[b].NextInt(tile.Count)];
                        var u = userIds[liked];
                        var i = itemIds[liked];
                        var j = negatives[k][streams[b].NextInt(negatives[k].Count)];
                        Step(userItems, x, y, columns, factors, learningRate, regularization, verify, u, i, j);
                    }
                }
            }
        }

        return (x, y);
    }

    private static void Step(
        CsrMatrix userItems, float[] x, float[] y, int columns, int factors, float learningRate, float regularization, bool verify, int u, int i, int j)
    {
        if (verify && userItems.GetColumnIndices(u).Contains(j))
        {
            return;
        }

        int xu = u * columns, yi = i * columns, yj = j * columns;
        var score = 0f;
        for (var c = 0; c < columns; c++)
        {
            score += x[xu + c] * (y[yi + c] - y[yj + c]);
        }

        var z = (float)(1.0 / (1.0 + Math.Exp(score)));
        for (var c = 0; c < factors; c++)
        {
            var temp = x[xu + c];
            x[xu + c] += learningRate * ((z * (y[yi + c] - y[yj + c])) - (regularization * x[xu + c]));
            y[yi + c] += learningRate * ((z * temp) - (regularization * y[yi + c]));
            y[yj + c] += learningRate * ((-z * temp) - (regularization * y[yj + c]));
        }

        y[yi + factors] += learningRate * (z - (regularization * y[yi + factors]));
        y[yj + factors] += learningRate * (-z - (regularization * y[yj + factors]));
    }
}
