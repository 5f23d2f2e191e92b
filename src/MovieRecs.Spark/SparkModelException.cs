namespace MovieRecs.Spark;

/// <summary>
/// Thrown when <see cref="SparkModelDirectory"/> is given a folder that is not a valid Spark ALSModel directory:
/// missing files, metadata of another model, damaged or truncated part files, checksums that do not match, another
/// schema, vectors of the wrong length, null or non-finite factors, repeated ids, or sizes beyond the limits.
/// <see cref="Kind"/> says which and <see cref="SourceName"/> names the file; the message states both and what was
/// found.
/// </summary>
/// <remarks>An <see cref="IOException"/>, like the core's <see cref="Persistence.ModelFileException"/> and the
/// failures of reading the files themselves, so one <c>catch (IOException)</c> around a load handles a missing,
/// unreadable and damaged model alike. Its own type, because its kinds are those of a Spark directory (files,
/// Parquet, checksums), not of the core's single-file formats. Control and other unsafe characters in the message
/// (from a path or the files' own bytes) are escaped (<c>\n</c>, <c>\x1b</c>, ...), as in the core's exception;
/// <see cref="SourceName"/> keeps the name exactly as found.</remarks>
public sealed class SparkModelException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What is wrong.</param>
    /// <param name="sourceName">The file or folder that is wrong.</param>
    /// <param name="message">The message, naming the source and the problem; unsafe characters in it are escaped.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> or <paramref name="message"/> is null.</exception>
    public SparkModelException(SparkModelError kind, string sourceName, string message, Exception? innerException = null)
        : base(MovieRecs.Internal.MessageText.Escape(message ?? throw new ArgumentNullException(nameof(message))), innerException)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        Kind = kind;
        SourceName = sourceName;
    }

    /// <summary>What is wrong with the directory.</summary>
    public SparkModelError Kind { get; }

    /// <summary>The file or folder the error is about (for example
    /// <c>model/itemFactors/part-00003-….snappy.parquet</c>), as a path under the directory the caller named.</summary>
    public string SourceName { get; }
}
