using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MovieRecs.Internal;

/// <summary>
/// A reduced-precision serving copy of the item factors (8-bit integer codes, one scale per item; a quarter of the
/// bytes of the floats, so the copy of a few thousand items stays in L2), scanned to bound every item's float32 score
/// from both sides before any float row is read.
/// </summary>
/// <remarks>
/// <para>
/// Item i is coded as <c>y_i ≈ s_i · c_i</c> (<c>s_i</c> = max |y_if| / 127, <c>c_if</c> = round(y_if / s_i) in
/// [-127, 127]), a query x as <c>x ≈ s_x · c_x</c> the same way with 16-bit codes in [-Q, Q]
/// (<see cref="QueryLevelsFor"/>). The integer dot product <c>D_i = c_x · c_i</c> is exact (Q is chosen so that it
/// fits in 32 bits), so the scan gives the same D at every width.
/// </para>
/// <para>
/// The error bound. With <c>x̂ = s_x c_x</c>, <c>e_x = x − x̂</c>, <c>ŷ_i = s_i c_i</c>, <c>e_i = y_i − ŷ_i</c>:
/// <c>x · y_i = x̂ · ŷ_i + x̂ · e_i + e_x · y_i = s_x s_i D_i + x̂ · e_i + e_x · y_i</c> exactly, so by Cauchy-Schwarz
/// <c>|x · y_i − s_x s_i D_i| ≤ ‖x̂‖ ‖e_i‖ + ‖e_x‖ ‖y_i‖</c>. The float32 score <c>σ_i</c> the full scan computes (any
/// order of n FMAs and additions) is within <c>γ_n Σ|x_f y_if| ≤ γ_n ‖x‖ ‖y_i‖</c> of <c>x · y_i</c>
/// (<c>γ_n = n u / (1 − n u)</c>, <c>u = 2^-24</c>; Higham, Accuracy and Stability of Numerical Algorithms, 3.1), plus
/// at most <c>2^-150</c> per operation when results are subnormal. Hence
/// <c>|σ_i − s_x s_i D_i| ≤ A ‖e_i‖ + B ‖y_i‖ + (n + 8) 2^-150</c> with <c>A = ‖x̂‖</c>, <c>B = ‖e_x‖ + γ_n ‖x‖</c>.
/// The norms are computed in double and rounded up into floats (<see cref="RoundUp"/>); the scan then evaluates
/// <c>a_i = (D_i s_i) s_x</c> and <c>E_i = A ‖e_i‖ + B ‖y_i‖</c> in float, at most eight roundings of quantities no
/// larger than <c>|a_i| + E_i</c>, each off by at most <c>u</c> of that (or <c>2^-150</c> absolute when subnormal), and
/// widens the interval by <c>2^-18 (|a_i| + E_i) + 2^-120</c>, which exceeds all those roundings together with the
/// subnormal term. So <c>lower_i ≤ σ_i ≤ upper_i</c> for every item, as computed.
/// </para>
/// <para>
/// Pruning. Let τ be the k-th largest lower bound among the selectable items. The k-th best float32 score is at
/// least τ (k items have scores at least their lower bounds), so every item of the exact top k has
/// <c>upper_i ≥ σ_i ≥ τ</c>: rescoring exactly the items with <c>upper_i ≥ τ</c>, with the full scan's kernel, and
/// selecting among them with the same order (score descending, then lower index) returns the full scan's answer.
/// </para>
/// </remarks>
internal sealed class QuantizedItems
{
    /// <summary>Items per panel: 16 32-bit sums per 512-bit register.</summary>
    public const int PanelItems = 16;

    /// <summary>The relative widening of every interval (see the remarks).</summary>
    private const float Slack = 1f / (1 << 18);

    /// <summary>
    /// The absolute widening of every interval: 2^-120, exactly (a test checks the literal). A constant, not a static
    /// field: the scans are compiled fully optimized on their first call, before the class is known to be initialized, so
    /// reading a static field there costs a class-initialization check in every pass of their loops, and the registers
    /// live across that possible call are spilled to the stack.
    /// </summary>
    internal const float Floor = 7.5231638452626401e-37f;

    private readonly FloatBuffer _buffer;

    private QuantizedItems(int items, int factors, int stride)
    {
        Items = items;
        Pairs = (factors + 1) / 2;
        Panels = (items + PanelItems - 1) / PanelItems;
        Stride = stride;
        Levels = QueryLevelsFor(Pairs);
        var columns = Panels * PanelItems;
        // Codes: panel p, factor pair j, item t of the panel: bytes (c_{2j}, c_{2j+1}) at ((p * Pairs + j) * 16 + t) * 2.
        _buffer = FloatBuffer.AllocateAligned(((long)Panels * Pairs * PanelItems * 2) / sizeof(float));
        Scales = new float[columns];
        ErrorNorms = new float[columns];
        Norms = new float[columns];
    }

    /// <summary>The number of items.</summary>
    public int Items { get; }

    /// <summary>Factor pairs per item (factors rounded up to even, halved).</summary>
    public int Pairs { get; }

    /// <summary>Panels of <see cref="PanelItems"/> items (the last zero padded).</summary>
    public int Panels { get; }

    /// <summary>The float stride of the rows the copy was made from (and of the queries it scores).</summary>
    public int Stride { get; }

    /// <summary>Q of the queries: their codes lie in [-Q, Q], so that <c>2 · Pairs · 127 · Q</c> fits in an int.</summary>
    public int Levels { get; }

    /// <summary>Q of the items: their codes are bytes in [-127, 127].</summary>
    public const int ItemLevels = 127;

    /// <summary>The codes, as laid out in the constructor.</summary>
    public ReadOnlySpan<sbyte> Codes => MemoryMarshal.Cast<float, sbyte>(_buffer.Span);

    /// <summary><c>s_i</c> per item (zero for padding).</summary>
    public float[] Scales { get; }

    /// <summary><c>‖y_i − s_i c_i‖</c>, rounded up.</summary>
    public float[] ErrorNorms { get; }

    /// <summary><c>‖y_i‖</c>, rounded up.</summary>
    public float[] Norms { get; }

    /// <summary>The largest <see cref="Norms"/> entry.</summary>
    public float MaxNorm { get; private set; }

    /// <summary>The largest Q with <c>2 · pairs · 127 · Q</c> at most <see cref="int.MaxValue"/>, and at most 32767.</summary>
    public static int QueryLevelsFor(int pairs) => (int)Math.Min(32767, int.MaxValue / (2L * ItemLevels * Math.Max(1, pairs)));

    /// <summary>Codes <paramref name="rows"/> (finite floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static QuantizedItems Build(FactorMatrix rows)
    {
        var copy = new QuantizedItems(rows.Rows, rows.Factors, rows.Stride);
        var codes = MemoryMarshal.Cast<float, sbyte>(copy._buffer.Span);
        Span<short> item = stackalloc short[2 * copy.Pairs];
        var maxNorm = 0f;
        for (var i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            var (scale, error, norm) = Code(row, ItemLevels, item);
            copy.Scales[i] = scale;
            copy.ErrorNorms[i] = error;
            copy.Norms[i] = norm;
            maxNorm = Math.Max(maxNorm, norm);
            var panel = i / PanelItems;
            var t = i % PanelItems;
            for (var j = 0; j < copy.Pairs; j++)
            {
                var at = ((((panel * copy.Pairs) + j) * PanelItems) + t) * 2;
                codes[at] = (sbyte)item[2 * j];
                codes[at + 1] = (sbyte)item[(2 * j) + 1];
            }
        }

        copy.MaxNorm = maxNorm;
        return copy;
    }

    /// <summary>
    /// Codes one vector: writes <c>c</c> (zero past <paramref name="values"/>) and returns the scale, <c>‖v − s c‖</c> and
    /// <c>‖v‖</c> (both rounded up). The scale is positive even for a zero vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Scale, float ErrorNorm, float Norm) Code(ReadOnlySpan<float> values, int levels, Span<short> codes)
    {
        codes.Clear();
        var max = 0f;
        foreach (var v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        var scale = Math.Max((float)(max / (double)levels), float.Epsilon);
        double error = 0, norm = 0;
        for (var f = 0; f < values.Length; f++)
        {
            double v = values[f];
            var c = Math.Clamp(Math.Round(v / scale), -levels, levels);
            codes[f] = (short)c;
            var e = v - (scale * c);
            error += e * e;
            norm += v * v;
        }

        return (scale, RoundUp(Math.Sqrt(error) * DoubleSlack(values.Length)), RoundUp(Math.Sqrt(norm) * DoubleSlack(values.Length)));
    }

    /// <summary>
    /// The query's constants: its codes as (c_{2j}, c_{2j+1}) pairs packed in ints, its scale, and A and B of the
    /// remarks, or false when the bound could overflow (then the caller scans in full).
    /// </summary>
    public bool PrepareQuery(ReadOnlySpan<float> query, Span<int> pairCodes, out float scale, out float a, out float b)
    {
        Debug.Assert(pairCodes.Length >= Pairs);
        Span<short> codes = stackalloc short[2 * Pairs];
        var factors = Math.Min(query.Length, 2 * Pairs);
        scale = a = b = 0;
        var max = 0f;
        for (var f = 0; f < query.Length; f++)
        {
            if (!float.IsFinite(query[f]))
            {
                return false;
            }

            max = Math.Max(max, Math.Abs(query[f]));
        }

        // Scores and bounds stay far from overflow (‖x‖ ≤ sqrt(n) max), or the caller scans in full.
        if (!float.IsFinite(MaxNorm) || max * (double)MaxNorm > 1e30)
        {
            return false;
        }

        var (s, errorNorm, norm) = Code(query[..factors], Levels, codes);
        for (var f = factors; f < query.Length; f++)
        {
            if (query[f] != 0)
            {
                return false;
            }
        }

        double coded = 0;
        for (var f = 0; f < factors; f++)
        {
            var v = (double)s * codes[f];
            coded += v * v;
        }

        for (var j = 0; j < Pairs; j++)
        {
            pairCodes[j] = (ushort)codes[2 * j] | (codes[(2 * j) + 1] << 16);
        }

        // Terms of the full scan's dot product: Stride FMAs plus the horizontal sum's additions.
        var n = (double)Stride + 8;
        var u = Math.ScaleB(1.0, -24);
        var gamma = n * u / (1 - (n * u));
        scale = s;
        a = RoundUp(Math.Sqrt(coded) * DoubleSlack(factors));
        b = RoundUp((errorNorm + (gamma * (double)norm)) * DoubleSlack(factors));
        return float.IsFinite(a) && float.IsFinite(b);
    }

    /// <summary>
    /// Bounds every item's float32 score with the query: <c>lower[i] ≤ σ_i ≤ upper[i]</c> for i &lt; <see cref="Items"/>
    /// (both spans hold <see cref="Panels"/> x 16 entries; the padding entries are written too, with no meaning).
    /// </summary>
    /// <summary>The integer dot products of panel <paramref name="p"/> into its quarter of <paramref name="sums"/>; at
    /// 512 bits four panels per pass share each broadcast of the query codes, so the pass runs on every fourth panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PanelDots(bool wide, SimdWidth width, int p, ReadOnlySpan<int> pairCodes, Span<int> sums)
    {
        if (wide)
        {
            if (p % 4 == 0)
            {
                Dot512(p, Math.Min(4, Panels - p), pairCodes, sums);
            }
        }
        else if (width >= SimdWidth.Vector256 && Avx2.IsSupported)
        {
            Dot256(p, pairCodes, sums[((p % 4) * PanelItems)..]);
        }
        else
        {
            DotScalar(p, pairCodes, sums[((p % 4) * PanelItems)..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Bound(SimdWidth width, ReadOnlySpan<int> pairCodes, float scale, float a, float b, Span<float> lower, Span<float> upper)
    {
        Debug.Assert(lower.Length >= Panels * PanelItems && upper.Length >= Panels * PanelItems);
        Span<int> sums = stackalloc int[4 * PanelItems];
        ref var sum = ref MemoryMarshal.GetReference(sums);
        var wide = width >= SimdWidth.Vector512 && Avx512BW.IsSupported;
        for (var p = 0; p < Panels; p++)
        {
            PanelDots(wide, width, p, pairCodes, sums);

            sum = ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), (p % 4) * PanelItems);
            var at = p * PanelItems;
            for (var half = 0; half < PanelItems; half += Vector256<float>.Count)
            {
                var column = (nuint)(at + half);
                BoundEight(ref Unsafe.Add(ref sum, half), column, scale, a, b, out var low, out var high);
                low.StoreUnsafe(ref MemoryMarshal.GetReference(lower), column);
                high.StoreUnsafe(ref MemoryMarshal.GetReference(upper), column);
            }
        }
    }

    /// <summary>
    /// The bounds of the eight items from <paramref name="column"/> whose integer sums start at <paramref name="sum"/>:
    /// the same float operations, in the same order, on every lane as in the scalar form of the remarks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BoundEight(ref int sum, nuint column, float scale, float a, float b, out Vector256<float> lower, out Vector256<float> upper)
    {
        var approx = (Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref sum)) * Vector256.LoadUnsafe(ref Scales[0], column)) * scale;
        var error = (a * Vector256.LoadUnsafe(ref ErrorNorms[0], column)) + (b * Vector256.LoadUnsafe(ref Norms[0], column));
        var widened = error + ((Vector256.Abs(approx) + error) * Slack) + Vector256.Create(Floor);
        lower = approx - widened;
        upper = approx + widened;
    }

    [ThreadStatic]
    private static ulong[]? t_mask;

    [ThreadStatic]
    private static float[]? t_heap;

    [ThreadStatic]
    private static int[]? t_items;

    [ThreadStatic]
    private static float[]? t_uppers;

    /// <summary>Per-thread scratch for <see cref="Prune"/>, grown on demand and reused (nothing in it outlives a call).</summary>
    public static (ulong[] Mask, float[] Heap, int[] Items, float[] Uppers) PruneScratch(int maskWords, int k, int candidates)
    {
        if (t_mask is null || t_mask.Length < maskWords)
        {
            t_mask = new ulong[maskWords];
        }

        if (t_heap is null || t_heap.Length < k)
        {
            t_heap = new float[k];
        }

        if (t_items is null || t_items.Length < candidates)
        {
            t_items = new int[candidates];
            t_uppers = new float[candidates];
        }

        return (t_mask, t_heap, t_items, t_uppers!);
    }

    /// <summary>Words of the excluded-items mask <see cref="Prune"/> takes: one bit per item, padding included.</summary>
    public int MaskWords => ((Panels * PanelItems) + 63) / 64;

    /// <summary>Clears <paramref name="mask"/> (<see cref="MaskWords"/> words) and sets the bits of the padding items.</summary>
    public void ResetMask(Span<ulong> mask)
    {
        Debug.Assert(mask.Length >= MaskWords);
        mask[..MaskWords].Clear();
        for (var i = Items; i < Panels * PanelItems; i++)
        {
            mask[i >> 6] |= 1UL << (i & 63);
        }
    }

    /// <summary>
    /// The candidates of the pruned ranking in one pass: the integer scan bounds every item (as <see cref="Bound"/>,
    /// the same bits), and a running k-th best lower bound τ' of the selectable items scanned so far (a min-heap of
    /// k lower bounds) filters both the heap's entries and the candidates as the scan goes. τ' only rises and never
    /// exceeds the final τ (the k-th best lower bound of all selectable items), so an item whose upper bound reaches τ
    /// reached τ' when it was scanned; a last pass keeps exactly the items with <c>upper ≥ τ</c>, in item order.
    /// </summary>
    /// <param name="width">The width of the integer scan.</param>
    /// <param name="pairCodes">The query codes from <see cref="PrepareQuery"/>.</param>
    /// <param name="scale">The query scale.</param>
    /// <param name="a">A of the remarks.</param>
    /// <param name="b">B of the remarks.</param>
    /// <param name="excluded">One bit per item (<see cref="MaskWords"/> words, <see cref="ResetMask"/>): set for items never selected.</param>
    /// <param name="k">The number of items wanted (at least 1).</param>
    /// <param name="heap">Scratch of at least <paramref name="k"/> floats.</param>
    /// <param name="items">Receives the candidates, in item order; also scratch, so its length bounds the candidates kept along the way.</param>
    /// <param name="uppers">Scratch as long as <paramref name="items"/>.</param>
    /// <param name="limit">The most candidates worth rescoring (less than the length of <paramref name="items"/>).</param>
    /// <returns>The number of candidates, or -1 when fewer than k items are selectable or more than <paramref name="limit"/> remain.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Prune(
        SimdWidth width, ReadOnlySpan<int> pairCodes, float scale, float a, float b, ReadOnlySpan<ulong> excluded, int k, Span<float> heap, Span<int> items, Span<float> uppers, int limit)
    {
        Debug.Assert(k >= 1 && heap.Length >= k && uppers.Length >= items.Length && limit < items.Length && excluded.Length >= MaskWords);
        Span<int> sums = stackalloc int[4 * PanelItems];
        Span<float> bounds = stackalloc float[2 * PanelItems];
        ref var bound = ref MemoryMarshal.GetReference(bounds);
        var wide = width >= SimdWidth.Vector512 && Avx512BW.IsSupported;
        var heapCount = 0;
        var threshold = float.NegativeInfinity;
        var found = 0;
        for (var p = 0; p < Panels; p++)
        {
            PanelDots(wide, width, p, pairCodes, sums);

            ref var sum = ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), (p % 4) * PanelItems);
            var at = p * PanelItems;
            var selectable = ~(uint)(excluded[p >> 2] >> ((p & 3) * PanelItems)) & 0xFFFF;
            uint passing;
            if (wide)
            {
                // A whole panel per register: the same operations on every lane as BoundEight, so the same bounds.
                BoundSixteen(ref sum, (nuint)at, scale, a, b, out var lower, out var upper);
                var entering = (uint)Vector512.GreaterThanOrEqual(lower, Vector512.Create(threshold)).ExtractMostSignificantBits() & selectable;
                if (entering != 0)
                {
                    lower.StoreUnsafe(ref bound);
                    Enter(ref bound, entering, heap, k, ref heapCount, ref threshold);
                }

                passing = (uint)Vector512.GreaterThanOrEqual(upper, Vector512.Create(threshold)).ExtractMostSignificantBits() & selectable;
                if (passing == 0)
                {
                    continue;
                }

                upper.StoreUnsafe(ref bound, PanelItems);
            }
            else
            {
                BoundEight(ref sum, (nuint)at, scale, a, b, out var lower0, out var upper0);
                BoundEight(ref Unsafe.Add(ref sum, 8), (nuint)(at + 8), scale, a, b, out var lower1, out var upper1);
                var tau = Vector256.Create(threshold);
                var entering = (Vector256.GreaterThanOrEqual(lower0, tau).ExtractMostSignificantBits()
                    | (Vector256.GreaterThanOrEqual(lower1, tau).ExtractMostSignificantBits() << 8)) & selectable;
                if (entering != 0)
                {
                    lower0.StoreUnsafe(ref bound);
                    lower1.StoreUnsafe(ref bound, 8);
                    Enter(ref bound, entering, heap, k, ref heapCount, ref threshold);
                    tau = Vector256.Create(threshold);
                }

                passing = (Vector256.GreaterThanOrEqual(upper0, tau).ExtractMostSignificantBits()
                    | (Vector256.GreaterThanOrEqual(upper1, tau).ExtractMostSignificantBits() << 8)) & selectable;
                if (passing == 0)
                {
                    continue;
                }

                upper0.StoreUnsafe(ref bound, PanelItems);
                upper1.StoreUnsafe(ref bound, PanelItems + 8);
            }

            do
            {
                var t = BitOperations.TrailingZeroCount(passing);
                passing &= passing - 1;
                if (found == items.Length)
                {
                    // Full: drop the candidates the risen threshold has ruled out since they were kept.
                    found = Keep(items, uppers, found, threshold);
                    if (found == items.Length)
                    {
                        return -1;
                    }
                }

                items[found] = at + t;
                uppers[found++] = Unsafe.Add(ref bound, PanelItems + t);
            }
            while (passing != 0);
        }

        if (heapCount < k)
        {
            return -1;
        }

        found = Keep(items, uppers, found, threshold);
        return found <= limit ? found : -1;
    }

    /// <summary>
    /// Offers the lower bounds of the set bits of <paramref name="entering"/> (bound <c>t</c> at <paramref name="bound"/> + t)
    /// to the heap of the k best, and raises <paramref name="threshold"/> to its smallest once it holds k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Enter(ref float bound, uint entering, Span<float> heap, int k, ref int heapCount, ref float threshold)
    {
        do
        {
            var value = Unsafe.Add(ref bound, BitOperations.TrailingZeroCount(entering));
            entering &= entering - 1;
            if (heapCount < k)
            {
                HeapPush(heap, heapCount++, value);
            }
            else if (value > heap[0])
            {
                HeapReplaceRoot(heap, k, value);
            }
        }
        while (entering != 0);

        if (heapCount == k)
        {
            threshold = heap[0];
        }
    }

    /// <summary>The bounds of a whole panel from <paramref name="column"/>: <see cref="BoundEight"/> on 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BoundSixteen(ref int sum, nuint column, float scale, float a, float b, out Vector512<float> lower, out Vector512<float> upper)
    {
        var approx = (Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref sum)) * Vector512.LoadUnsafe(ref Scales[0], column)) * scale;
        var error = (a * Vector512.LoadUnsafe(ref ErrorNorms[0], column)) + (b * Vector512.LoadUnsafe(ref Norms[0], column));
        var widened = error + ((Vector512.Abs(approx) + error) * Slack) + Vector512.Create(Floor);
        lower = approx - widened;
        upper = approx + widened;
    }

    /// <summary>Keeps the first <paramref name="count"/> candidates whose upper bound reaches <paramref name="threshold"/>, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Keep(Span<int> items, Span<float> uppers, int count, float threshold)
    {
        var kept = 0;
        for (var j = 0; j < count; j++)
        {
            if (uppers[j] >= threshold)
            {
                items[kept] = items[j];
                uppers[kept++] = uppers[j];
            }
        }

        return kept;
    }

    /// <summary>Adds <paramref name="value"/> to the min-heap of the first <paramref name="count"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HeapPush(Span<float> heap, int count, float value)
    {
        var i = count;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (heap[parent] <= value)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = value;
    }

    /// <summary>Replaces the root (the smallest) of the min-heap of <paramref name="count"/> entries by <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HeapReplaceRoot(Span<float> heap, int count, float value)
    {
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= value)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = value;
    }

    /// <summary>The exact integer dot products of panel <paramref name="p"/>'s 16 items with the query codes: the reference.</summary>
    public void DotScalar(int p, ReadOnlySpan<int> pairCodes, Span<int> sums)
    {
        var codes = Codes;
        for (var t = 0; t < PanelItems; t++)
        {
            var sum = 0;
            for (var j = 0; j < Pairs; j++)
            {
                var at = ((((p * Pairs) + j) * PanelItems) + t) * 2;
                sum += (codes[at] * (short)pairCodes[j]) + (codes[at + 1] * (short)(pairCodes[j] >> 16));
            }

            sums[t] = sum;
        }
    }

    /// <summary>The integer dot products of <paramref name="count"/> (1 to 4) panels from <paramref name="p"/>, 16 sums each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dot512(int p, int count, ReadOnlySpan<int> pairCodes, Span<int> sums)
    {
        var panelBytes = Pairs * PanelItems * 2;
        ref var panel0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(Codes), (nint)p * panelBytes);
        ref var q = ref MemoryMarshal.GetReference(pairCodes);
        ref var s = ref MemoryMarshal.GetReference(sums);
        if (count == 4)
        {
            ref var panel1 = ref Unsafe.Add(ref panel0, panelBytes);
            ref var panel2 = ref Unsafe.Add(ref panel1, panelBytes);
            ref var panel3 = ref Unsafe.Add(ref panel2, panelBytes);
            Vector512<int> s0 = default, s1 = default, s2 = default, s3 = default;
            for (var j = 0; j < Pairs; j++)
            {
                var x = Vector512.Create(Unsafe.Add(ref q, j)).AsInt16();
                var at = (nuint)(j * 32);
                s0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel0, at)), x);
                s1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel1, at)), x);
                s2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel2, at)), x);
                s3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel3, at)), x);
            }

            s0.StoreUnsafe(ref s);
            s1.StoreUnsafe(ref s, 16);
            s2.StoreUnsafe(ref s, 32);
            s3.StoreUnsafe(ref s, 48);
            return;
        }

        for (var k = 0; k < count; k++)
        {
            ref var panel = ref Unsafe.Add(ref panel0, k * panelBytes);
            Vector512<int> acc = default;
            for (var j = 0; j < Pairs; j++)
            {
                acc += Avx512BW.MultiplyAddAdjacent(
                    Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref panel, (nuint)(j * 32))), Vector512.Create(Unsafe.Add(ref q, j)).AsInt16());
            }

            acc.StoreUnsafe(ref s, (nuint)(k * 16));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dot256(int p, ReadOnlySpan<int> pairCodes, Span<int> sums)
    {
        ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetReference(Codes), (nint)p * Pairs * PanelItems * 2);
        ref var q = ref MemoryMarshal.GetReference(pairCodes);
        Vector256<int> s0 = default, s1 = default;
        for (var j = 0; j < Pairs; j++)
        {
            var x = Vector256.Create(Unsafe.Add(ref q, j)).AsInt16();
            s0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref panel, (nuint)(j * 32))), x);
            s1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref panel, (nuint)((j * 32) + 16))), x);
        }

        s0.StoreUnsafe(ref MemoryMarshal.GetReference(sums));
        s1.StoreUnsafe(ref MemoryMarshal.GetReference(sums), 8);
    }

    /// <summary>The smallest float at least <paramref name="value"/>.</summary>
    public static float RoundUp(double value)
    {
        var f = (float)value;
        return f < value ? MathF.BitIncrement(f) : f;
    }

    /// <summary>Covers the rounding of a double sum of <paramref name="terms"/> squares and its square root.</summary>
    private static double DoubleSlack(int terms) => 1 + ((terms + 4) * Math.ScaleB(1.0, -50));
}
