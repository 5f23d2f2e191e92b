namespace MovieRecs.Persistence;

/// <summary>
/// What is wrong with a model file, as reported by <see cref="ModelFileException.Kind"/> when
/// <see cref="AlsModelFile"/>, <see cref="ItemKnnModelFile"/>, <see cref="BprModelFile"/>,
/// <see cref="LogisticMfModelFile"/> or <see cref="ImplicitModelFile"/> rejects it. The first eight kinds apply to this
/// library's own formats; the others to the arrays of an <c>implicit</c> <c>.npz</c> archive (and <see cref="BadMagic"/>,
/// <see cref="UnsupportedVersion"/>, <see cref="Truncated"/>, <see cref="TooManyElements"/> and
/// <see cref="InvalidValue"/> to its arrays too).
/// </summary>
public enum ModelFileError
{
    /// <summary>The file does not start with the format's magic bytes (the own format's <c>\x89MRALS\r\n</c>, or an
    /// archive entry's <c>\x93NUMPY</c>): it is another kind of file.</summary>
    BadMagic = 1,

    /// <summary>The format version is newer than this library reads (or 0, which no writer produces); for an
    /// <c>.npz</c> entry, a <c>.npy</c> version other than 1.0, 2.0 or 3.0.</summary>
    UnsupportedVersion,

    /// <summary>The file (or an archive entry) ends before the header, ids, factors or checksum it declares.</summary>
    Truncated,

    /// <summary>A CRC-32 of the own format (of the header, or of the whole file) does not match: the bytes were damaged.</summary>
    ChecksumMismatch,

    /// <summary>The own format's header is intact but describes no valid model: unknown flags, shapes or options out of range.</summary>
    InvalidHeader,

    /// <summary>The file claims a model whose factors, each row padded to the vector width, take more floats than
    /// <see cref="ModelLoadOptions.MaxElementCount"/>, or more rows than a .NET array holds; for an <c>.npz</c>, also
    /// an entry or all its arrays together claiming more elements than that limit. Rejected before anything is
    /// allocated or inflated for it.</summary>
    TooManyElements,

    /// <summary>The structure is sound but a value is invalid: a non-finite factor or a repeated id in the own format,
    /// a string element that is not valid Unicode in an archive entry.</summary>
    InvalidValue,

    /// <summary>A file of the own format holds bytes after the model's checksum (only checked when loading from a path).</summary>
    TrailingData,

    /// <summary>The <c>.npz</c> is not a readable zip archive, or an entry is damaged (bad CRC, inflating beyond its
    /// declared size, impossible sizes).</summary>
    InvalidArchive,

    /// <summary>The <c>.npz</c> archive holds two arrays of the same name.</summary>
    DuplicateEntry,

    /// <summary>A required array is absent from the <c>.npz</c> (<c>user_factors</c> or <c>item_factors</c>).</summary>
    MissingEntry,

    /// <summary>An archive entry's array header is longer than numpy's limit of 10,000 bytes.</summary>
    HeaderTooLong,

    /// <summary>An archive entry's array header is not a Python dict literal with exactly the keys <c>descr</c>,
    /// <c>fortran_order</c> and <c>shape</c>.</summary>
    MalformedHeader,

    /// <summary>An archive entry's shape is not a tuple of non-negative integers.</summary>
    InvalidShape,

    /// <summary>An archive entry has more than two dimensions.</summary>
    UnsupportedShape,

    /// <summary>An archive entry's dtype is not one this library reads (complex, structured, datetime, bytes, long double...).</summary>
    UnsupportedDataType,

    /// <summary>An archive entry holds Python objects (dtype <c>|O</c>), whose payload is a pickle: never unpickled,
    /// always rejected from the header alone.</summary>
    ObjectArray,

    /// <summary>The arrays of the <c>.npz</c> are readable but do not form a model this library serves: factor
    /// matrices that are not 2-D floats with the same number of columns, non-finite factors, a hyperparameter of the
    /// wrong type or range, ids of the wrong length or repeated, no user or item rows, more than
    /// <see cref="Als.AlsOptions.MaxFactors"/> factors.</summary>
    InvalidModel,
}
