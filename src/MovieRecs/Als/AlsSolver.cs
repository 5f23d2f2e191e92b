namespace MovieRecs.Als;

/// <summary>How each half-step solves the per-row least-squares systems.</summary>
public enum AlsSolver
{
    /// <summary>
    /// A few conjugate-gradient steps (<see cref="AlsOptions.CgSteps"/>) warm-started from the previous factors
    /// (Takács, Pilászy and Tikk 2011), the default of <c>implicit</c>: <c>O(k² + k·nnz)</c> per row and step.
    /// </summary>
    ConjugateGradient,

    /// <summary>
    /// The exact solution by building each row's <c>k × k</c> system and factoring it (Cholesky):
    /// <c>O(k²·nnz + k³)</c> per row, an order of magnitude slower, useful as a reference.
    /// </summary>
    Cholesky,
}
