using MovieRecs.Internal;

namespace MovieRecs.Sparse;

internal static class SparseGuards
{
    public static void CheckFinite(float value, string paramName)
    {
        if (!float.IsFinite(value))
        {
            ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be finite.");
        }
    }
}
