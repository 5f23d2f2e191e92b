using MovieRecs.Sparse;

namespace MovieRecs.MovieLens;

/// <summary>How ratings become implicit feedback: which ratings are kept and what value each contributes.</summary>
/// <remarks>Immutable. The defaults follow the MovieLens tutorial: ratings of 3 or more are positive feedback and
/// the rating is the confidence.</remarks>
public sealed record InteractionOptions
{
    /// <summary>The defaults.</summary>
    public static InteractionOptions Default { get; } = new();

    /// <summary>
    /// Ratings below this are dropped (default 3: on MovieLens' 1 to 5 scale, 3 and up read as "liked"). Use 0 to
    /// keep every rating.
    /// </summary>
    public float MinRating { get; init; } = 3f;

    /// <summary>The value a kept rating contributes (default <see cref="InteractionValue.Rating"/>).</summary>
    public InteractionValue Value { get; init; } = InteractionValue.Rating;

    /// <summary>
    /// How two ratings of the same movie by the same user combine (default <see cref="DuplicateHandling.Sum"/>, as
    /// scipy's <c>csr_matrix</c> does; official MovieLens releases have no such duplicates).
    /// </summary>
    public DuplicateHandling Duplicates { get; init; } = DuplicateHandling.Sum;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        if (!float.IsFinite(MinRating))
        {
            throw new ArgumentOutOfRangeException(nameof(MinRating), MinRating, "MinRating must be finite.");
        }

        if (!Enum.IsDefined(Value))
        {
            throw new ArgumentOutOfRangeException(nameof(Value), Value, "Unknown interaction value.");
        }

        if (!Enum.IsDefined(Duplicates))
        {
            throw new ArgumentOutOfRangeException(nameof(Duplicates), Duplicates, "Unknown duplicate handling.");
        }
    }
}
