namespace MovieRecs.Persistence;

/// <summary>
/// Replaces a file atomically: the content goes to a temporary file in the same folder (so the rename stays on one
/// volume), is flushed to the disk, then renamed over the target. A failure at any point deletes the temporary file
/// and leaves the target as it was.
/// </summary>
internal static class AtomicFileWriter
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given (which it must not dispose).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> names a folder.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var target = Path.GetFullPath(path);
        var name = Path.GetFileName(target);
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"The path '{path}' names a folder, not a file.", nameof(path));
        }

        var folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"The path '{path}' has no folder.", nameof(path));
        var temporary = TemporaryPath(folder, name);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The temporary name used for <paramref name="name"/>: hidden on Unix, unique per call.</summary>
    internal static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more; a stray temporary file is the lesser harm.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
