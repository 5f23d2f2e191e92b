using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>
/// Thrown when <see cref="AlsModelFile"/> or <see cref="ImplicitModelFile"/> is given bytes that are not a valid model
/// file: another kind of file, a newer format version, a truncated or damaged file, sizes beyond
/// <see cref="ModelLoadOptions"/>, or a model this library cannot serve. <see cref="Kind"/> says which, and
/// <see cref="SourceName"/> names the file; the message states both and what was found.
/// </summary>
/// <remarks>
/// <para>An <see cref="IOException"/>, like the failures of reading the file itself, so <c>catch (IOException)</c>
/// around a load handles a missing, unreadable and damaged model alike. (<see cref="InvalidDataException"/>, which
/// the MovieLens readers throw for text files, is sealed and carries no kind.)</para>
/// <para>The message is <c>SOURCE: DETAIL</c> for the own format and <c>SOURCE: KIND: DETAIL</c> for the arrays of
/// an <c>.npz</c>, where the source may name an entry (<c>model.npz:user_factors</c>).</para>
/// <para>Control and other unsafe characters in the message (from a path, an archive entry or the file's own bytes)
/// are escaped (<c>\n</c>, <c>\x1b</c>, ...), so a hostile name cannot forge log lines or terminal output;
/// <see cref="SourceName"/> keeps the name exactly as given.</para>
/// </remarks>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What is wrong.</param>
    /// <param name="sourceName">The file (or <c>archive:entry</c>) that is wrong.</param>
    /// <param name="message">The message, naming the source and the problem; unsafe characters in it are escaped.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> or <paramref name="message"/> is null.</exception>
    public ModelFileException(ModelFileError kind, string sourceName, string message, Exception? innerException = null)
        : base(MessageText.Escape(message ?? throw new ArgumentNullException(nameof(message))), innerException)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        Kind = kind;
        SourceName = sourceName;
    }

    /// <summary>What is wrong with the file.</summary>
    public ModelFileError Kind { get; }

    /// <summary>The file the error is about, as the caller named it (the path given, or a stream's source name), or
    /// for an array inside an <c>.npz</c> archive <c>ARCHIVE:ENTRY</c> (e.g. <c>model.npz:user_factors</c>).</summary>
    public string SourceName { get; }
}
