namespace MovieRecs.Spark;

/// <summary>
/// How <see cref="SparkModelDirectory.Save"/> writes a model as a Spark ALSModel directory: the columns Spark's
/// <c>transform</c> will read, its cold-start strategy, and how many part files each side gets.
/// </summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record SparkModelSaveOptions
{
    /// <summary>The default options: Spark's default columns <c>user</c> and <c>item</c>, strategy <c>nan</c>,
    /// part files of about 4 MiB.</summary>
    public static SparkModelSaveOptions Default { get; } = new();

    /// <summary>The user id column of the DataFrames the model will score (<c>userCol</c>). Default <c>user</c>,
    /// Spark's; MovieLens files call it <c>userId</c>.</summary>
    public string UserColumn { get; init; } = "user";

    /// <summary>The item id column (<c>itemCol</c>). Default <c>item</c>, Spark's; MovieLens files call it <c>movieId</c>.</summary>
    public string ItemColumn { get; init; } = "item";

    /// <summary>What Spark's <c>transform</c> does with ids the model lacks (<c>coldStartStrategy</c>): <c>nan</c>
    /// (default, Spark's) or <c>drop</c>.</summary>
    public string ColdStartStrategy { get; init; } = "nan";

    /// <summary>
    /// The number of part files per side (users, items), rows spread over them by id as Spark's hash partitioning
    /// does; 0 (default) picks one per 1,048,576 floats (4 MiB of factors), at least one and at most 1,000. Saving
    /// holds one part in memory at a time.
    /// </summary>
    public int PartCount { get; init; }

    /// <summary>Whether an existing directory at the target is replaced. Default <see langword="false"/>: saving to an
    /// existing path fails, as Spark's <c>save</c> does without <c>overwrite()</c>.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The time to record as the save time; <see langword="null"/> (default) for now. Fixing it makes the
    /// metadata, and with <see cref="Uid"/> the whole directory, byte for byte reproducible.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The model uid to record; <see langword="null"/> (default) for a new one, <c>ALS_</c> and 12
    /// hexadecimal digits as Spark makes them.</summary>
    public string? Uid { get; init; }

    /// <summary>The most part files per side.</summary>
    internal const int MaxPartCount = 1000;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A column name or the uid is empty or blank, or the strategy is neither
    /// <c>nan</c> nor <c>drop</c>.</exception>
    /// <exception cref="ArgumentNullException">A column name or the strategy is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PartCount"/> is negative or above 1,000.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(UserColumn);
        ArgumentException.ThrowIfNullOrWhiteSpace(ItemColumn);
        ArgumentNullException.ThrowIfNull(ColdStartStrategy);
        if (ColdStartStrategy is not ("nan" or "drop"))
        {
            throw new ArgumentException($"ColdStartStrategy must be \"nan\" or \"drop\", but was \"{ColdStartStrategy}\".", nameof(ColdStartStrategy));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(PartCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PartCount, MaxPartCount);
        if (Uid is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(Uid);
        }
    }
}
