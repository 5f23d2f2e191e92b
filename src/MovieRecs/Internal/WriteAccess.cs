using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Internal;

/// <summary>
/// Tells whether this process may write an existing file in place, without opening it. A save replaces its target by
/// renaming a new file over it, which the folder's permissions allow even when the file itself is read-only; the
/// writers ask this first so that a write-protected file is refused, as writing it in place would be.
/// </summary>
/// <remarks>
/// On Linux and macOS this asks the kernel through <c>faccessat</c> with <c>AT_EACCESS</c>: the effective user and
/// groups (on Linux the file system user) and their capabilities decide, exactly as for an <c>open</c> for writing,
/// so a superuser may write any file, as it may open it. Nothing is opened, so a watcher of the file sees no event.
/// Elsewhere nothing is known beforehand; on Windows the rename itself refuses a read-only
/// file.
/// </remarks>
internal static class WriteAccess
{
    private const int WriteOk = 2;
    private const int PermissionDenied = 13;

    /// <summary>
    /// Whether the permissions of <paramref name="path"/>, an existing regular file, keep this process from writing
    /// it. False when it may be written, and when the system cannot tell (not Linux or macOS, no such file, another
    /// error): the save then goes on and the rename decides.
    /// </summary>
    /// <param name="path">An absolute path.</param>
    public static bool IsWriteProtected(string path)
    {
        int currentDirectory, effectiveIds;
        if (OperatingSystem.IsLinux())
        {
            (currentDirectory, effectiveIds) = (-100, 0x200);
        }
        else if (OperatingSystem.IsMacOS())
        {
            (currentDirectory, effectiveIds) = (-2, 0x10);
        }
        else
        {
            return false;
        }

        try
        {
            return FAccessAt(currentDirectory, Encoding.UTF8.GetBytes(path + "\0"), WriteOk, effectiveIds) != 0
                && Marshal.GetLastPInvokeError() == PermissionDenied;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "faccessat", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FAccessAt(int directory, byte[] path, int mode, int flags);
}
