using MovieRecs.Internal;

namespace MovieRecs.Cli;

/// <summary>
/// The files and folders a command reads, checked before they are opened: a missing one is named as the user gave it
/// (not as .NET's absolute path), and a pipe is refused, since a model is read with seeks and a ratings file twice (to
/// tell its release, then to read it), which a pipe cannot give, and opening a FIFO nobody writes to waits forever.
/// </summary>
internal static class InputPaths
{
    /// <summary>Throws a <see cref="UsageException"/> unless <paramref name="path"/> is a folder or a file that can be read more than once.</summary>
    public static void Check(string path)
    {
        if (!Path.Exists(path))
        {
            throw new UsageException($"no such file or folder: {CliOptions.Quote(path)}");
        }

        if (Directory.Exists(path))
        {
            return;
        }

        var what = FileKinds.OfFinalTarget(path) switch
        {
            FileKind.Fifo => "a FIFO (named pipe)",
            FileKind.Socket => "a socket",
            // It exists, yet its final target does not: an anonymous pipe such as /dev/fd/63 from <(...).
            FileKind.Missing => "a pipe",
            _ => null,
        };
        if (what is not null)
        {
            throw new UsageException($"{CliOptions.Quote(path)} is {what}; give a regular file (a pipe can be read only once, in order)");
        }
    }
}
