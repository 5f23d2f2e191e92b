namespace MovieRecs.Persistence;

/// <summary>How the <c>.npy</c> entries of an <c>.npz</c> archive are stored.</summary>
internal enum NpzCompression
{
    /// <summary>Uncompressed, as <c>numpy.savez</c> writes (fastest; entries can be read without inflating).</summary>
    Stored = 1,

    /// <summary>Deflate-compressed, as <c>numpy.savez_compressed</c> writes (smaller; slower to write and read).</summary>
    Deflated,
}
