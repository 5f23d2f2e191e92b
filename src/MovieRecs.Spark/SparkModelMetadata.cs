namespace MovieRecs.Spark;

/// <summary>
/// What a Spark ALSModel directory's <c>metadata/part-00000</c> says (Spark's <c>DefaultParamsWriter</c> JSON line):
/// the class, the Spark release and time it was saved, the model's uid, its rank and the columns it scores.
/// </summary>
/// <remarks>Immutable. Read with <see cref="SparkModelDirectory.ReadMetadata"/>; the hyperparameters of the
/// training job (<c>regParam</c>, <c>alpha</c>, <c>implicitPrefs</c>, <c>maxIter</c>) are not among them: Spark keeps
/// them on the estimator, not on the saved model.</remarks>
public sealed record SparkModelMetadata
{
    /// <summary>The Scala class of the saved object; <see cref="SparkModelDirectory.AlsModelClass"/> for a model this
    /// package loads.</summary>
    public required string ClassName { get; init; }

    /// <summary>The Spark release that saved the model (for example <c>3.5.5</c>).</summary>
    public required string SparkVersion { get; init; }

    /// <summary>The model's uid (for example <c>ALS_1e3136d6f53b</c>).</summary>
    public required string Uid { get; init; }

    /// <summary>When the model was saved (Spark writes milliseconds since the Unix epoch).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The number of latent factors per user and item.</summary>
    public required int Rank { get; init; }

    /// <summary>The user id column <c>transform</c> reads (<c>userCol</c>; Spark's default is <c>user</c>).</summary>
    public required string UserColumn { get; init; }

    /// <summary>The item id column <c>transform</c> reads (<c>itemCol</c>; Spark's default is <c>item</c>).</summary>
    public required string ItemColumn { get; init; }

    /// <summary>What <c>transform</c> does with ids the model lacks (<c>coldStartStrategy</c>: <c>nan</c>, Spark's
    /// default, or <c>drop</c>).</summary>
    public required string ColdStartStrategy { get; init; }
}
