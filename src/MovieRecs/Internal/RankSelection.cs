using System.Runtime.CompilerServices;
namespace MovieRecs.Internal;

/// <summary>Exact order statistics of a float array without sorting all of it.</summary>
internal static class RankSelection
{
    /// <summary>
    /// The values of the given ranks in ascending order of <paramref name="values"/> (exactly what a full sort
    /// would give), by a radix select: one histogram pass over the top 16 bits of an order-preserving key, then a
    /// sort of only the buckets that hold a wanted rank.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float[] Select(float[] values, int[] ranks)
    {
        var histogram = new int[1 << 16];
        foreach (var value in values)
        {
            histogram[OrderedKey(value) >> 16]++;
        }

        var result = new float[ranks.Length];
        for (var r = 0; r < ranks.Length; r++)
        {
            var rank = ranks[r];
            var bucket = 0;
            var before = 0;
            while (before + histogram[bucket] <= rank)
            {
                before += histogram[bucket];
                bucket++;
            }

            var members = new float[histogram[bucket]];
            var n = 0;
            foreach (var value in values)
            {
                if (OrderedKey(value) >> 16 == bucket)
                {
                    members[n++] = value;
                }
            }

            Array.Sort(members);
            result[r] = members[rank - before];
        }

        return result;
    }

    /// <summary>Maps a (non-NaN) float to an unsigned key with the same order.</summary>
    public static uint OrderedKey(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    }
}
