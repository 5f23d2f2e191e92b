using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Bpr;

/// <summary>
/// A plain serial BPR, column by column over dense arrays, as <c>implicit</c>'s CPU loop reads: the reference a
/// one-thread fit must equal. It draws from the same seeded streams as the library (the initial factors from stream
/// 0, the samples from stream 1) so the two see the same samples.
/// </summary>
internal static class NaiveBpr
{
    /// <summary>The user and item rows (<paramref name="factors"/> + 1 columns each, row-major) after the fit.</summary>
    public static (float[] Users, float[] Items) Fit(
        CsrMatrix userItems, int factors, float learningRate, float regularization, int iterations, bool verify, int seed)
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
        var init = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)seed, 0));
        for (var i = 0; i < items; i++)
        {
            var liked = itemIds.Contains(i);
            for (var c = 0; c < columns; c++)
            {
                var r = (init.NextUInt64() >> 40) / 16777216f;
                y[(i * columns) + c] = liked ? (r - 0.5f) / factors : 0f;
            }
        }

        for (var u = 0; u < users; u++)
        {
            var any = userIds.Contains(u);
            for (var c = 0; c < columns; c++)
            {
                var r = (init.NextUInt64() >> 40) / 16777216f;
                x[(u * columns) + c] = any ? (r - 0.5f) / factors : 0f;
            }

            x[(u * columns) + factors] = 1f;
        }

        var samples = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed((ulong)(uint)seed, 1));
        var count = userIds.Count;
        for (var epoch = 0; epoch < iterations; epoch++)
        {
            for (var s = 0; s < count; s++)
            {
                var liked = samples.NextInt(count);
                var disliked = samples.NextInt(count);
                var u = userIds[liked];
                var i = itemIds[liked];
                var j = itemIds[disliked];
                if (verify && userItems.GetColumnIndices(u).Contains(j))
                {
                    continue;
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

        return (x, y);
    }
}
