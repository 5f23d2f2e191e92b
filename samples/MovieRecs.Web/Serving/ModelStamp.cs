using System.IO.Hashing;
using System.Text;
using MovieRecs.Internal;

namespace MovieRecs.Web.Serving;

/// <summary>
/// What the model path held when it was read, to tell whether it changed since: for a file its length, its last write
/// time and a hash of its first and last 64 KiB (a model file's trailer holds its checksum, and a write within the
/// same clock tick of the file system leaves the time alone), in one 64-bit XXH64; for a directory the same for every
/// file in it, with its relative name. Nothing that is not a regular file (symbolic links followed) is opened: a FIFO
/// would wait for a writer.
/// </summary>
internal readonly record struct ModelStamp(long Files, long Length, long Hash)
{
    private const int Sample = 64 * 1024;

    /// <summary>The stamp of <paramref name="path"/>; a path that cannot be read has a stamp equal to no other
    /// (so it is always loaded again, and the load says what is wrong).</summary>
    public static ModelStamp Of(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                var hash = new XxHash64();
                long files = 0, length = 0;
                var root = new DirectoryInfo(path);
                var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
                foreach (var file in root.EnumerateFiles("*", options).OrderBy(f => f.FullName, StringComparer.Ordinal))
                {
                    var name = Encoding.UTF8.GetBytes(Path.GetRelativePath(root.FullName, file.FullName));
                    hash.Append(BitConverter.GetBytes(name.Length));
                    hash.Append(name);
                    Add(hash, file);
                    files++;
                    length += file.Length;
                }

                return new ModelStamp(files, length, (long)hash.GetCurrentHashAsUInt64());
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Missing;
            }

            var single = new XxHash64();
            Add(single, info);
            return new ModelStamp(1, info.Length, (long)single.GetCurrentHashAsUInt64());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable();
        }
    }

    /// <summary>The stamp of a path where nothing is.</summary>
    public static ModelStamp Missing { get; } = new(0, -1, 0);

    /// <summary>A stamp equal to no other.</summary>
    private static ModelStamp Unreadable() => new(-1, -1, Random.Shared.NextInt64());

    private static void Add(XxHash64 hash, FileInfo file)
    {
        hash.Append(BitConverter.GetBytes(file.Length));
        hash.Append(BitConverter.GetBytes(file.LastWriteTimeUtc.Ticks));
        if (FileKinds.OfFinalTarget(file.FullName) is not (FileKind.Regular or FileKind.Unknown))
        {
            hash.Append(BitConverter.GetBytes(Random.Shared.NextInt64()));
            return;
        }

        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        Span<byte> buffer = stackalloc byte[4096];
        AddBytes(hash, stream, buffer, Sample);
        if (stream.Length > 2 * Sample)
        {
            stream.Seek(-Sample, SeekOrigin.End);
        }

        AddBytes(hash, stream, buffer, Sample);
    }

    private static void AddBytes(XxHash64 hash, Stream stream, Span<byte> buffer, int most)
    {
        int read;
        while (most > 0 && (read = stream.Read(buffer[..Math.Min(buffer.Length, most)])) > 0)
        {
            hash.Append(buffer[..read]);
            most -= read;
        }
    }
}
