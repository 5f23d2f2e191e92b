namespace MovieRecs.Spark;

/// <summary>
/// What is wrong with a Spark ALSModel directory, as reported by <see cref="SparkModelException.Kind"/> when
/// <see cref="SparkModelDirectory"/> rejects it.
/// </summary>
public enum SparkModelError
{
    /// <summary>A file the model needs is absent: <c>metadata/part-00000</c>, the <c>userFactors</c> or
    /// <c>itemFactors</c> folder or any part file in it, or a file whose Hadoop checksum file (<c>.NAME.crc</c>) is
    /// there without it (a part deleted or never written; a part removed together with its checksum file cannot be
    /// told from a part that was never there), or such a file that is not a regular file (a FIFO, socket, device or
    /// folder, which is refused rather than opened).</summary>
    MissingFile = 1,

    /// <summary>The metadata is not Spark's one-line JSON object with a string <c>class</c> and an integer <c>rank</c>
    /// from 1 to <see cref="Als.AlsOptions.MaxFactors"/>, or a field has the wrong type, or the file is larger than
    /// metadata ever is.</summary>
    InvalidMetadata,

    /// <summary>The metadata names another class than <c>org.apache.spark.ml.recommendation.ALSModel</c> (another
    /// Spark model, or the ALS estimator rather than the fitted model).</summary>
    NotAlsModel,

    /// <summary>A Hadoop checksum file (<c>.NAME.crc</c>: the magic <c>crc\0</c>, the chunk size and one CRC-32 per
    /// chunk) does not match the bytes of its file, or is itself malformed.</summary>
    ChecksumMismatch,

    /// <summary>A part file ends early: shorter than its checksum file says, or without the Parquet footer and the
    /// closing <c>PAR1</c>.</summary>
    Truncated,

    /// <summary>A part file is not a readable Parquet file: no <c>PAR1</c> magic, a damaged footer or page, page sizes
    /// that do not fit the file, or data the Parquet reader rejects.</summary>
    InvalidParquet,

    /// <summary>A part file's columns are not Spark's factor schema: an <c>id</c> of physical type INT32 without
    /// nulls and a <c>features</c> list of FLOAT.</summary>
    InvalidSchema,

    /// <summary>A factor vector has another length than the metadata's <c>rank</c> (or a part holds more or fewer
    /// values than its rows times the rank).</summary>
    WrongVectorLength,

    /// <summary>A factor vector or one of its elements is null, or a factor is NaN or infinite.</summary>
    InvalidValue,

    /// <summary>An id appears twice among the user factors or among the item factors.</summary>
    DuplicateId,

    /// <summary>The factors the files declare (rows times rank, users and items together) exceed
    /// <see cref="SparkModelLoadOptions.MaxElementCount"/> or what one .NET array holds; rejected before anything is
    /// allocated for them.</summary>
    TooManyElements,

    /// <summary>The user or the item factors hold no row: a model has at least one of each.</summary>
    EmptyFactors,
}
