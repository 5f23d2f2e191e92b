namespace MovieRecs.Internal;

/// <summary>
/// The check a fitted factor model passes before it is served: every factor finite and every row's Euclidean norm at
/// most <see cref="MaxRowNorm"/>, so that the dot product of any two rows (a score, or the numerator of a cosine) is a
/// finite float. SGD that diverges slowly can leave finite factors whose scores overflow to infinity.
/// </summary>
internal static class FactorMagnitude
{
    /// <summary>
    /// √<see cref="float.MaxValue"/> (about 1.8E+19): by Cauchy–Schwarz every partial sum of the dot product of two rows
    /// of at most this norm, in any order, is at most <see cref="float.MaxValue"/> in magnitude.
    /// </summary>
    public static readonly double MaxRowNorm = Math.Sqrt(float.MaxValue);

    /// <summary>
    /// The first row (lowest index) with a non-finite factor or a norm above <see cref="MaxRowNorm"/>, and its norm
    /// (NaN or infinity when a factor is not finite); <c>(-1, 0)</c> when every row passes. O(rows · factors), in
    /// double precision (a float squared cannot overflow it).
    /// </summary>
    public static (int Row, double Norm) FirstUnservableRow(FactorMatrix factors)
    {
        for (var row = 0; row < factors.Rows; row++)
        {
            var squares = 0.0;
            foreach (var value in factors.Row(row))
            {
                squares += (double)value * value;
            }

            var norm = Math.Sqrt(squares);
            if (!(norm <= MaxRowNorm))
            {
                return (row, norm);
            }
        }

        return (-1, 0);
    }
}
