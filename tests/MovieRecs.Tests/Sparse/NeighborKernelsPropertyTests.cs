using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Sparse;

/// <summary>
/// The all-pairs top-K kernel at every block width against a naive reference that sums each pair's products in
/// ascending user order (the order the kernel promises), compared bit for bit: weights of any sign (zeros and
/// negatives take the marked path), positive weights (the unmarked path, and the symmetric product that scores each
/// unordered pair once), blocks that cross 8 and 16 items and user bitmaps that cross 64 users, one and two threads.
/// </summary>
public class NeighborKernelsPropertyTests
{
    private static readonly SparseBuildOptions KeepZeros = new() { KeepExplicitZeros = true };

    /// <summary>An item x user pattern (1..20 items, 1..70 users) whose values become weights.</summary>
    public sealed record KernelCase(Triplets ItemUsers, int K, bool Positive)
    {
        /// <inheritdoc/>
        public override string ToString() => $"K = {K}, positive = {Positive}, {ItemUsers}";
    }

    public static class Arbitraries
    {
        public static Arbitrary<KernelCase> KernelCase() => Arb.From(
            from positive in Gen.Elements(true, false)
            from matrix in SparseGen.Matrices(1, 20, 1, 70, 0.5, positive ? SparseGen.HalfStars : SparseGen.Value, distinctCells: true)
            from k in Gen.Choose(1, matrix.RowCount + 1)
            select new KernelCase(matrix, k, positive),
            c => SparseGen.Shrink(c.ItemUsers, 1, 1)
                .Where(m => !c.Positive || m.Values.All(v => v > 0))
                .Select(m => c with { ItemUsers = m }));
    }

    [Property(MaxTest = 150, Arbitrary = new[] { typeof(Arbitraries) })]
    public bool AllPairsTopK_EveryWidthAndThreadCount_EqualsOrderedNaiveSums(KernelCase c)
    {
        var m = c.ItemUsers;
        var itemUsers = CsrMatrix.FromTriplets(m.RowCount, m.ColumnCount, m.Rows, m.Columns, m.Values, KeepZeros);
        var weights = Weights(itemUsers);
        var expected = Naive(itemUsers, weights, c.K);
        foreach (var lanes in NeighborKernels.Widths)
        {
            foreach (var threads in new[] { 1, 2 })
            {
                foreach (var symmetric in new[] { true, false })
                {
                    if (!NeighborKernels.AllPairsTopK(itemUsers, weights, c.K, threads, lanes, symmetric).ContentEquals(expected))
                    {
                        return false;
                    }
                }
            }
        }

        return NeighborKernels.AllPairsTopK(itemUsers, weights, c.K, -1).ContentEquals(expected);
    }

    /// <summary>A pattern large enough for many blocks per thread, contested heaps and popularity skew (item i has
    /// about 1/(1 + i/8) of the users), BM25 weights over star values (many equal scores): the symmetric product gives
    /// the full product's matrix bit for bit at every width and thread count, and K = 1 and K above the item count
    /// too.</summary>
    [Fact]
    public void AllPairsTopK_SymmetricOnSkewedBm25Pattern_EqualsFullProduct()
    {
        var random = new Random(7);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        const int Items = 150;
        const int Users = 400;
        for (var i = 0; i < Items; i++)
        {
            var share = 1.0 / (1 + (i / 8.0));
            for (var u = 0; u < Users; u++)
            {
                if (random.NextDouble() < share)
                {
                    rows.Add(i);
                    columns.Add(u);
                    values.Add(random.Next(1, 6));
                }
            }
        }

        var itemUsers = CsrMatrix.FromTriplets(Items, Users, rows.ToArray(), columns.ToArray(), values.ToArray());
        var weights = SparseWeighting.Bm25Values(itemUsers, 1.2, 0.75);
        foreach (var k in new[] { 1, 20, Items + 5 })
        {
            var expected = NeighborKernels.AllPairsTopK(itemUsers, weights, k, 1, 1, symmetric: false);
            Assert.True(expected.NonZeroCount >= Items);
            foreach (var lanes in NeighborKernels.Widths)
            {
                foreach (var threads in new[] { 1, 2 })
                {
                    Assert.True(NeighborKernels.AllPairsTopK(itemUsers, weights, k, threads, lanes, symmetric: true).ContentEquals(expected), $"K {k}, width {lanes}, {threads} threads");
                }
            }
        }
    }

    /// <summary>The symmetric product takes its transposed lists and heaps from the shared array pool, so a call
    /// meets arrays that an earlier, larger call filled: alternating a large and a small pattern on one thread (the
    /// pool hands the same arrays back) gives each the matrix of the full product, which rents nothing; a read past
    /// the entries a call wrote itself would show as a different matrix.</summary>
    [Fact]
    public void AllPairsTopK_SymmetricAfterLargerCalls_IgnoresStaleRentedData()
    {
        var large = SkewedBm25(items: 150, users: 400, seed: 11);
        var small = SkewedBm25(items: 23, users: 90, seed: 12);
        var expectedLarge = NeighborKernels.AllPairsTopK(large.ItemUsers, large.Weights, 20, 1, 1, symmetric: false);
        var expectedSmall = NeighborKernels.AllPairsTopK(small.ItemUsers, small.Weights, 5, 1, 1, symmetric: false);
        for (var round = 0; round < 3; round++)
        {
            foreach (var lanes in NeighborKernels.Widths)
            {
                Assert.True(NeighborKernels.AllPairsTopK(large.ItemUsers, large.Weights, 20, 1, lanes, symmetric: true).ContentEquals(expectedLarge), $"large, width {lanes}");
                Assert.True(NeighborKernels.AllPairsTopK(small.ItemUsers, small.Weights, 5, 1, lanes, symmetric: true).ContentEquals(expectedSmall), $"small, width {lanes}");
            }
        }
    }

    /// <summary>An item x user pattern where item i has about 1/(1 + i/8) of the users, star values, BM25 weights.</summary>
    private static (CsrMatrix ItemUsers, double[] Weights) SkewedBm25(int items, int users, int seed)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var i = 0; i < items; i++)
        {
            var share = 1.0 / (1 + (i / 8.0));
            for (var u = 0; u < users; u++)
            {
                if (random.NextDouble() < share)
                {
                    rows.Add(i);
                    columns.Add(u);
                    values.Add(random.Next(1, 6));
                }
            }
        }

        var itemUsers = CsrMatrix.FromTriplets(items, users, rows.ToArray(), columns.ToArray(), values.ToArray());
        return (itemUsers, SparseWeighting.Bm25Values(itemUsers, 1.2, 0.75));
    }

    /// <summary>Weights that are not floats (a third of each value), so that a different summation order shows.</summary>
    private static double[] Weights(CsrMatrix itemUsers)
    {
        var weights = new double[itemUsers.NonZeroCount];
        var at = 0;
        for (var i = 0; i < itemUsers.RowCount; i++)
        {
            foreach (var v in itemUsers.GetValues(i))
            {
                weights[at++] = v / 3.0;
            }
        }

        return weights;
    }

    /// <summary>Every pair's products summed from +0 in ascending user order; the K largest kept (ties to the lower
    /// index), stored as floats in column order.</summary>
    private static CsrMatrix Naive(CsrMatrix itemUsers, double[] weights, int k)
    {
        var items = itemUsers.RowCount;
        var dense = new Dictionary<int, double>[items];
        var at = 0;
        for (var i = 0; i < items; i++)
        {
            dense[i] = [];
            foreach (var u in itemUsers.GetColumnIndices(i))
            {
                dense[i][u] = weights[at++];
            }
        }

        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var i = 0; i < items; i++)
        {
            var scored = new List<(double Score, int Item)>();
            for (var j = 0; j < items; j++)
            {
                var shared = dense[i].Keys.Where(dense[j].ContainsKey).Order().ToArray();
                if (shared.Length == 0)
                {
                    continue;
                }

                var sum = 0.0;
                foreach (var u in shared)
                {
                    sum += dense[i][u] * dense[j][u];
                }

                scored.Add((sum, j));
            }

            foreach (var (score, item) in scored.OrderByDescending(p => p.Score).ThenBy(p => p.Item).Take(k).OrderBy(p => p.Item))
            {
                rows.Add(i);
                columns.Add(item);
                values.Add((float)score);
            }
        }

        return CsrMatrix.FromTriplets(items, items, rows.ToArray(), columns.ToArray(), values.ToArray(), KeepZeros);
    }
}
