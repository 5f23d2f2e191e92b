using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>Opening files with the readers' conventions.</summary>
internal static class MovieLensFile
{
    /// <summary>Opens <paramref name="path"/> for one sequential pass without the stream's own buffer (the readers buffer).</summary>
    public static FileStream OpenSequential(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"MovieLens file not found: {MessageText.Escape(path)}", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
    }
}
