using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Sparse;

/// <summary>
/// Sparse kernels of the item-item nearest-neighbour models: the all-pairs similarity of item rows keeping the
/// <c>K</c> largest per item (<c>implicit</c>'s <c>all_pairs_knn</c>), in double precision, deterministic for any
/// number of threads.
/// </summary>
/// <remarks>
/// The product is Gustavson's, row by row, for a block of <c>lanes</c> items at once: the users of the block are
/// visited in ascending order, each user's weights for the block's items form one vector (zero where an item lacks
/// the user), and every item <c>j</c> of the user adds that vector times <c>w(j, u)</c> to its accumulator (one
/// multiply and one add per lane, never fused). A lane's sum therefore receives exactly the products of the one-item
/// product, in the same order, plus exact zeros (a sum starting at +0 never becomes −0, so adding ±0 leaves it
/// unchanged): every width gives the same bits as the scalar width 1. Blocks group items by popularity (most users
/// first), so that a heavy user's list is read once for several of its items.
/// </remarks>
internal static class NeighborKernels
{
    /// <summary>The block widths (items per pass) this build knows: 1 (scalar), 2 (Vector128), 4 (Vector256), 8
    /// (Vector512) and 16 (two Vector512); each runs on any CPU (wider vectors are emulated), so tests reach all of
    /// them.</summary>
    internal static readonly int[] Widths = [1, 2, 4, 8, 16];

    /// <summary>The block width for this hardware: two 512-bit vectors where they are accelerated (half the list
    /// steps of one, for the same accumulator bytes), else the widest accelerated vector.</summary>
    internal static int PreferredWidth =>
        Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 4 : Vector128.IsHardwareAccelerated ? 2 : 1;

    /// <summary>
    /// For every item <c>i</c> (a row of <paramref name="itemUsers"/>, weighted by <paramref name="itemWeights"/> in
    /// storage order), the dot products <c>s(i, j) = Σ_u w(i, u) w(j, u)</c> with every item <c>j</c> sharing a user
    /// (itself included), keeping the <paramref name="k"/> largest (ties to the lower item index). Returns the item x
    /// item similarity matrix, each row in column order.
    /// </summary>
    /// <param name="itemUsers">The item x user matrix.</param>
    /// <param name="itemWeights">The weight of each stored entry of <paramref name="itemUsers"/>, in storage order.</param>
    /// <param name="k">How many neighbours to keep per item.</param>
    /// <param name="maxDegreeOfParallelism">The most threads to use; -1 for all.</param>
    /// <param name="progress">Receives the number of items whose products are done, or null.</param>
    /// <param name="cancellationToken">Stops between blocks of items.</param>
    public static CsrMatrix AllPairsTopK(
        CsrMatrix itemUsers, double[] itemWeights, int k, int maxDegreeOfParallelism, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        AllPairsTopK(itemUsers, itemWeights, k, maxDegreeOfParallelism, PreferredWidth, symmetric: true, progress, cancellationToken);

    /// <summary><see cref="AllPairsTopK(CsrMatrix, double[], int, int, IProgress{int}?, CancellationToken)"/> with blocks of <paramref name="lanes"/> items
    /// (one of <see cref="Widths"/>); the result does not depend on it.</summary>
    internal static CsrMatrix AllPairsTopK(CsrMatrix itemUsers, double[] itemWeights, int k, int maxDegreeOfParallelism, int lanes) =>
        AllPairsTopK(itemUsers, itemWeights, k, maxDegreeOfParallelism, lanes, symmetric: true);

    /// <summary><see cref="AllPairsTopK(CsrMatrix, double[], int, int, int)"/>, scoring each unordered pair once when
    /// <paramref name="symmetric"/> allows it (every product positive, see <see cref="Symmetric"/>), or every ordered
    /// pair; the result does not depend on it.</summary>
    internal static CsrMatrix AllPairsTopK(
        CsrMatrix itemUsers, double[] itemWeights, int k, int maxDegreeOfParallelism, int lanes, bool symmetric, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keepAll = Math.Min(k, itemUsers.RowCount);
        if (symmetric && keepAll > 0 && (long)itemUsers.RowCount * keepAll <= SymmetricHeapLimit && AllProductsPositive(itemWeights))
        {
            return Symmetric(itemUsers, itemWeights, keepAll, maxDegreeOfParallelism, lanes, new BlockProgress(progress), cancellationToken);
        }

        var itemCount = itemUsers.RowCount;
        var userCount = itemUsers.ColumnCount;
        var (userPointers, userItems, userWeights) = Transpose(itemUsers, itemWeights);
        var keep = Math.Min(k, itemCount);
        var itemPointers = itemUsers.RowPointers.ToArray();
        var itemUserIndices = ColumnIndices(itemUsers);
        var order = ByPopularity(itemPointers);

        // The accumulators are laid out by popularity rank, so that the items of heavy users (mostly popular) share
        // a few cache lines; only the layout changes, not the order of any sum.
        var rank = new int[itemCount];
        for (var r = 0; r < itemCount; r++)
        {
            rank[order[r]] = r;
        }

        for (var x = 0; x < userItems.Length; x++)
        {
            userItems[x] = rank[userItems[x]];
        }

        var blockCount = (itemCount + lanes - 1) / lanes;
        var outColumns = new int[(long)itemCount * keep];
        var outValues = new float[(long)itemCount * keep];
        var outCounts = new int[itemCount];
        var positive = AllProductsPositive(itemWeights);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        var done = new BlockProgress(progress);
        Parallel.For(
            0,
            blockCount,
            options,
            () => new Scratch(itemCount, userCount, keep, lanes, symmetric: false),
            (block, _, scratch) =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Parallel.For stops taking blocks once it sees the token, but not always before a worker starts
                    // its next one; a block started after the cancellation does no work and reports nothing.
                    return scratch;
                }

                var first = block * lanes;
                var items = order.AsSpan(first, Math.Min(lanes, itemCount - first));
                LoadBlock(scratch, items, itemPointers, itemUserIndices, itemWeights);
                if (positive)
                {
                    Accumulate<Unmarked>(scratch, userPointers, userItems, userWeights, 0);
                }
                else
                {
                    Accumulate<Marked>(scratch, userPointers, userItems, userWeights, 0);
                }

                SelectAndStore(scratch, items, rank, positive, outColumns, outValues, outCounts);
                done.Add(items.Length);
                return scratch;
            },
            static _ => { });

        return Assemble(itemCount, keep, outColumns, outValues, outCounts);
    }

    /// <summary>The most heap entries (items x kept neighbours) for which each thread of <see cref="Symmetric"/> holds
    /// a heap per item (12 bytes an entry); beyond it the full product runs.</summary>
    private const long SymmetricHeapLimit = 1L << 22;

    /// <summary>
    /// The all-pairs top-K when every product is positive, scoring each unordered pair once. The dot product is
    /// symmetric bit for bit: <c>s(i, j)</c> and <c>s(j, i)</c> add the same products (multiplication commutes) in the
    /// same ascending user order. A block of items at popularity ranks <c>[r, r + lanes)</c> therefore sums only the
    /// items of rank at least <c>r</c> (each user's list is stored by descending rank, so the loop stops at the first
    /// lower rank); every such score enters the block's own heaps, and a score with an item past the block also
    /// enters that item's heap in the thread's transposed heaps. Each item's row is then the K best of its own heap
    /// and its transposed heaps of every thread. With positive scores (never NaN) the order "higher score, then lower
    /// index" is total, so the K best are one set whatever the order of the offers or the thread that took them: the
    /// result equals the full product's for any thread count.
    /// </summary>
    private static CsrMatrix Symmetric(
        CsrMatrix itemUsers, double[] itemWeights, int keep, int maxDegreeOfParallelism, int lanes, BlockProgress done, CancellationToken cancellationToken)
    {
        var itemCount = itemUsers.RowCount;
        var userCount = itemUsers.ColumnCount;
        var entryCount = (int)itemUsers.NonZeroCount;
        var itemPointers = itemUsers.PointerArray;
        var itemUserIndices = itemUsers.IndexArray;
        var order = ByPopularity(itemPointers);
        var rank = new int[itemCount];
        for (var r = 0; r < itemCount; r++)
        {
            rank[order[r]] = r;
        }

        // The transpose with each user's items as ranks, by descending rank (the weights follow), in rented arrays:
        // it lives for this call only.
        var userPointers = new long[userCount + 1];
        foreach (var u in itemUserIndices.AsSpan(0, entryCount))
        {
            userPointers[u + 1]++;
        }

        for (var u = 0; u < userCount; u++)
        {
            userPointers[u + 1] += userPointers[u];
        }

        var next = userPointers[..userCount];
        var userItems = ArrayPool<int>.Shared.Rent(entryCount);
        var userWeights = ArrayPool<double>.Shared.Rent(entryCount);
        var ownItems = ArrayPool<int>.Shared.Rent(itemCount * keep);
        var ownScores = ArrayPool<double>.Shared.Rent(itemCount * keep);
        var finished = new List<Scratch>();
        try
        {
            for (var r = itemCount - 1; r >= 0; r--)
            {
                var item = order[r];
                for (var a = (int)itemPointers[item]; a < (int)itemPointers[item + 1]; a++)
                {
                    var at = next[itemUserIndices[a]]++;
                    userItems[at] = r;
                    userWeights[at] = itemWeights[a];
                }
            }

            var blockCount = (itemCount + lanes - 1) / lanes;
            var ownCounts = new int[itemCount];
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
            Parallel.For(
                0,
                blockCount,
                options,
                () => new Scratch(itemCount, userCount, keep, lanes, symmetric: true),
                (block, _, scratch) =>
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return scratch;
                    }

                    var first = block * lanes;
                    var items = order.AsSpan(first, Math.Min(lanes, itemCount - first));
                    LoadBlock(scratch, items, itemPointers, itemUserIndices, itemWeights);
                    Accumulate<Unmarked>(scratch, userPointers, userItems, userWeights, first);
                    SelectSymmetric(scratch, items, first, order, ownItems, ownScores, ownCounts);
                    done.Add(items.Length);
                    return scratch;
                },
                scratch =>
                {
                    lock (finished)
                    {
                        finished.Add(scratch);
                    }
                });

            var outColumns = new int[(long)itemCount * keep];
            var outValues = new float[(long)itemCount * keep];
            var outCounts = new int[itemCount];
            Parallel.For(
                0,
                itemCount,
                options,
                () => (Items: new int[keep], Scores: new double[keep]),
                (item, _, heap) =>
                {
                    var count = 0;
                    var at = (int)((long)item * keep);
                    for (var t = 0; t < ownCounts[item]; t++)
                    {
                        Offer(heap.Items, heap.Scores, ref count, ownScores[at + t], ownItems[at + t]);
                    }

                    var position = rank[item];
                    var from = (int)((long)position * keep);
                    foreach (var scratch in finished)
                    {
                        for (var t = 0; t < scratch.OtherCounts[position]; t++)
                        {
                            Offer(heap.Items, heap.Scores, ref count, scratch.OtherScores[from + t], scratch.OtherItems[from + t]);
                        }
                    }

                    SortByColumn(heap.Items.AsSpan(0, count), heap.Scores.AsSpan(0, count), outColumns.AsSpan(at, count), outValues.AsSpan(at, count));
                    outCounts[item] = count;
                    return heap;
                },
                static _ => { });

            return Assemble(itemCount, keep, outColumns, outValues, outCounts);
        }
        finally
        {
            foreach (var scratch in finished)
            {
                scratch.Return();
            }

            ArrayPool<int>.Shared.Return(userItems);
            ArrayPool<double>.Shared.Return(userWeights);
            ArrayPool<int>.Shared.Return(ownItems);
            ArrayPool<double>.Shared.Return(ownScores);
        }
    }

    /// <summary>Offers the block's sums (ranks from <paramref name="first"/> on) to the block's own heaps and, for the
    /// items past the block, to the thread's transposed heaps; clears the accumulators; stores each lane's heap (any
    /// order) with its scores. A heap takes a score at least its threshold (the smallest positive double while it is
    /// not full, else its root's score), then decides ties by index exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SelectSymmetric(Scratch scratch, ReadOnlySpan<int> items, int first, int[] order, int[] ownItems, double[] ownScores, int[] ownCounts)
    {
        var lanes = scratch.Lanes;
        var keep = scratch.Keep;
        var heapItems = scratch.HeapItems;
        var heapScores = scratch.HeapScores;
        var counts = scratch.HeapCounts;
        var roots = scratch.Roots;
        var otherItems = scratch.OtherItems;
        var otherScores = scratch.OtherScores;
        var otherCounts = scratch.OtherCounts;
        var thresholds = scratch.Thresholds;
        counts.AsSpan().Clear();
        roots.AsSpan().Fill(double.Epsilon);
        var end = first + items.Length;
        ref var sumsRef = ref MemoryMarshal.GetReference(scratch.Sums);
        ref var rootsRef = ref MemoryMarshal.GetArrayDataReference(roots);
        for (var position = first; position < order.Length; position++)
        {
            ref var slot = ref Unsafe.Add(ref sumsRef, (nint)position * lanes);
            if (Above(ref slot, ref rootsRef, lanes, zero: true) == 0)
            {
                continue;
            }

            var other = order[position];
            var offers = AtLeast(ref slot, ref rootsRef, lanes);
            while (offers != 0)
            {
                var l = BitOperations.TrailingZeroCount(offers);
                offers &= offers - 1;
                var laneItems = heapItems.AsSpan(l * keep, keep);
                var laneScores = heapScores.AsSpan(l * keep, keep);
                Offer(laneItems, laneScores, ref counts[l], Unsafe.Add(ref slot, l), other);
                roots[l] = counts[l] == keep ? laneScores[0] : double.Epsilon;
            }

            if (position >= end)
            {
                var threshold = thresholds[position];
                var back = AtLeast(ref slot, threshold, lanes);
                if (back != 0)
                {
                    var from = (int)((long)position * keep);
                    var positionItems = otherItems.AsSpan(from, keep);
                    var positionScores = otherScores.AsSpan(from, keep);
                    do
                    {
                        var l = BitOperations.TrailingZeroCount(back);
                        back &= back - 1;
                        Offer(positionItems, positionScores, ref otherCounts[position], Unsafe.Add(ref slot, l), items[l]);
                    }
                    while (back != 0);

                    thresholds[position] = otherCounts[position] == keep ? positionScores[0] : double.Epsilon;
                }
            }

            ClearLanes(ref slot, lanes);
        }

        for (var l = 0; l < items.Length; l++)
        {
            var at = (int)((long)items[l] * keep);
            heapItems.AsSpan(l * keep, counts[l]).CopyTo(ownItems.AsSpan(at));
            heapScores.AsSpan(l * keep, counts[l]).CopyTo(ownScores.AsSpan(at));
            ownCounts[items[l]] = counts[l];
        }
    }

    /// <summary>Offers (score, item) to a heap of the worst at its root, which keeps the best <c>items.Length</c>
    /// by higher score, then lower index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Offer(Span<int> items, Span<double> scores, ref int count, double score, int item)
    {
        if (count < items.Length)
        {
            items[count] = item;
            scores[count] = score;
            SiftUp(items, scores, count);
            count++;
        }
        else if (Worse(scores[0], items[0], score, item))
        {
            items[0] = item;
            scores[0] = score;
            SiftDown(items, scores, count);
        }
    }

    /// <summary>Writes (item, score) pairs with distinct items in column order, the scores as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortByColumn(ReadOnlySpan<int> items, ReadOnlySpan<double> scores, Span<int> columns, Span<float> values)
    {
        for (var t = 0; t < items.Length; t++)
        {
            var column = items[t];
            var value = (float)scores[t];
            var n = t;
            while (n > 0 && columns[n - 1] > column)
            {
                columns[n] = columns[n - 1];
                values[n] = values[n - 1];
                n--;
            }

            columns[n] = column;
            values[n] = value;
        }
    }

    /// <summary>The lanes (bits) of <paramref name="sums"/> at least <paramref name="thresholds"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AtLeast(ref double sums, ref double thresholds, int lanes) =>
        lanes switch
        {
            16 => AtLeastEight(ref sums, ref thresholds) | (AtLeastEight(ref Unsafe.Add(ref sums, 8), ref Unsafe.Add(ref thresholds, 8)) << 8),
            8 => AtLeastEight(ref sums, ref thresholds),
            4 => Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref sums), Vector256.LoadUnsafe(ref thresholds)).ExtractMostSignificantBits(),
            2 => Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref sums), Vector128.LoadUnsafe(ref thresholds)).ExtractMostSignificantBits(),
            _ => sums >= thresholds ? 1u : 0u,
        };

    /// <summary>The lanes (bits) of <paramref name="sums"/> at least <paramref name="threshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AtLeast(ref double sums, double threshold, int lanes) =>
        lanes switch
        {
            16 => AtLeastEight(ref sums, threshold) | (AtLeastEight(ref Unsafe.Add(ref sums, 8), threshold) << 8),
            8 => AtLeastEight(ref sums, threshold),
            4 => Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref sums), Vector256.Create(threshold)).ExtractMostSignificantBits(),
            2 => Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref sums), Vector128.Create(threshold)).ExtractMostSignificantBits(),
            _ => sums >= threshold ? 1u : 0u,
        };

    // The eight-lane forms are separate methods, not the lane-count methods called with 8: a method that calls itself
    // is not inlined into itself, so the sixteen-lane case would make two calls, to unoptimized code in a first fit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AtLeastEight(ref double sums, ref double thresholds) =>
        (uint)Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref sums), Vector512.LoadUnsafe(ref thresholds)).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AtLeastEight(ref double sums, double threshold) =>
        (uint)Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref sums), Vector512.Create(threshold)).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClearLanes(ref double slot, int lanes)
    {
        switch (lanes)
        {
            case 16:
                Vector512<double>.Zero.StoreUnsafe(ref slot);
                Vector512<double>.Zero.StoreUnsafe(ref Unsafe.Add(ref slot, 8));
                break;
            case 8:
                Vector512<double>.Zero.StoreUnsafe(ref slot);
                break;
            case 4:
                Vector256<double>.Zero.StoreUnsafe(ref slot);
                break;
            case 2:
                Vector128<double>.Zero.StoreUnsafe(ref slot);
                break;
            default:
                slot = 0;
                break;
        }
    }

    /// <summary>The CSR matrix of each item's kept neighbours (stored at <c>item · keep</c>, in column order).</summary>
    private static CsrMatrix Assemble(int itemCount, int keep, int[] outColumns, float[] outValues, int[] outCounts)
    {
        var pointers = new long[itemCount + 1];
        for (var i = 0; i < itemCount; i++)
        {
            pointers[i + 1] = pointers[i] + outCounts[i];
        }

        var allColumns = new int[pointers[itemCount]];
        var allValues = new float[pointers[itemCount]];
        for (var i = 0; i < itemCount; i++)
        {
            outColumns.AsSpan((int)((long)i * keep), outCounts[i]).CopyTo(allColumns.AsSpan((int)pointers[i]));
            outValues.AsSpan((int)((long)i * keep), outCounts[i]).CopyTo(allValues.AsSpan((int)pointers[i]));
        }

        return CsrMatrix.FromArrays(itemCount, itemCount, pointers, allColumns, allValues);
    }

    /// <summary>Whether every weight is positive and the product of the two smallest is not zero: then every product
    /// is positive, and an item reached a lane exactly when its sum is positive (no mark per product needed).</summary>
    private static bool AllProductsPositive(double[] weights)
    {
        var smallest = double.PositiveInfinity;
        foreach (var w in weights)
        {
            if (!(w > 0))
            {
                return false;
            }

            smallest = Math.Min(smallest, w);
        }

        return smallest * smallest > 0;
    }

    /// <summary>The items by decreasing user count, ties by index: consecutive items of this order share the most users.</summary>
    private static int[] ByPopularity(long[] itemPointers)
    {
        var itemCount = itemPointers.Length - 1;
        var order = new int[itemCount];
        var keys = new long[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            order[i] = i;

            // Descending count, then ascending index, as one ascending key.
            keys[i] = (-(itemPointers[i + 1] - itemPointers[i]) << 32) | (uint)i;
        }

        Array.Sort(keys, order);
        return order;
    }

    /// <summary>Writes the block's weights into the per-user table (lane <c>l</c> of user <c>u</c>), marks the
    /// users and which lanes hold each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LoadBlock(Scratch scratch, ReadOnlySpan<int> items, long[] itemPointers, int[] itemUserIndices, double[] itemWeights)
    {
        var lanes = scratch.Lanes;
        var table = scratch.UserWeights;
        var userLanes = scratch.UserLanes;
        var userBits = scratch.UserBits;
        for (var l = 0; l < items.Length; l++)
        {
            var item = items[l];
            var start = (int)itemPointers[item];
            var end = (int)itemPointers[item + 1];
            var bit = (ushort)(1 << l);
            for (var a = start; a < end; a++)
            {
                var user = itemUserIndices[a];
                table[(user * lanes) + l] = itemWeights[a];
                userLanes[user] |= bit;
                userBits[user >> 6] |= 1UL << user;
            }
        }
    }

    /// <summary>Adds every marked user's contributions, in ascending user order, and clears the user marks. A user's
    /// list stops at the first item below <paramref name="lowest"/> (lists by descending rank skip the lower ranks;
    /// with 0 nothing is skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TMark>(Scratch scratch, long[] userPointers, int[] userItems, double[] userWeights, int lowest)
        where TMark : struct
    {
        var lanes = scratch.Lanes;
        var userBits = scratch.UserBits;
        var userLanes = scratch.UserLanes;
        ref var table = ref MemoryMarshal.GetReference(scratch.UserWeights);
        ref var sums = ref MemoryMarshal.GetReference(scratch.Sums);
        ref var touched = ref MemoryMarshal.GetArrayDataReference(scratch.Touched);
        ref var itemsRef = ref MemoryMarshal.GetArrayDataReference(userItems);
        ref var weightsRef = ref MemoryMarshal.GetArrayDataReference(userWeights);
        for (var word = 0; word < userBits.Length; word++)
        {
            var bits = userBits[word];
            if (bits == 0)
            {
                continue;
            }

            userBits[word] = 0;
            do
            {
                var user = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var mask = userLanes[user];
                userLanes[user] = 0;
                var from = (nint)userPointers[user];
                var length = (int)((nint)userPointers[user + 1] - from);
                ref var others = ref Unsafe.Add(ref itemsRef, from);
                ref var otherWeights = ref Unsafe.Add(ref weightsRef, from);
                ref var row = ref Unsafe.Add(ref table, (nint)user * lanes);
                switch (lanes)
                {
                    case 16:
                        {
                            var low = Vector512.LoadUnsafe(ref row);
                            var high = Vector512.LoadUnsafe(ref Unsafe.Add(ref row, 8));
                            Vector512<double>.Zero.StoreUnsafe(ref row);
                            Vector512<double>.Zero.StoreUnsafe(ref Unsafe.Add(ref row, 8));
                            for (var b = 0; b < length; b++)
                            {
                                var other = (nint)Unsafe.Add(ref others, b);
                                if (other < lowest)
                                {
                                    break;
                                }

                                ref var slot = ref Unsafe.Add(ref sums, other * 16);
                                var weight = Vector512.Create(Unsafe.Add(ref otherWeights, b));
                                (Vector512.LoadUnsafe(ref slot) + (low * weight)).StoreUnsafe(ref slot);
                                ref var upper = ref Unsafe.Add(ref slot, 8);
                                (Vector512.LoadUnsafe(ref upper) + (high * weight)).StoreUnsafe(ref upper);
                                if (typeof(TMark) == typeof(Marked))
                                {
                                    Unsafe.Add(ref touched, other) |= mask;
                                }
                            }

                            break;
                        }

                    case 8:
                        {
                            var w = Vector512.LoadUnsafe(ref row);
                            Vector512<double>.Zero.StoreUnsafe(ref row);
                            for (var b = 0; b < length; b++)
                            {
                                var other = (nint)Unsafe.Add(ref others, b);
                                if (other < lowest)
                                {
                                    break;
                                }

                                ref var slot = ref Unsafe.Add(ref sums, other * 8);
                                var product = w * Vector512.Create(Unsafe.Add(ref otherWeights, b));
                                (Vector512.LoadUnsafe(ref slot) + product).StoreUnsafe(ref slot);
                                if (typeof(TMark) == typeof(Marked))
                                {
                                    Unsafe.Add(ref touched, other) |= mask;
                                }
                            }

                            break;
                        }

                    case 4:
                        {
                            var w = Vector256.LoadUnsafe(ref row);
                            Vector256<double>.Zero.StoreUnsafe(ref row);
                            for (var b = 0; b < length; b++)
                            {
                                var other = (nint)Unsafe.Add(ref others, b);
                                if (other < lowest)
                                {
                                    break;
                                }

                                ref var slot = ref Unsafe.Add(ref sums, other * 4);
                                var product = w * Vector256.Create(Unsafe.Add(ref otherWeights, b));
                                (Vector256.LoadUnsafe(ref slot) + product).StoreUnsafe(ref slot);
                                if (typeof(TMark) == typeof(Marked))
                                {
                                    Unsafe.Add(ref touched, other) |= mask;
                                }
                            }

                            break;
                        }

                    case 2:
                        {
                            var w = Vector128.LoadUnsafe(ref row);
                            Vector128<double>.Zero.StoreUnsafe(ref row);
                            for (var b = 0; b < length; b++)
                            {
                                var other = (nint)Unsafe.Add(ref others, b);
                                if (other < lowest)
                                {
                                    break;
                                }

                                ref var slot = ref Unsafe.Add(ref sums, other * 2);
                                var product = w * Vector128.Create(Unsafe.Add(ref otherWeights, b));
                                (Vector128.LoadUnsafe(ref slot) + product).StoreUnsafe(ref slot);
                                if (typeof(TMark) == typeof(Marked))
                                {
                                    Unsafe.Add(ref touched, other) |= mask;
                                }
                            }

                            break;
                        }

                    default:
                        {
                            var w = row;
                            row = 0;
                            for (var b = 0; b < length; b++)
                            {
                                var other = (nint)Unsafe.Add(ref others, b);
                                if (other < lowest)
                                {
                                    break;
                                }

                                var product = w * Unsafe.Add(ref otherWeights, b);
                                Unsafe.Add(ref sums, other) += product;
                                if (typeof(TMark) == typeof(Marked))
                                {
                                    Unsafe.Add(ref touched, other) = 1;
                                }
                            }

                            break;
                        }
                }
            }
            while (bits != 0);
        }
    }

    /// <summary>Offers every touched item to the heaps of the lanes that touched it (in ascending item order, as the
    /// one-item product did), clears the accumulators, and stores each lane's kept neighbours in column order. Once a
    /// lane's heap is full, only a score strictly above its root can enter (the root has a lower index), so one
    /// vector comparison per item filters the offers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SelectAndStore(Scratch scratch, ReadOnlySpan<int> items, int[] rank, bool positive, int[] outColumns, float[] outValues, int[] outCounts)
    {
        var lanes = scratch.Lanes;
        var keep = scratch.Keep;
        var sums = scratch.Sums;
        var touched = scratch.Touched;
        var heapItems = scratch.HeapItems;
        var heapScores = scratch.HeapScores;
        var counts = scratch.HeapCounts;
        var roots = scratch.Roots;
        counts.AsSpan().Clear();
        var open = (uint)((1 << items.Length) - 1);
        ref var sumsRef = ref MemoryMarshal.GetReference(sums);
        ref var rootsRef = ref MemoryMarshal.GetArrayDataReference(roots);
        for (var other = 0; other < touched.Length; other++)
        {
            var position = rank[other];
            var at = position * lanes;
            ref var slot = ref Unsafe.Add(ref sumsRef, at);
            uint reached;
            if (positive)
            {
                reached = Above(ref slot, ref rootsRef, lanes, zero: true);
                if (reached == 0)
                {
                    continue;
                }
            }
            else
            {
                reached = touched[position];
                if (reached == 0)
                {
                    continue;
                }

                touched[position] = 0;
            }

            var offers = reached & (open | Above(ref slot, ref rootsRef, lanes, zero: false));
            while (offers != 0)
            {
                var l = BitOperations.TrailingZeroCount(offers);
                offers &= offers - 1;
                var score = Unsafe.Add(ref slot, l);
                var heapItemsLane = heapItems.AsSpan(l * keep, keep);
                var heapScoresLane = heapScores.AsSpan(l * keep, keep);
                var count = counts[l];
                if (count < keep)
                {
                    heapItemsLane[count] = other;
                    heapScoresLane[count] = score;
                    SiftUp(heapItemsLane, heapScoresLane, count);
                    counts[l] = ++count;
                    if (count == keep)
                    {
                        open &= ~(1u << l);
                    }
                }
                else
                {
                    heapItemsLane[0] = other;
                    heapScoresLane[0] = score;
                    SiftDown(heapItemsLane, heapScoresLane, count);
                }

                roots[l] = heapScoresLane[0];
            }

            sums.Slice(at, lanes).Clear();
        }

        for (var l = 0; l < items.Length; l++)
        {
            var count = counts[l];
            var columns = outColumns.AsSpan((int)((long)items[l] * keep), count);
            var values = outValues.AsSpan((int)((long)items[l] * keep), count);
            var laneItems = heapItems.AsSpan(l * keep, count);
            var laneScores = heapScores.AsSpan(l * keep, count);

            // Insertion sort by column (the columns are distinct), then the scores as floats.
            for (var t = 0; t < count; t++)
            {
                var column = laneItems[t];
                var value = (float)laneScores[t];
                var n = t;
                while (n > 0 && columns[n - 1] > column)
                {
                    columns[n] = columns[n - 1];
                    values[n] = values[n - 1];
                    n--;
                }

                columns[n] = column;
                values[n] = value;
            }

            outCounts[items[l]] = count;
        }
    }

    /// <summary>The lanes (bits) of <paramref name="sums"/> strictly above zero, or above <paramref name="roots"/>
    /// (false for NaN either side, as <see cref="Worse"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Above(ref double sums, ref double roots, int lanes, bool zero)
    {
        switch (lanes)
        {
            case 16:
                return AboveEight(ref sums, ref roots, zero) | (AboveEight(ref Unsafe.Add(ref sums, 8), ref Unsafe.Add(ref roots, 8), zero) << 8);
            case 8:
                return AboveEight(ref sums, ref roots, zero);
            case 4:
                return Vector256.GreaterThan(Vector256.LoadUnsafe(ref sums), zero ? Vector256<double>.Zero : Vector256.LoadUnsafe(ref roots)).ExtractMostSignificantBits();
            case 2:
                return Vector128.GreaterThan(Vector128.LoadUnsafe(ref sums), zero ? Vector128<double>.Zero : Vector128.LoadUnsafe(ref roots)).ExtractMostSignificantBits();
            default:
                return sums > (zero ? 0 : roots) ? 1u : 0u;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AboveEight(ref double sums, ref double roots, bool zero) =>
        (uint)Vector512.GreaterThan(Vector512.LoadUnsafe(ref sums), zero ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref roots)).ExtractMostSignificantBits();

    /// <summary>The transpose of a weighted pattern: pointers, indices (ascending within each row) and weights.</summary>
    internal static (long[] Pointers, int[] Indices, double[] Weights) Transpose(CsrMatrix matrix, double[] weights)
    {
        var columnCount = matrix.ColumnCount;
        var pointers = new long[columnCount + 1];
        for (var r = 0; r < matrix.RowCount; r++)
        {
            foreach (var c in matrix.GetColumnIndices(r))
            {
                pointers[c + 1]++;
            }
        }

        for (var c = 0; c < columnCount; c++)
        {
            pointers[c + 1] += pointers[c];
        }

        var next = pointers[..columnCount];
        var indices = new int[matrix.NonZeroCount];
        var transposed = new double[matrix.NonZeroCount];
        var source = matrix.RowPointers;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            var columns = matrix.GetColumnIndices(r);
            for (var i = 0; i < columns.Length; i++)
            {
                var at = next[columns[i]]++;
                indices[at] = r;
                transposed[at] = weights[source[r] + i];
            }
        }

        return (pointers, indices, transposed);
    }

    private static int[] ColumnIndices(CsrMatrix matrix)
    {
        var indices = new int[matrix.NonZeroCount];
        var pointers = matrix.RowPointers;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            matrix.GetColumnIndices(r).CopyTo(indices.AsSpan((int)pointers[r]));
        }

        return indices;
    }

    /// <summary>Whether (a) ranks below (b): lower score, or the same score and a higher index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Worse(double scoreA, int itemA, double scoreB, int itemB) =>
        scoreA < scoreB || (scoreA == scoreB && itemA > itemB);

    /// <summary>Moves the entry at <paramref name="at"/> up while it ranks below its parent (a hole moves down
    /// instead of swapping pairs; the heap that results is the swapping one's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftUp(Span<int> items, Span<double> scores, int at)
    {
        ref var itemsRef = ref MemoryMarshal.GetReference(items);
        ref var scoresRef = ref MemoryMarshal.GetReference(scores);
        var item = items[at];
        var score = scores[at];
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            var parentItem = Unsafe.Add(ref itemsRef, parent);
            var parentScore = Unsafe.Add(ref scoresRef, parent);
            if (!Worse(score, item, parentScore, parentItem))
            {
                break;
            }

            Unsafe.Add(ref itemsRef, at) = parentItem;
            Unsafe.Add(ref scoresRef, at) = parentScore;
            at = parent;
        }

        Unsafe.Add(ref itemsRef, at) = item;
        Unsafe.Add(ref scoresRef, at) = score;
    }

    /// <summary>Moves the root down while a child ranks below it, among the first <paramref name="count"/> entries
    /// (at most the spans' length); the worse child moves up into the hole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftDown(Span<int> items, Span<double> scores, int count)
    {
        Debug.Assert(count <= items.Length && count <= scores.Length);
        ref var itemsRef = ref MemoryMarshal.GetReference(items);
        ref var scoresRef = ref MemoryMarshal.GetReference(scores);
        var item = items[0];
        var score = scores[0];
        var at = 0;
        while (true)
        {
            var worst = (2 * at) + 1;
            if (worst >= count)
            {
                break;
            }

            var worstItem = Unsafe.Add(ref itemsRef, worst);
            var worstScore = Unsafe.Add(ref scoresRef, worst);
            var right = worst + 1;
            if (right < count)
            {
                var rightItem = Unsafe.Add(ref itemsRef, right);
                var rightScore = Unsafe.Add(ref scoresRef, right);
                if (Worse(rightScore, rightItem, worstScore, worstItem))
                {
                    worst = right;
                    worstItem = rightItem;
                    worstScore = rightScore;
                }
            }

            if (!Worse(worstScore, worstItem, score, item))
            {
                break;
            }

            Unsafe.Add(ref itemsRef, at) = worstItem;
            Unsafe.Add(ref scoresRef, at) = worstScore;
            at = worst;
        }

        Unsafe.Add(ref itemsRef, at) = item;
        Unsafe.Add(ref scoresRef, at) = score;
    }

    private sealed class Scratch(int itemCount, int userCount, int keep, int lanes, bool symmetric)
    {
        public int Lanes { get; } = lanes;

        public int Keep { get; } = keep;

        private readonly AlignedDoubles _sums = new((long)itemCount * lanes);
        private readonly AlignedDoubles _userWeights = new((long)userCount * lanes);

        /// <summary>The accumulators: item <c>j</c>'s lanes at <c>j · Lanes</c>, from a 64-byte boundary, so that an
        /// item's lanes never straddle two cache lines.</summary>
        public Span<double> Sums => _sums.Span;

        /// <summary>For every item, the lanes (bits) that reached it.</summary>
        public ushort[] Touched { get; } = new ushort[itemCount];

        /// <summary>The block's weights by user: user <c>u</c>'s lanes at <c>u · Lanes</c>, zero where the lane's
        /// item lacks the user.</summary>
        public Span<double> UserWeights => _userWeights.Span;

        /// <summary>For every user, the lanes (bits) whose item has the user.</summary>
        public ushort[] UserLanes { get; } = new ushort[userCount];

        /// <summary>The users of the block, one bit each.</summary>
        public ulong[] UserBits { get; } = new ulong[(userCount + 63) >> 6];

        public int[] HeapItems { get; } = new int[keep * lanes];

        public double[] HeapScores { get; } = new double[keep * lanes];

        public int[] HeapCounts { get; } = new int[lanes];

        /// <summary>Each lane's heap root score (meaningful once the lane's heap is full).</summary>
        public double[] Roots { get; } = new double[lanes];

        /// <summary>The transposed heaps of the symmetric product: the heap of the item at rank <c>p</c> at
        /// <c>p · Keep</c>, with the scores of the earlier blocks' items this thread offered it. Rented from the
        /// shared pool (only the first <see cref="OtherCounts"/> entries of a heap are meaningful); see
        /// <see cref="Return"/>.</summary>
        public int[] OtherItems { get; } = symmetric ? ArrayPool<int>.Shared.Rent(itemCount * keep) : [];

        /// <summary>The scores of <see cref="OtherItems"/>.</summary>
        public double[] OtherScores { get; } = symmetric ? ArrayPool<double>.Shared.Rent(itemCount * keep) : [];

        /// <summary>The size of each transposed heap.</summary>
        public int[] OtherCounts { get; } = symmetric ? new int[itemCount] : [];

        /// <summary>Each transposed heap's threshold: the smallest positive double until full, then its root's score.</summary>
        public double[] Thresholds { get; } = symmetric ? CreateThresholds(itemCount) : [];

        /// <summary>Gives the rented transposed heaps back (the scratch is not used after).</summary>
        public void Return()
        {
            if (OtherItems.Length > 0)
            {
                ArrayPool<int>.Shared.Return(OtherItems);
                ArrayPool<double>.Shared.Return(OtherScores);
            }
        }

        private static double[] CreateThresholds(int itemCount)
        {
            var thresholds = new double[itemCount];
            thresholds.AsSpan().Fill(double.Epsilon);
            return thresholds;
        }
    }

    /// <summary>Zeroed doubles whose first is on a 64-byte boundary, in an array of the pinned object heap (which the
    /// GC never moves, so the alignment holds): lanes of 8 doubles at a multiple of 8 sit in one cache line, and 16
    /// in two.</summary>
    private readonly struct AlignedDoubles
    {
        private const int AlignmentBytes = 64;
        private readonly double[] _array;
        private readonly int _start;
        private readonly int _length;

        public AlignedDoubles(long length)
        {
            _length = checked((int)length);
            _array = GC.AllocateArray<double>(checked(_length + (AlignmentBytes / sizeof(double))), pinned: true);
            var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
            try
            {
                var misalignment = (int)(handle.AddrOfPinnedObject() % AlignmentBytes);
                _start = ((AlignmentBytes - misalignment) % AlignmentBytes) / sizeof(double);
            }
            finally
            {
                handle.Free();
            }
        }

        public Span<double> Span => _array.AsSpan(_start, _length);
    }

    /// <summary>Marks the items each product reaches (weights of any sign).</summary>
    private struct Marked;

    /// <summary>No marks: every product is positive, so a positive sum is a reached item.</summary>
    private struct Unmarked;

    /// <summary>Counts the items whose products are done across the workers and reports the running total.</summary>
    private sealed class BlockProgress(IProgress<int>? progress)
    {
        private int _done;

        public void Add(int items)
        {
            var total = Interlocked.Add(ref _done, items);
            progress?.Report(total);
        }
    }
}
