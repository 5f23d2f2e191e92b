using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>Opens the files the path-taking readers read, turning a folder given for a file into an error that says so,
/// and loads a model file whole (nothing may follow it).</summary>
internal static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for sequential reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expected">What the reader expects, for the message: "a model file", "a .npy file"...</param>
    /// <param name="bufferSize">The <see cref="FileStream"/> buffer size (0 for none).</param>
    /// <returns>The open file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> names a folder.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <remarks>Opening a folder as a file fails with <see cref="UnauthorizedAccessException"/> ("Access to the path
    /// is denied"), which sends the user after permissions; the folder is only looked for once the open has failed,
    /// so reading a file costs nothing more.</remarks>
    public static FileStream OpenRead(string path, string expected, int bufferSize = 1 << 16)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException && Directory.Exists(path))
        {
            throw new ArgumentException($"'{MessageText.Escape(path)}' is a folder, not {expected}.", nameof(path), e);
        }
    }

    /// <summary>Opens <paramref name="path"/>, reads one model with <paramref name="read"/> and fails with
    /// <see cref="ModelFileError.TrailingData"/> when bytes follow it.</summary>
    public static TModel LoadModel<TModel>(string path, string kind, Func<Stream, string, CancellationToken, TModel> read, CancellationToken cancellationToken)
    {
        using var stream = OpenRead(path, kind);
        var model = read(stream, path, cancellationToken);
        var length = stream.Length;
        if (stream.Position != length)
        {
            AlsModelFileErrors.Throw(
                ModelFileError.TrailingData,
                path,
                $"{length - stream.Position} unexpected bytes after the model's checksum (the file is {length} bytes, the model {stream.Position}).");
        }

        return model;
    }
}
