namespace MovieRecs.Persistence;

/// <summary>
/// What is wrong with a MovieRecs model file, as reported by <see cref="AlsModelFile.GetError"/> for the
/// <see cref="InvalidDataException"/> that <see cref="AlsModelFile.Load(Stream, AlsModelReadOptions?, string?, CancellationToken)"/> throws.
/// </summary>
public enum AlsModelFileError
{
    /// <summary>The file does not start with the MovieRecs model magic bytes: it is another kind of file.</summary>
    BadMagic = 1,

    /// <summary>The format version is newer than this library reads (or 0, which no writer produces).</summary>
    UnsupportedVersion,

    /// <summary>The file ends before the header, ids, factors or checksum it declares.</summary>
    Truncated,

    /// <summary>A CRC-32 (of the header, or of the whole file) does not match: the bytes were damaged.</summary>
    ChecksumMismatch,

    /// <summary>The header is intact but describes no valid model: unknown flags, shapes or options out of range.</summary>
    InvalidHeader,

    /// <summary>The shapes claim a model whose padded rows take more floats than <see cref="AlsModelReadOptions.MaxElementCount"/>, or more rows than a .NET array holds.</summary>
    TooLarge,

    /// <summary>The checksum matches but a value is invalid: a non-finite factor or a repeated id.</summary>
    InvalidValue,

    /// <summary>A file holds bytes after the model's checksum (only checked when loading from a path).</summary>
    TrailingData,
}
