using System.Runtime.InteropServices;

namespace MovieRecs.Tests.Internal;

/// <summary>
/// Runs code with the file system permissions of an ordinary user, so that tests of permission rules mean something
/// when the suite runs as the superuser (as it does in containers), for which the kernel lets every file be written.
/// </summary>
internal static class FileSystemUser
{
    /// <summary>The user id of <c>nobody</c> on Linux.</summary>
    private const uint Nobody = 65534;

    /// <summary>Whether <see cref="Run"/> can take an ordinary user's permissions here: on Unix as such a user, or on
    /// Linux as the superuser.</summary>
    public static bool IsAvailable => !OperatingSystem.IsWindows() && (!IsSuperuser || OperatingSystem.IsLinux());

    /// <summary>
    /// Runs <paramref name="action"/> on this thread as an ordinary user of the file system. As the superuser on
    /// Linux it switches this thread's file system user to <c>nobody</c> (<c>setfsuid</c>, which also drops the
    /// capability to override permissions) and back after; as any other user it just runs it. The action must not
    /// leave the thread (no awaits, no parallel loops).
    /// </summary>
    public static void Run(Action action)
    {
        if (!IsSuperuser)
        {
            action();
            return;
        }

        var previous = SetFileSystemUser(Nobody);
        try
        {
            Assert.Equal(Nobody, SetFileSystemUser(Nobody));
            action();
        }
        finally
        {
            _ = SetFileSystemUser(previous);
        }
    }

    private static bool IsSuperuser => !OperatingSystem.IsWindows() && GetEffectiveUser() == 0;

    [DllImport("libc", EntryPoint = "setfsuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint SetFileSystemUser(uint user);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEffectiveUser();
}
