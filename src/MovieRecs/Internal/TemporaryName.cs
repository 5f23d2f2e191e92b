using System.Buffers;
using System.Text;

namespace MovieRecs.Internal;

/// <summary>
/// The part of a target's name that its temporary file or folder (<c>.STEM.GUID.tmp</c>) carries: the name itself,
/// or, when the whole temporary name would pass the 255 bytes a file name may hold (UTF-8 on Linux, UTF-16 units on
/// Windows and macOS), its longest prefix that fits. Without it, a target named with 218 to 255 bytes, which the
/// system accepts, could never be saved.
/// </summary>
internal static class TemporaryName
{
    /// <summary>The longest file name the common file systems take, in bytes (UTF-8) or UTF-16 units.</summary>
    internal const int MaxFileNameLength = 255;

    /// <summary>The length of a temporary name beyond its stem: the dot before, the dot and 32 hex digits of the GUID,
    /// and <c>.tmp</c> (all ASCII).</summary>
    internal const int SuffixLength = 1 + 1 + 32 + 4;

    /// <summary><paramref name="name"/>, cut so that <c>.STEM.GUID.tmp</c> fits in <see cref="MaxFileNameLength"/>
    /// bytes and UTF-16 units; never between the halves of a surrogate pair.</summary>
    public static string Stem(string name)
    {
        const int Room = MaxFileNameLength - SuffixLength;
        if (name.Length <= Room / 3 || (name.Length <= Room && Encoding.UTF8.GetByteCount(name) <= Room))
        {
            return name;
        }

        var length = 0;
        var bytes = 0;
        while (length < name.Length)
        {
            var units = char.IsHighSurrogate(name[length]) && length + 1 < name.Length && char.IsLowSurrogate(name[length + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(name.AsSpan(length, units));
            if (length + units > Room || bytes + size > Room)
            {
                break;
            }

            length += units;
            bytes += size;
        }

        return name[..length];
    }

    private static readonly SearchValues<char> s_lowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>The temporary name for <paramref name="name"/>: hidden on Unix, unique per call.</summary>
    public static string For(string name) => $".{Stem(name)}.{Guid.NewGuid():N}.tmp";

    /// <summary>Whether <paramref name="fileName"/> is a name that <see cref="For"/> gives for <paramref name="name"/>:
    /// <c>.STEM.</c>, exactly 32 lowercase hex digits, <c>.tmp</c>.</summary>
    public static bool IsFor(ReadOnlySpan<char> fileName, string name)
    {
        name = Stem(name);
        if (fileName.Length != name.Length + SuffixLength
            || fileName[0] != '.'
            || !fileName[1..].StartsWith(name, StringComparison.Ordinal)
            || fileName[name.Length + 1] != '.'
            || !fileName.EndsWith(".tmp", StringComparison.Ordinal))
        {
            return false;
        }

        return !fileName.Slice(name.Length + 2, 32).ContainsAnyExcept(s_lowerHexDigits);
    }

    /// <summary>
    /// Removes the temporary files (or, with <paramref name="folders"/>, folders) that <see cref="For"/> named for
    /// <paramref name="name"/> in <paramref name="folder"/> and killed processes left, untouched for
    /// <paramref name="staleAfter"/> (a live writer writes continuously, so a younger one may belong to a concurrent
    /// save and is kept). Best effort: leftovers cost disk space, never a wrong result, and a folder that cannot be
    /// listed fails the save itself, with a clearer message.
    /// </summary>
    public static void RemoveStale(string folder, string name, TimeSpan staleAfter, bool folders)
    {
        var cutoff = DateTime.UtcNow - staleAfter;
        var stem = Stem(name);
        var pattern = stem.AsSpan().ContainsAny('*', '?') ? "*.tmp" : $".{stem}.*.tmp";
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, MatchType = MatchType.Simple, RecurseSubdirectories = false };
        try
        {
            var entries = folders ? Directory.EnumerateDirectories(folder, pattern, options) : Directory.EnumerateFiles(folder, pattern, options);
            foreach (var entry in entries)
            {
                if (!IsFor(Path.GetFileName(entry.AsSpan()), name))
                {
                    continue;
                }

                if (folders && Directory.GetLastWriteTimeUtc(entry) < cutoff)
                {
                    FileCleanup.TryDeleteDirectory(entry);
                }
                else if (!folders && File.GetLastWriteTimeUtc(entry) < cutoff)
                {
                    FileCleanup.TryDeleteFile(entry);
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }
}
