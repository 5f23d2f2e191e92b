namespace MovieRecs.Sparse;

/// <summary>How a sparse matrix is assembled from coordinate (COO) triplets.</summary>
/// <remarks>Immutable. The defaults match what scipy's <c>coo_matrix(...).tocsr()</c> followed by
/// <c>eliminate_zeros()</c> gives: duplicates summed, zeros dropped.</remarks>
public sealed record SparseBuildOptions
{
    /// <summary>The defaults: duplicates summed, explicit zeros dropped.</summary>
    public static SparseBuildOptions Default { get; } = new();

    /// <summary>
    /// What to do with several triplets at the same (row, column). Default <see cref="DuplicateHandling.Sum"/>
    /// (scipy's behaviour).
    /// </summary>
    public DuplicateHandling Duplicates { get; init; } = DuplicateHandling.Sum;

    /// <summary>
    /// Whether entries whose value is zero (after duplicates are combined) are stored. Default
    /// <see langword="false"/>: zeros are dropped, so <c>NonZeroCount</c> counts real non-zeros. Keep them when an
    /// explicit zero carries meaning for the caller.
    /// </summary>
    public bool KeepExplicitZeros { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Duplicates"/> is not a defined value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Duplicates))
        {
            throw new ArgumentOutOfRangeException(nameof(Duplicates), Duplicates, "Unknown duplicate handling.");
        }
    }
}
