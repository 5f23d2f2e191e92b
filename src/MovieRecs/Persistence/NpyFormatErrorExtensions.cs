namespace MovieRecs.Persistence;

/// <summary>
/// Tells which <see cref="NpyFormatError"/> an <see cref="InvalidDataException"/> thrown by the persistence readers
/// reports, and for which file or entry. (<see cref="InvalidDataException"/> is sealed, so the readers throw it
/// as is and record both facts in <see cref="Exception.Data"/> under <see cref="ErrorKey"/> and <see cref="SourceKey"/>;
/// the message always states them too.)
/// </summary>
public static class NpyFormatErrorExtensions
{
    /// <summary>The <see cref="Exception.Data"/> key that holds the <see cref="NpyFormatError"/>.</summary>
    public const string ErrorKey = "MovieRecs.NpyFormatError";

    /// <summary>The <see cref="Exception.Data"/> key that holds the file or entry name (a <see cref="string"/>).</summary>
    public const string SourceKey = "MovieRecs.NpySource";

    /// <summary>The kind of problem reported by <paramref name="exception"/>, or null when it was not thrown by a persistence reader.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The kind of problem, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static NpyFormatError? GetNpyFormatError(this InvalidDataException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[ErrorKey] is NpyFormatError error ? error : null;
    }

    /// <summary>The file or archive entry (e.g. <c>model.npz:user_factors</c>) named by <paramref name="exception"/>, or null.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The source name, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static string? GetNpySourceName(this InvalidDataException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[SourceKey] as string;
    }

    /// <summary>Creates the exception the readers throw: the message is "source: Error: detail".</summary>
    internal static InvalidDataException Create(NpyFormatError error, string? sourceName, string detail, Exception? innerException = null)
    {
        var message = sourceName is null ? $"{error}: {detail}" : $"{sourceName}: {error}: {detail}";
        var exception = new InvalidDataException(message, innerException);
        exception.Data[ErrorKey] = error;
        if (sourceName is not null)
        {
            exception.Data[SourceKey] = sourceName;
        }

        return exception;
    }
}
