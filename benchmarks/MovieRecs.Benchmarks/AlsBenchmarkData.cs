using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Seeded synthetic implicit-feedback matrices shaped like MovieLens after keeping ratings ≥ 3 (value = rating):
/// heavy-tailed user activity, Zipf-like item popularity, ratings 3 to 5 from a low-rank affinity plus noise.
/// </summary>
public static class AlsBenchmarkData
{
    /// <summary>The ml-1m shape: 6,040 users, 3,706 movies, about 836k ratings ≥ 3.</summary>
    public static CsrMatrix Ml1mShaped(int seed = 1) => Generate(6040, 3706, 836_478, seed);

    /// <summary>The ml-20m shape: 138,493 users, 26,744 movies, about 16.5M ratings ≥ 3.</summary>
    public static CsrMatrix Ml20mShaped(int seed = 1) => Generate(138_493, 26_744, 16_500_000, seed);

    /// <summary>A matrix of the given shape with about <paramref name="ratings"/> entries.</summary>
    public static CsrMatrix Generate(int users, int items, long ratings, int seed)
    {
        var random = new Random(seed);
        const int rank = 8;
        var userTaste = RandomMatrix(random, users, rank);
        var itemTaste = RandomMatrix(random, items, rank);

        // Popularity: Zipf-like over a random permutation of the items.
        var order = Enumerable.Range(0, items).ToArray();
        random.Shuffle(order);
        var cumulative = new double[items];
        double total = 0;
        for (var rankIndex = 0; rankIndex < items; rankIndex++)
        {
            total += 1.0 / Math.Pow(rankIndex + 10, 0.95);
            cumulative[rankIndex] = total;
        }

        // Activity: log-normal, scaled to the target mean, at least 15 and at most 40% of the items.
        var activity = new double[users];
        double activitySum = 0;
        for (var u = 0; u < users; u++)
        {
            activity[u] = Math.Exp(1.0 * Gaussian(random));
            activitySum += activity[u];
        }

        var maxPerUser = Math.Max(1, items * 2 / 5);
        var rows = new List<int>(checked((int)(ratings * 11 / 10)));
        var columns = new List<int>(rows.Capacity);
        var values = new List<float>(rows.Capacity);
        var taken = new bool[items];
        var chosen = new List<int>();
        for (var u = 0; u < users; u++)
        {
            var count = (int)Math.Clamp(Math.Round(activity[u] / activitySum * ratings), Math.Min(15, maxPerUser), maxPerUser);
            chosen.Clear();
            while (chosen.Count < count)
            {
                var target = random.NextDouble() * total;
                var position = Array.BinarySearch(cumulative, target);
                var item = order[position < 0 ? Math.Min(items - 1, ~position) : position];
                if (!taken[item])
                {
                    taken[item] = true;
                    chosen.Add(item);
                }
            }

            foreach (var item in chosen)
            {
                taken[item] = false;
                double affinity = 0;
                for (var f = 0; f < rank; f++)
                {
                    affinity += userTaste[(u * rank) + f] * itemTaste[(item * rank) + f];
                }

                var rating = Math.Clamp(Math.Round(4 + affinity + (0.7 * Gaussian(random))), 3, 5);
                rows.Add(u);
                columns.Add(item);
                values.Add((float)rating);
            }
        }

        return CsrMatrix.FromTriplets(users, items, rows.ToArray(), columns.ToArray(), values.ToArray());
    }

    private static double[] RandomMatrix(Random random, int rows, int rank)
    {
        var result = new double[rows * rank];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Gaussian(random) / Math.Sqrt(rank);
        }

        return result;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
