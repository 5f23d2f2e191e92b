using MovieRecs.Internal;

namespace MovieRecs.Web.Serving;

/// <summary>
/// What the model path held when it was read, to tell whether it changed since: for a file its length, its last
/// write time and a hash of its first and last 64 KiB (a model file's trailer holds its checksum, and a write within
/// the same clock tick of the file system leaves the time alone); for a directory the same for every file in it,
/// with its relative name. Nothing that is not a regular file (symbolic links followed) is opened: a FIFO would wait for a writer.
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
                var hash = new HashCode();
                long files = 0, length = 0;
                var root = new DirectoryInfo(path);
                var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
                foreach (var file in root.EnumerateFiles("*", options).OrderBy(f => f.FullName, StringComparer.Ordinal))
                {
                    hash.Add(Path.GetRelativePath(root.FullName, file.FullName), StringComparer.Ordinal);
                    Add(ref hash, file);
                    files++;
                    length += file.Length;
                }

                return new ModelStamp(files, length, hash.ToHashCode());
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Missing;
            }

            var single = new HashCode();
            Add(ref single, info);
            return new ModelStamp(1, info.Length, single.ToHashCode());
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

    private static void Add(ref HashCode hash, FileInfo file)
    {
        hash.Add(file.Length);
        hash.Add(file.LastWriteTimeUtc.Ticks);
        if (FileKinds.OfFinalTarget(file.FullName) is not (FileKind.Regular or FileKind.Unknown))
        {
            hash.Add(Random.Shared.Next());
            return;
        }

        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        Span<byte> buffer = stackalloc byte[4096];
        AddBytes(ref hash, stream, buffer, Sample);
        if (stream.Length > 2 * Sample)
        {
            stream.Seek(-Sample, SeekOrigin.End);
        }

        AddBytes(ref hash, stream, buffer, Sample);
    }

    private static void AddBytes(ref HashCode hash, Stream stream, Span<byte> buffer, int most)
    {
        int read;
        while (most > 0 && (read = stream.Read(buffer[..Math.Min(buffer.Length, most)])) > 0)
        {
            hash.AddBytes(buffer[..read]);
            most -= read;
        }
    }
}
