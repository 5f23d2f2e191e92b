using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Tests;

/// <summary>FIFOs for the tests of writers that must not replace them.</summary>
internal static class UnixFiles
{
    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/>, mode 0644.</summary>
    public static void MakeFifo(string path)
    {
        if (MakeFifo(Encoding.UTF8.GetBytes(path + "\0"), 0b110_100_100) != 0)
        {
            throw new IOException($"mkfifo '{path}' failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Whether <paramref name="path"/> is a FIFO: Linux opens a FIFO for reading and writing without waiting
    /// for the other end, and a FIFO cannot seek (a regular file put in its place could).</summary>
    public static bool IsFifo(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return false;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        return !stream.CanSeek;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MakeFifo(byte[] path, uint mode);
}
