
namespace MovieRecs.Internal;

/// <summary>
/// Replaces a file atomically; every writer of the library that takes a path goes through it. The content goes to a
/// temporary file in the target's folder (so the rename stays on one volume), is flushed to the disk, then renamed
/// over the target. A failure or cancellation at any point deletes the temporary file and leaves the target as it
/// was, byte for byte.
/// </summary>
/// <remarks>
/// <para>Temporary files are named <c>.NAME.GUID.tmp</c> (hidden on Unix; NAME cut short when the whole would pass
/// the 255 bytes a file name may hold, see <see cref="TemporaryName"/>). A process killed mid-save leaves its
/// temporary file behind; each save removes those of its own target that have not been written to for
/// <see cref="StaleAfter"/> (a live writer writes continuously, so a younger one may belong to a concurrent save and
/// is kept), ignoring failures, as the MovieLens downloader does with its partial downloads.</para>
/// <para>The new file keeps the permission bits (read, write, execute) of the file it replaces.</para>
/// <para>A file this process may not write (read-only for its user, as <c>chmod a-w</c> leaves it) is refused with an
/// <see cref="UnauthorizedAccessException"/>, as writing it in place would be, although the folder's permissions
/// would let the rename replace it (<see cref="WriteAccess"/>).</para>
/// <para>Only regular files are replaced. A symbolic link is followed to the file it finally names, which is then
/// replaced atomically in its own folder, so the link stays a link. A folder, or (on Linux, where the kernel tells)
/// a FIFO, socket or device, is refused with an <see cref="IOException"/>: renaming over it would silently turn
/// <c>/dev/null</c> or a pipe into a regular file.</para>
/// <para>Every <see cref="IOException"/> and <see cref="UnauthorizedAccessException"/> surfaces as an exception of
/// the same kind whose message names the caller's path (never the temporary file), with the original as
/// <see cref="Exception.InnerException"/> and its <see cref="Exception.HResult"/>.</para>
/// </remarks>
internal static class AtomicFileWriter
{
    /// <summary>
    /// A temporary file untouched for this long belongs to a process that was killed (a live one writes
    /// continuously); the next save to the same target removes it.
    /// </summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Wraps the temporary file's stream before the content is written, for the current asynchronous flow only: lets
    /// tests make the disk fail, or cancel, part way through a real save.
    /// </summary>
    internal static AsyncLocal<Func<Stream, Stream>?> StreamFilter { get; } = new();

    /// <summary>
    /// Called with each target's path once its temporary file is written and flushed, before it is renamed, for the
    /// current asynchronous flow only: lets tests cancel at a chosen file of a set.
    /// </summary>
    internal static AsyncLocal<Action<string>?> FileStaged { get; } = new();

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file, as the caller gave it (messages name it so).</param>
    /// <param name="content">What is saved, for messages: "the model", "the array"...</param>
    /// <param name="write">Writes the whole content to the stream it is given (which it must not dispose).</param>
    /// <param name="cancellationToken">Checked before anything is created and again before the rename; <paramref name="write"/> checks it in between.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> ends with a folder separator.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or the path names a folder, FIFO, socket or device; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Write(string path, string content, Action<Stream> write, CancellationToken cancellationToken) =>
        WriteAll([new AtomicFile(path, content, write)], cancellationToken);

    /// <summary>
    /// Writes a set of files as one: each to its temporary file beside its target, flushed to the disk; only when all
    /// are written, and <paramref name="cancellationToken"/> is still not cancelled, are they renamed over their
    /// targets, one after another with nothing in between. A failure or cancellation before the renames deletes the
    /// temporary files and leaves every target as it was, byte for byte; so does one while a file is checked or
    /// written. Only a rename that fails (which the checks before make rare) leaves the files renamed before it new.
    /// </summary>
    /// <param name="files">The targets, their content's names for messages, and their writers (as for <see cref="Write"/>).</param>
    /// <param name="cancellationToken">Checked before each file is created and once more before the renames; the writers check it in between.</param>
    /// <exception cref="ArgumentException">A path ends with a folder separator.</exception>
    /// <exception cref="IOException">A file cannot be written or renamed, or its path names a folder, FIFO, socket or device; the message names that path.</exception>
    /// <exception cref="UnauthorizedAccessException">A folder or a file is not writable; the message names that path.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteAll(IReadOnlyList<AtomicFile> files, CancellationToken cancellationToken)
    {
        var staged = new List<StagedFile>(files.Count);
        var renamed = 0;
        try
        {
            foreach (var file in files)
            {
                staged.Add(new StagedFile(file, Stage(file.Path, file.Content, file.Write, cancellationToken)));
                FileStaged.Value?.Invoke(file.Path);
            }

            cancellationToken.ThrowIfCancellationRequested();
            for (; renamed < staged.Count; renamed++)
            {
                var (file, (temporary, target)) = staged[renamed];
                try
                {
                    File.Move(temporary, target, overwrite: true);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    throw IOErrors.Named(error, Message(file.Content, file.Path, Reason(error, temporary, file.Path)));
                }
            }
        }
        finally
        {
            for (var i = renamed; i < staged.Count; i++)
            {
                FileCleanup.TryDeleteFile(staged[i].Names.Temporary);
            }
        }
    }

    /// <summary>Writes the content to a new temporary file beside the target, flushed to the disk, and returns both
    /// names; on a failure the temporary file is deleted and the error names <paramref name="path"/>.</summary>
    private static (string Temporary, string Target) Stage(string path, string content, Action<Stream> write, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        if (string.IsNullOrEmpty(Path.GetFileName(fullPath)))
        {
            throw new ArgumentException($"The path '{MessageText.Escape(path)}' names a folder, not a file.", nameof(path));
        }

        cancellationToken.ThrowIfCancellationRequested();
        string target;
        string? refusal;
        try
        {
            (target, refusal) = RegularFileTarget(fullPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw IOErrors.Named(error, Message(content, path, Reason(error, null, path)));
        }

        if (refusal is not null)
        {
            throw new IOException(Message(content, path, refusal));
        }

        if (WriteAccess.IsWriteProtected(target))
        {
            // The rename needs only the folder's permission; a read-only file is refused as writing it in place is.
            throw new UnauthorizedAccessException(Message(content, path, "the file is read-only for this user; it was left as it is."));
        }

        var folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"The path '{MessageText.Escape(path)}' has no folder.", nameof(path));
        var name = Path.GetFileName(target);
        var temporary = TemporaryPath(folder, name);
        var created = false;
        try
        {
            TemporaryName.RemoveStale(folder, name, StaleAfter, folders: false);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                // From here on the temporary file is ours to delete (before, it might be another writer's).
                created = true;
                var filtered = StreamFilter.Value?.Invoke(stream) ?? stream;
                write(filtered);
                filtered.Flush();
                KeepPermissions(target, stream);
                stream.Flush(flushToDisk: true);
            }

            return (temporary, target);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            FileCleanup.TryDeleteFile(created ? temporary : null);
            throw IOErrors.Named(error, Message(content, path, Reason(error, temporary, path)));
        }
        catch
        {
            FileCleanup.TryDeleteFile(created ? temporary : null);
            throw;
        }
    }

    /// <summary>The temporary name used for <paramref name="name"/>: hidden on Unix, unique per call.</summary>
    internal static string TemporaryPath(string folder, string name) => Path.Combine(folder, TemporaryName.For(name));

    /// <summary>Whether <paramref name="fileName"/> is a temporary name that <see cref="TemporaryPath"/> gives for
    /// <paramref name="name"/> (see <see cref="TemporaryName.IsFor"/>).</summary>
    internal static bool IsTemporaryNameOf(ReadOnlySpan<char> fileName, string name) => TemporaryName.IsFor(fileName, name);

    /// <summary>
    /// The regular file to replace for <paramref name="fullPath"/> (itself, or the file a symbolic link finally leads
    /// to), and why it may not be replaced when it is a folder, a FIFO, a socket or a device.
    /// </summary>
    private static (string Target, string? Refusal) RegularFileTarget(string fullPath)
    {
        var target = fullPath;
        var subject = "it is";
        if (new FileInfo(fullPath).LinkTarget is not null)
        {
            // Throws an IOException on a loop of links; a dangling link gives the path it names, created as a file.
            target = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
            subject = $"it is a symbolic link to '{MessageText.Escape(target)}', which is";
        }

        var kind = Directory.Exists(target) ? FileKind.Directory : FileKinds.Of(target);
        return kind switch
        {
            FileKind.Directory => (target, $"{subject} a folder, not a file."),
            FileKind.Fifo or FileKind.Socket or FileKind.CharacterDevice or FileKind.BlockDevice =>
                (target, $"{subject} {FileKinds.Describe(kind)}, not a regular file; only regular files are replaced."),
            _ => (target, null),
        };
    }

    /// <summary>
    /// Gives the temporary file the read, write and execute bits of the file it replaces (when there is one), so that
    /// a save does not widen a private file's permissions to the process's defaults. Set-id and sticky bits are not
    /// carried over. Nothing to do on Windows, where the rename keeps no such bits.
    /// </summary>
    private static void KeepPermissions(string target, FileStream file)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode Permissions = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(target);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // No file to replace (or none that can be looked at): the new file keeps the defaults.
            return;
        }

        File.SetUnixFileMode(file.SafeFileHandle, mode & Permissions);
    }

    private static string Message(string content, string path, string reason) =>
        $"Could not save {content} to '{MessageText.Escape(path)}': {MessageText.Escape(reason)}";

    /// <summary>The failure's own message without the temporary file's name, which means nothing to the caller.</summary>
    private static string Reason(Exception error, string? temporary, string path)
    {
        var message = error.Message;
        if (temporary is not null)
        {
            message = message.Replace($" : '{temporary}'", string.Empty, StringComparison.Ordinal).Replace(temporary, path, StringComparison.Ordinal);
        }

        return message;
    }

    /// <summary>A file written to its temporary name, waiting to be renamed over its target.</summary>
    private readonly record struct StagedFile(AtomicFile File, (string Temporary, string Target) Names);
}

/// <summary>One file of <see cref="AtomicFileWriter.WriteAll"/>.</summary>
/// <param name="Path">The target file, as the caller gave it (messages name it so).</param>
/// <param name="Content">What is saved, for messages: "the ratings", "the movies"...</param>
/// <param name="Write">Writes the whole content to the stream it is given (which it must not dispose).</param>
internal readonly record struct AtomicFile(string Path, string Content, Action<Stream> Write);
