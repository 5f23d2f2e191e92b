using MovieRecs.Sparse;

namespace MovieRecs.Tests;

/// <summary>
/// Seeded random user x item matrices for the model facts: ratings 1 to 5, optionally some negative. (Properties draw
/// shrinkable matrices instead: <c>TrainingCase</c> in Generators.)
/// </summary>
internal static class TestMatrices
{
    public static CsrMatrix Random(int seed, int users, int items, double density, bool negatives = false, int minRating = 1)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var u = 0; u < users; u++)
        {
            for (var i = 0; i < items; i++)
            {
                if (random.NextDouble() < density)
                {
                    rows.Add(u);
                    columns.Add(i);
                    var value = random.Next(minRating, 6);
                    values.Add(negatives && random.Next(4) == 0 ? -value : value);
                }
            }
        }

        return CsrMatrix.FromTriplets(users, items, rows.ToArray(), columns.ToArray(), values.ToArray());
    }
}
