namespace MovieRecs.Sparse;

/// <summary>How triplets that share a (row, column) position are combined when a sparse matrix is built.</summary>
public enum DuplicateHandling
{
    /// <summary>Add the values, as scipy does (the default).</summary>
    Sum,

    /// <summary>Keep the largest value (e.g. a user who rated a movie twice counts with their best rating).</summary>
    Max,

    /// <summary>Throw an <see cref="ArgumentException"/> naming the position.</summary>
    Throw,
}
