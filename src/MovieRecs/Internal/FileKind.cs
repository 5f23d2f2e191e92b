using System.Runtime.InteropServices;
using System.Text;

namespace MovieRecs.Internal;

/// <summary>What a path names, as far as replacing it by a regular file is concerned.</summary>
internal enum FileKind
{
    /// <summary>The type could not be told (not Linux, or the system call is unavailable or failed).</summary>
    Unknown,

    /// <summary>Nothing exists at the path.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO (named pipe).</summary>
    Fifo,

    /// <summary>A character device such as <c>/dev/null</c>.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}

/// <summary>
/// Tells the <see cref="FileKind"/> of a path without opening it (opening a FIFO waits for the other end). .NET tells
/// folders and symbolic links apart but not FIFOs, sockets or devices, which it reports as files; on Linux this asks
/// the kernel through <c>statx</c>, whose structure has one layout on every architecture.
/// </summary>
internal static class FileKinds
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;

    /// <summary>The size of <c>struct statx</c>, fixed by the kernel ABI.</summary>
    private const int StatxSize = 0x100;

    /// <summary>The offset of <c>stx_mode</c> (16 bits) in <c>struct statx</c>.</summary>
    private const int ModeOffset = 0x1C;

    private const int NoSuchEntry = 2;
    private const int NotADirectory = 20;

    /// <summary>The kind of <paramref name="path"/> itself (a symbolic link is reported, not followed).</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>The kind, or <see cref="FileKind.Unknown"/> where the system cannot tell (see the class remarks).</returns>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return FileKind.Unknown;
        }

        var status = new byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, Encoding.UTF8.GetBytes(path + "\0"), AtSymlinkNoFollow, StatxType, status);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return FileKind.Unknown;
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() is NoSuchEntry or NotADirectory ? FileKind.Missing : FileKind.Unknown;
        }

        if ((MemoryMarshal.Read<uint>(status) & StatxType) == 0)
        {
            return FileKind.Unknown;
        }

        return (MemoryMarshal.Read<ushort>(status.AsSpan(ModeOffset)) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
    }

    /// <summary>
    /// The kind of what <paramref name="path"/> finally leads to, symbolic links followed: <see cref="FileKind.Missing"/>
    /// for a link to nothing (or to an anonymous pipe such as <c>/dev/fd/63</c>), <see cref="FileKind.SymbolicLink"/>
    /// for a loop of links or one that cannot be read.
    /// </summary>
    /// <param name="path">A path, relative or absolute.</param>
    public static FileKind OfFinalTarget(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).LinkTarget is not null)
            {
                full = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
            }
        }
        catch (IOException)
        {
            return FileKind.SymbolicLink;
        }

        return Of(full);
    }

    /// <summary>How a message names <paramref name="kind"/>.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "not a regular file",
    };

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, [Out] byte[] status);
}
