namespace MovieRecs.Persistence;

/// <summary>What is wrong with a <c>.npy</c>/<c>.npz</c> file, as reported by <see cref="NpyFormatErrorExtensions.GetNpyFormatError"/>.</summary>
public enum NpyFormatError
{
    /// <summary>The file does not start with the <c>\x93NUMPY</c> magic string.</summary>
    BadMagic = 1,

    /// <summary>The format version is not 1.0, 2.0 or 3.0.</summary>
    UnsupportedVersion,

    /// <summary>The header is longer than <see cref="NpyReadOptions.MaxHeaderLength"/>.</summary>
    HeaderTooLong,

    /// <summary>The header is not a Python dict literal with exactly the keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>.</summary>
    MalformedHeader,

    /// <summary>The dtype is not one this library reads (complex, structured, datetime, bytes, long double...).</summary>
    UnsupportedDataType,

    /// <summary>The array holds Python objects (dtype <c>|O</c>), whose payload is a pickle: never unpickled, always rejected.</summary>
    ObjectArray,

    /// <summary>The shape is not a tuple of non-negative integers.</summary>
    InvalidShape,

    /// <summary>The array has more than two dimensions.</summary>
    UnsupportedShape,

    /// <summary>The shape (or an <c>.npz</c> entry's declared size) claims more elements than <see cref="NpyReadOptions.MaxElementCount"/>
    /// or a .NET array can hold; for a model, its arrays together claim more than that limit, or its padded factors more than
    /// <see cref="AlsModelReadOptions.MaxElementCount"/>.</summary>
    TooManyElements,

    /// <summary>The header or the payload ends before the length it declares.</summary>
    Truncated,

    /// <summary>A value cannot be represented (e.g. a string element that is not valid UTF-32).</summary>
    InvalidValue,

    /// <summary>The <c>.npz</c> container is not a readable zip archive, or an entry is damaged (bad CRC, impossible sizes).</summary>
    InvalidArchive,

    /// <summary>The <c>.npz</c> archive holds two arrays of the same name.</summary>
    DuplicateEntry,

    /// <summary>A required array is absent (e.g. <c>user_factors</c> in a model file).</summary>
    MissingEntry,

    /// <summary>The arrays are readable but do not form a valid model (mismatched shapes, wrong dtypes, non-finite factors...).</summary>
    InvalidModel,
}
