using MovieRecs.Internal;
using MovieRecs.LogisticMf;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.LogisticMf;

/// <summary>
/// A deliberately plain, serial logistic MF written from <c>implicit</c>'s <c>lmf_update</c>: dense
/// <c>float[,]</c> factors, one row after the other, each sum from the first factor to the last. It shares with the
/// library only the definition of the random streams (the seeds of <see cref="LogisticMfTrainer.InitialSeed"/> and
/// <see cref="LogisticMfTrainer.RowSeed"/> fed to xoshiro256**).
/// </summary>
internal static class NaiveLogisticMf
{
    public static (float[,] Users, float[,] Items) Fit(CsrMatrix userItems, LogisticMfOptions options)
    {
        var users = userItems.RowCount;
        var items = userItems.ColumnCount;
        var columns = options.Factors + 2;

        // Each side's rows as (other, value) lists in stored order, and the side's sampling pool: all stored "other"
        // indices, row after row. The item lists take users in increasing order.
        var userRows = new List<(int Other, float Value)>[users];
        var itemRows = new List<(int Other, float Value)>[items];
        for (var i = 0; i < items; i++)
        {
            itemRows[i] = [];
        }

        for (var u = 0; u < users; u++)
        {
            userRows[u] = [];
            var cols = userItems.GetColumnIndices(u);
            var vals = userItems.GetValues(u);
            for (var p = 0; p < cols.Length; p++)
            {
                userRows[u].Add((cols[p], vals[p]));
            }
        }

        for (var u = 0; u < users; u++)
        {
            foreach (var (item, value) in userRows[u])
            {
                itemRows[item].Add((u, value));
            }
        }

        var userPool = userRows.SelectMany(r => r.Select(e => e.Other)).ToArray();
        var itemPool = itemRows.SelectMany(r => r.Select(e => e.Other)).ToArray();

        var x = new float[users, columns];
        var y = new float[items, columns];
        var rng = new Xoshiro256StarStar(LogisticMfTrainer.InitialSeed(options.Seed));
        Draw(y, itemRows, columns - 1, ref rng);
        Draw(x, userRows, columns - 2, ref rng);

        var userSquares = new float[users, columns];
        var itemSquares = new float[items, columns];
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            Pass(x, y, userRows, userPool, userSquares, options, iteration, 0);
            for (var u = 0; u < users; u++)
            {
                x[u, columns - 2] = 1f;
            }

            Pass(y, x, itemRows, itemPool, itemSquares, options, iteration, 1);
            for (var i = 0; i < items; i++)
            {
                y[i, columns - 1] = 1f;
            }
        }

        return (x, y);
    }

    private static void Draw(float[,] factors, List<(int Other, float Value)>[] rows, int constant, ref Xoshiro256StarStar rng)
    {
        for (var r = 0; r < factors.GetLength(0); r++)
        {
            for (var f = 0; f < factors.GetLength(1); f++)
            {
                factors[r, f] = (float)rng.NextGaussian();
            }

            factors[r, constant] = 1f;
            if (rows[r].Count == 0)
            {
                for (var f = 0; f < factors.GetLength(1); f++)
                {
                    factors[r, f] = 0f;
                }
            }
        }
    }

    private static void Pass(
        float[,] own, float[,] other, List<(int Other, float Value)>[] rows, int[] pool, float[,] squares, LogisticMfOptions options, int iteration, int side)
    {
        var columns = own.GetLength(1);
        var reg = (float)options.Regularization;
        var lr = (double)(float)options.LearningRate;
        for (var r = 0; r < rows.Length; r++)
        {
            if (rows[r].Count == 0)
            {
                continue;
            }

            var deriv = new float[columns];
            foreach (var (j, value) in rows[r])
            {
                // d/dx of r·log σ(x·y): r·(1 − σ(x·y))·y = r·σ(−x·y)·y
                var z = value * Sigmoid(-Dot(own, r, other, j));
                for (var f = 0; f < columns; f++)
                {
                    deriv[f] += z * other[j, f];
                }
            }

            var negatives = Math.Min(rows[r].Count * options.NegativeProportion, columns);
            var rng = new Xoshiro256StarStar(LogisticMfTrainer.RowSeed(options.Seed, iteration, side, r));
            for (var s = 0; s < negatives; s++)
            {
                var j = pool[rng.NextInt(pool.Length)];
                var z = Sigmoid(Dot(own, r, other, j));
                for (var f = 0; f < columns; f++)
                {
                    deriv[f] -= z * other[j, f];
                }
            }

            for (var f = 0; f < columns; f++)
            {
                deriv[f] -= reg * own[r, f];
                squares[r, f] += deriv[f] * deriv[f];
                own[r, f] = (float)(own[r, f] + (lr / Math.Sqrt(1e-6 + squares[r, f]) * deriv[f]));
            }
        }
    }

    private static float Dot(float[,] a, int row, float[,] b, int otherRow)
    {
        var sum = 0f;
        for (var f = 0; f < a.GetLength(1); f++)
        {
            sum += a[row, f] * b[otherRow, f];
        }

        return sum;
    }

    private static float Sigmoid(float value) =>
        value >= 0 ? (float)(1.0 / (1.0 + Math.Exp(-(double)value))) : (float)(Math.Exp(value) / (1.0 + Math.Exp(value)));
}
