namespace MovieRecs.Internal;

/// <summary>Rewording a file system error so that it names the user's path, not a temporary one.</summary>
internal static class IOErrors
{
    /// <summary>An exception of the same kind as <paramref name="error"/> (as far as the documented kinds go) with
    /// <paramref name="message"/>, <paramref name="error"/> as the inner exception, and its HResult.</summary>
    public static Exception Named(Exception error, string message)
    {
        Exception named = error switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, error),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, error),
            PathTooLongException => new PathTooLongException(message, error),
            _ => new IOException(message, error),
        };
        named.HResult = error.HResult;
        return named;
    }
}
