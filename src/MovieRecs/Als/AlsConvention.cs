namespace MovieRecs.Als;

/// <summary>
/// How a value of the interaction matrix becomes a confidence, and how the regularization scales: the convention of
/// Python's <c>implicit</c> (the default) or of Apache Spark MLlib's implicit ALS. Set by <see cref="AlsOptions.Convention"/>;
/// training, fold-in (<see cref="AlsModel.RecalculateUser(ReadOnlySpan{int}, ReadOnlySpan{float})"/>, partial fits)
/// and explanations all follow the model's.
/// </summary>
public enum AlsConvention
{
    /// <summary>
    /// <c>implicit</c>'s: a value <c>r</c> gives confidence <c>c = Alpha · r</c> (absent entries have confidence 1), and
    /// every row's system adds the same <c>λI</c>: <c>(YᵀY + λI + Σ_i (c_i − 1) y_i y_iᵀ) x = Σ_{r_i &gt; 0} c_i y_i</c>.
    /// </summary>
    Implicit = 0,

    /// <summary>
    /// Spark MLlib's (<c>ALS(implicitPrefs=True)</c>): a value <c>r</c> gives confidence <c>c = 1 + Alpha · |r|</c>,
    /// preference 1 when <c>r &gt; 0</c> and 0 otherwise, and each row's regularization is <c>λ</c> times the row's
    /// count of positive values <c>n</c> (Spark's <c>regParam · numExplicits</c>):
    /// <c>(YᵀY + λ·n·I + Σ_i α|r_i| y_i y_iᵀ) x = Σ_{r_i &gt; 0} (1 + α r_i) y_i</c>. Use it to fold in and explain
    /// models trained by Spark, or to train models that behave like Spark's.
    /// </summary>
    Spark = 1,
}
