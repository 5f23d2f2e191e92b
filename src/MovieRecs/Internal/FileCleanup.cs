namespace MovieRecs.Internal;

/// <summary>Best-effort removal of files and folders a failed or finished operation leaves behind: a leftover costs
/// disk space only, and the operation's own outcome matters more than the failure to remove it.</summary>
internal static class FileCleanup
{
    /// <summary>Deletes <paramref name="file"/> if it is there, ignoring failures.</summary>
    public static void TryDeleteFile(string? file)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            File.Delete(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes <paramref name="folder"/> and everything in it if it is there, ignoring failures.</summary>
    public static void TryDeleteDirectory(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes <paramref name="folder"/> if it is there and empty, ignoring failures (a folder that is not
    /// empty is kept with what it holds).</summary>
    public static void TryDeleteEmptyDirectory(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }
}
