using MovieRecs.Recommendations;

namespace MovieRecs.Internal;

/// <summary>
/// Per-thread scratch for serving queries: grown on demand, then reused, so a warmed-up query allocates nothing
/// and concurrent queries never share a buffer. Nothing in it outlives a call.
/// </summary>
internal static class ServingScratch
{
    [ThreadStatic]
    private static float[]? t_scores;

    [ThreadStatic]
    private static float[]? t_blockScores;

    [ThreadStatic]
    private static float[]? t_query;

    [ThreadStatic]
    private static float[]? t_pairedQueries;

    [ThreadStatic]
    private static float[]? t_upperBounds;

    [ThreadStatic]
    private static int[]? t_pairCodes;

    [ThreadStatic]
    private static int[]? t_candidateItems;

    [ThreadStatic]
    private static float[]? t_candidateScores;

    [ThreadStatic]
    private static float[]? t_candidateRows;

    [ThreadStatic]
    private static float[]? t_unpairedQuery;

    [ThreadStatic]
    private static bool[]? t_marks;

    [ThreadStatic]
    private static int[]? t_heapItems;

    [ThreadStatic]
    private static float[]? t_heapScores;

    [ThreadStatic]
    private static int[]? t_outItems;

    [ThreadStatic]
    private static float[]? t_outScores;

    [ThreadStatic]
    private static ScoredItem[]? t_results;

    public static Span<float> Scores(int length) => Grow(ref t_scores, length).AsSpan(0, length);

    /// <summary>Scores of a block of users in batch recommend (apart from <see cref="Scores"/>, the single-user calls' buffer).</summary>
    public static Span<float> BlockScores(int length) => Grow(ref t_blockScores, length).AsSpan(0, length);

    /// <summary>A zeroed query of <paramref name="stride"/> floats (padding must stay zero).</summary>
    public static Span<float> Query(int stride)
    {
        var span = Grow(ref t_query, stride).AsSpan(0, stride);
        span.Clear();
        return span;
    }

    /// <summary>Queries of a block laid out in pairs for the 512-bit scoring tile (overwritten by the caller).</summary>
    public static Span<float> PairedQueries(int length) => Grow(ref t_pairedQueries, length).AsSpan(0, length);

    /// <summary>Upper bounds of the pruned single-query ranking (its lower bounds use <see cref="Scores"/>).</summary>
    public static Span<float> UpperBounds(int length) => Grow(ref t_upperBounds, length).AsSpan(0, length);

    /// <summary>A query's codes for the quantized scan, two per int.</summary>
    public static Span<int> PairCodes(int length) => Grow(ref t_pairCodes, length).AsSpan(0, length);

    /// <summary>Room for the candidate items of a pruned ranking.</summary>
    public static Span<int> CandidateItems(int length) => Grow(ref t_candidateItems, length).AsSpan(0, length);

    /// <summary>The exact scores of the candidate items of a pruned ranking.</summary>
    public static Span<float> CandidateScores(int length) => Grow(ref t_candidateScores, length).AsSpan(0, length);

    /// <summary>The float rows of the candidate items of a pruned ranking, gathered.</summary>
    public static Span<float> CandidateRows(int length) => Grow(ref t_candidateRows, length).AsSpan(0, length);

    /// <summary>One query taken back out of <see cref="PairedQueries"/> (overwritten by the caller).</summary>
    public static Span<float> UnpairedQuery(int stride) => Grow(ref t_unpairedQuery, stride).AsSpan(0, stride);

    /// <summary>All-false marks of at least <paramref name="length"/> entries; callers reset what they set.</summary>
    public static bool[] Marks(int length) => Grow(ref t_marks, length);

    public static (int[] HeapItems, float[] HeapScores, int[] OutItems, float[] OutScores) Heap(int k) =>
        (Grow(ref t_heapItems, k), Grow(ref t_heapScores, k), Grow(ref t_outItems, k), Grow(ref t_outScores, k));

    public static Span<ScoredItem> Results(int length) => Grow(ref t_results, length).AsSpan(0, length);

    private static T[] Grow<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[Math.Max(length, 16)];
        }

        return buffer;
    }
}
