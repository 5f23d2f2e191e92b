using System.Net.Sockets;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Tests.Persistence;

namespace MovieRecs.Tests.Internal;

/// <summary>
/// Every writer of the library that takes a path goes through one atomic writer: whatever fails (cancellation, a
/// failing input, a failing disk), the file that was there stays byte for byte, and no temporary file is left.
/// </summary>
public sealed class AtomicFileWriterTests : IDisposable
{
    private static readonly Lazy<SyntheticMovieLens> s_movieLens =
        new(() => SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(100, 80, 4000) with { Seed = 11 }));

    /// <summary>Each path-taking writer, by name: the files it writes into a folder, and how to call it.</summary>
    private static readonly Dictionary<string, (string[] Files, Action<string, CancellationToken> Write)> s_writers = new()
    {
        ["NpyArray.Write"] = (["out.npy"], (folder, token) => LargeArray().Write(Path.Combine(folder, "out.npy"), token)),
        ["NpzArchive.Write"] = (["out.npz"], (folder, token) => NpzArchive.Write(Path.Combine(folder, "out.npz"), Arrays(), NpzCompression.Stored, token)),
        ["ImplicitModelFile.Write"] = (["out.npz"], (folder, token) => ImplicitModelFile.Write(Path.Combine(folder, "out.npz"), ImplicitModel(), cancellationToken: token)),
        ["AlsModelFile.Save"] = (["out.mrals"], (folder, token) => AlsModelFile.Save(Model(), Path.Combine(folder, "out.mrals"), cancellationToken: token)),
        ["ImplicitModelFile.Save"] = (["out.npz"], (folder, token) => ImplicitModelFile.Save(Model(), Path.Combine(folder, "out.npz"), cancellationToken: token)),
        ["SyntheticMovieLens.WriteMl1mFiles"] = (["ratings.dat", "movies.dat", "users.dat"], (folder, token) => s_movieLens.Value.WriteMl1mFiles(folder, token)),
        ["SyntheticMovieLens.WriteCsvFiles"] = (["ratings.csv", "movies.csv"], (folder, token) => s_movieLens.Value.WriteCsvFiles(folder, token)),
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("movierecs-atomic-").FullName;

    public static TheoryData<string> Writers => [.. s_writers.Keys];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Writers))]
    public void Write_ExistingFilesAndCancelledToken_EveryPathWriterLeavesThemByteIdentical(string writer)
    {
        var (files, write) = s_writers[writer];
        var before = PlantPreviousFiles(files);

        Assert.ThrowsAny<OperationCanceledException>(() => write(_folder, new CancellationToken(canceled: true)));

        AssertUnchanged(before);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_NpzArchiveInputFailsAfterTheFirstArray_LeavesTheFileByteIdentical(bool cancel)
    {
        var before = PlantPreviousFiles(["out.npz"]);
        using var source = new CancellationTokenSource();

        IEnumerable<KeyValuePair<string, NpyArray>> FailingArrays()
        {
            yield return new("first", LargeArray());
            if (cancel)
            {
                source.Cancel();
            }
            else
            {
                throw new InvalidOperationException("the input failed");
            }

            yield return new("second", LargeArray());
        }

        var error = Record.Exception(() => NpzArchive.Write(Path.Combine(_folder, "out.npz"), FailingArrays(), NpzCompression.Stored, source.Token));

        Assert.True(cancel ? error is OperationCanceledException : error is InvalidOperationException, $"unexpected {error}");
        AssertUnchanged(before);
    }

    [Fact]
    public void Write_StaleTemporaryFilesOfTheTarget_AreRemovedByTheNextSaveAndOthersKept()
    {
        var path = Path.Combine(_folder, "m.mrals");
        string Temporary(string name) => Path.Combine(_folder, $".{name}.{Guid.NewGuid():N}.tmp");
        var stale = new[] { Temporary("m.mrals"), Temporary("m.mrals") };
        var fresh = Temporary("m.mrals");
        var kept = new[]
        {
            fresh,
            Temporary("other.mrals"),                                     // another target's
            Temporary("m"),                                               // a prefix of the name
            Temporary("m.mrals.bak"),                                     // a longer name
            Path.Combine(_folder, ".m.mrals.not-a-guid.tmp"),             // not our pattern
            Path.Combine(_folder, $".m.mrals.{Guid.NewGuid():N}.tmp.keep"),
            Path.Combine(_folder, $"m.mrals.{Guid.NewGuid():N}.tmp"),      // not hidden
            Path.Combine(_folder, "notes.txt"),
        };
        var old = DateTime.UtcNow - TimeSpan.FromDays(2);
        foreach (var file in stale.Concat(kept))
        {
            File.WriteAllText(file, "left over");
            if (file != fresh)
            {
                File.SetLastWriteTimeUtc(file, old);
            }
        }

        AlsModelFile.Save(Model(), path);

        Assert.All(stale, file => Assert.False(File.Exists(file), $"{file} was not removed"));
        Assert.All(kept, file => Assert.True(File.Exists(file), $"{file} was removed"));
        Assert.Equal(kept.Append(path).Order(StringComparer.Ordinal), Directory.GetFiles(_folder).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_FolderMissing_ErrorNamesTheTargetNotTheTemporaryFile()
    {
        var path = Path.Combine(_folder, "missing", "m.mrals");

        var save = Assert.ThrowsAny<IOException>(() => AlsModelFile.Save(Model(), path));
        var npz = Assert.ThrowsAny<IOException>(() => ImplicitModelFile.Save(Model(), path));

        foreach (var error in new[] { save, npz })
        {
            Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<IOException>(error.InnerException);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [UnixTheory]
    [MemberData(nameof(Writers))]
    public void Write_TargetIsAFifo_RefusesNamingThePathAndLeavesTheFifo(string writer)
    {
        var (files, write) = s_writers[writer];
        var fifo = Path.Combine(_folder, files[0]);
        UnixFiles.MakeFifo(fifo);

        var error = Assert.ThrowsAny<IOException>(() => write(_folder, CancellationToken.None));

        Assert.Contains($"'{fifo}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
        Assert.True(UnixFiles.IsFifo(fifo), $"{fifo} is no longer a FIFO");
        Assert.Equal([fifo], Directory.GetFileSystemEntries(_folder));
    }

    [UnixTheory]
    [MemberData(nameof(Writers))]
    public void Write_TargetIsASocket_RefusesAndLeavesTheSocket(string writer)
    {
        var (files, write) = s_writers[writer];
        var path = Path.Combine(_folder, files[0]);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        var error = Assert.ThrowsAny<IOException>(() => write(_folder, CancellationToken.None));

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);

        // Opening a socket as a file fails (ENXIO); had it been replaced by a regular file, it would open.
        Assert.ThrowsAny<IOException>(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose());
        Assert.Equal([path], Directory.GetFileSystemEntries(_folder));
    }

    [UnixTheory]
    [MemberData(nameof(Writers))]
    public void Write_TargetIsASymbolicLink_ReplacesTheFileItPointsToAndKeepsTheLink(string writer)
    {
        var (files, write) = s_writers[writer];
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;
        var links = new List<string>();
        foreach (var file in files)
        {
            var real = Path.Combine(elsewhere, file);
            File.WriteAllText(real, "previous");
            var link = Path.Combine(_folder, file);
            File.CreateSymbolicLink(link, Path.Combine("elsewhere", file));
            links.Add(link);
        }

        write(_folder, CancellationToken.None);

        foreach (var link in links)
        {
            Assert.Equal(Path.Combine("elsewhere", Path.GetFileName(link)), new FileInfo(link).LinkTarget);
            Assert.NotEqual("previous", File.ReadAllText(link));
        }

        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(elsewhere).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(links.Append(elsewhere).Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(_folder).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Write_DiskFailsMidway_EveryPathWriterLeavesTheFilesByteIdenticalAndNamesTheTarget(string writer)
    {
        var (files, write) = s_writers[writer];
        var before = PlantPreviousFiles(files);
        IOException? injected = null;

        IOException error;
        using (new StreamFilterScope(file => new DiskFullStream(file, limit: 100, e => injected = e)))
        {
            error = Assert.ThrowsAny<IOException>(() => write(_folder, CancellationToken.None));
        }

        // The injected error names the temporary file, as the operating system's would; the one thrown names the target.
        Assert.NotNull(injected);
        Assert.Contains(".tmp'", injected.Message, StringComparison.Ordinal);
        Assert.Same(injected, error.InnerException);
        Assert.Equal(injected.HResult, error.HResult);
        Assert.Equal($"Could not save {ContentOf(writer)} to '{Path.Combine(_folder, files[0])}': No space left on device", error.Message);
        AssertUnchanged(before);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Write_CancelledAfterSomeProgress_EveryPathWriterLeavesTheFilesByteIdentical(string writer)
    {
        var (files, write) = s_writers[writer];
        var before = PlantPreviousFiles(files);
        using var source = new CancellationTokenSource();
        var written = 0L;

        using (new StreamFilterScope(file => new CancellingStream(file, source, bytes => written += bytes)))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => write(_folder, source.Token));
        }

        Assert.True(written > 0, "nothing was written before the cancellation");
        AssertUnchanged(before);
    }

    [Fact]
    public void Write_PathWithControlCharacters_MessageShowsThemEscaped()
    {
        var path = Path.Combine(_folder, "mis\nsing\u001b[31m", "m.mrals");

        var error = Assert.ThrowsAny<IOException>(() => AlsModelFile.Save(Model(), path));

        Assert.Contains(Path.Combine(_folder, "mis\\nsing\\x1b[31m", "m.mrals"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    [UnixTheory]
    [InlineData("fifo")]
    [InlineData("loop")]
    [InlineData("folder")]
    public void Write_SymbolicLinkToAFifoAFolderOrItself_RefusesNamingTheLinkAndLeavesEverything(string leadsTo)
    {
        var link = Path.Combine(_folder, "m.mrals");
        switch (leadsTo)
        {
            case "fifo":
                UnixFiles.MakeFifo(Path.Combine(_folder, "pipe"));
                File.CreateSymbolicLink(link, "pipe");
                break;
            case "loop":
                File.CreateSymbolicLink(link, "m.mrals");
                break;
            default:
                Directory.CreateDirectory(Path.Combine(_folder, "sub"));
                File.CreateSymbolicLink(link, "sub");
                break;
        }

        var entries = Directory.GetFileSystemEntries(_folder).Order(StringComparer.Ordinal).ToArray();

        var error = Assert.ThrowsAny<IOException>(() => AlsModelFile.Save(Model(), link));

        Assert.StartsWith($"Could not save the model to '{link}': ", error.Message, StringComparison.Ordinal);
        Assert.Equal(leadsTo == "loop" ? "m.mrals" : leadsTo == "fifo" ? "pipe" : "sub", new FileInfo(link).LinkTarget);
        Assert.Equal(entries, Directory.GetFileSystemEntries(_folder).Order(StringComparer.Ordinal));
        if (leadsTo == "fifo")
        {
            Assert.True(UnixFiles.IsFifo(Path.Combine(_folder, "pipe")));
        }
    }

    [UnixTheory]
    [InlineData("AlsModelFile.Save")]
    [InlineData("NpyArray.Write")]
    public void Write_DanglingSymbolicLink_CreatesTheFileItNamesAndKeepsTheLink(string writer)
    {
        var (files, write) = s_writers[writer];
        var link = Path.Combine(_folder, files[0]);
        File.CreateSymbolicLink(link, "created-here");

        write(_folder, CancellationToken.None);

        Assert.Equal("created-here", new FileInfo(link).LinkTarget);
        Assert.True(new FileInfo(Path.Combine(_folder, "created-here")).Length > 0);
        Assert.Equal(2, Directory.GetFileSystemEntries(_folder).Length);
    }

    [Theory]
    [InlineData("a", 217)]
    [InlineData("a", 218)]
    [InlineData("a", 255)]
    [InlineData("\u00e9", 127)]
    [InlineData("\U0001F3AC", 63)]
    public void Write_TargetNameUpToTheSystemsLimit_IsSavedAndLeavesNoTemporaryFile(string unit, int repeat)
    {
        // 255 bytes is what Linux and macOS take in a name; the temporary name adds 38 to the target's.
        var name = string.Concat(Enumerable.Repeat(unit, repeat));
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "previous");

        AlsModelFile.Save(Model(), path);

        Assert.Equal(90, AlsModelFile.Load(path).Model.ItemCount);
        Assert.All(Directory.GetFileSystemEntries(_folder), entry => Assert.DoesNotContain(".tmp", entry, StringComparison.Ordinal));
    }

    [Fact]
    public void IsTemporaryNameOf_TheNamesTemporaryPathGivesForALongName_FitInAFileNameAndAreKnown()
    {
        var name = new string('m', 250);
        var made = Path.GetFileName(AtomicFileWriter.TemporaryPath(_folder, name));

        Assert.Equal(255, made.Length);
        Assert.True(AtomicFileWriter.IsTemporaryNameOf(made, name));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made, new string('m', 100)));
    }

    [UnixTheory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void Write_ReplacingAFile_KeepsItsPermissions(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_folder, "private.mrals");
        File.WriteAllText(path, "previous");
        File.SetUnixFileMode(path, mode);

        AlsModelFile.Save(Model(), path);

        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal(90, AlsModelFile.Load(path).Model.ItemCount);
    }

    [UnixTheory]
    [MemberData(nameof(Writers))]
    public void Write_ReadOnlyFileInAWritableFolder_IsRefusedAndLeftByteIdentical(string writer)
    {
        // The rename needs only the folder's permission, so without a check a save replaced a file its owner had made
        // read-only (chmod a-w), where writing it in place is refused. As the superuser, the suite takes an ordinary
        // user's file system permissions for the save (the kernel lets the superuser write any file).
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.True(FileSystemUser.IsAvailable);
        var (files, write) = s_writers[writer];
        write(_folder, CancellationToken.None);
        var before = PlantPreviousFiles(files);
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_111_111);
        foreach (var path in before.Keys)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var error = Record.Exception(() => FileSystemUser.Run(() => write(_folder, CancellationToken.None)));

        var refused = Assert.IsType<UnauthorizedAccessException>(error);
        Assert.Contains($"Could not save {ContentOf(writer)} to '", refused.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, files[0]), refused.Message, StringComparison.Ordinal);
        AssertUnchanged(before);
        Assert.Equal(files.Length, Directory.GetFiles(_folder).Length);
    }

    [UnixFact]
    public void Write_AnotherUsersFileWritableByAll_IsReplacedByAnOrdinaryUser()
    {
        // The check asks whether this process may write the file (as the kernel decides), not whether it owns it or
        // whether some write bit is clear: a file of another user that everyone may write is saved over.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_folder, "shared.mrals");
        File.WriteAllText(path, "previous");
        const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        File.SetUnixFileMode(path, Everyone);
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_111_111);
        var model = Model();

        FileSystemUser.Run(() => AlsModelFile.Save(model, path));

        Assert.Equal(90, AlsModelFile.Load(path).Model.ItemCount);
        Assert.Equal(Everyone, File.GetUnixFileMode(path));
    }

    [Fact]
    public void IsTemporaryNameOf_TheNamesTemporaryPathGives_AndNoOthers()
    {
        var name = "m.mrals";
        var made = Path.GetFileName(AtomicFileWriter.TemporaryPath(_folder, name));

        Assert.True(AtomicFileWriter.IsTemporaryNameOf(made, name));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made, "m"));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made, "mrals"));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made.ToUpperInvariant(), name));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made.AsSpan(1), name));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf(made + ".tmp", name));
        Assert.False(AtomicFileWriter.IsTemporaryNameOf($".{name}.{new string('g', 32)}.tmp", name));
    }

    private static NpyArray LargeArray() => NpyArray.Create<float>(Enumerable.Range(0, 5000).Select(i => i * 0.5f).ToArray(), 100, 50);

    private static IEnumerable<KeyValuePair<string, NpyArray>> Arrays() =>
        [new("a", LargeArray()), new("b", NpyArray.Scalar(3L))];

    private static ImplicitModelData ImplicitModel() =>
        new(Enumerable.Range(0, 400).Select(i => i * 0.25f).ToArray(), Enumerable.Range(0, 300).Select(i => -i * 0.5f).ToArray(), factors: 4);

    private static AlsModel Model() => AlsModelFileTestModels.Random(3, 120, 90, 8);

    /// <summary>What each writer's messages call what it saves.</summary>
    private static string ContentOf(string writer) => writer switch
    {
        "NpyArray.Write" => "the array",
        "NpzArchive.Write" => "the archive",
        "SyntheticMovieLens.WriteMl1mFiles" or "SyntheticMovieLens.WriteCsvFiles" => "the ratings",
        _ => "the model",
    };

    private Dictionary<string, byte[]> PlantPreviousFiles(string[] files)
    {
        var random = new Random(files.Length);
        var before = new Dictionary<string, byte[]>();
        foreach (var file in files)
        {
            var bytes = new byte[random.Next(100, 5000)];
            random.NextBytes(bytes);
            var path = Path.Combine(_folder, file);
            File.WriteAllBytes(path, bytes);
            before.Add(path, bytes);
        }

        return before;
    }

    private void AssertUnchanged(Dictionary<string, byte[]> before)
    {
        foreach (var (path, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed");
        }

        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(_folder).Order(StringComparer.Ordinal));
    }

    /// <summary>Sets <see cref="AtomicFileWriter.StreamFilter"/> for this test's flow until disposed.</summary>
    private sealed class StreamFilterScope : IDisposable
    {
        private readonly Func<Stream, Stream>? _previous = AtomicFileWriter.StreamFilter.Value;

        public StreamFilterScope(Func<FileStream, Stream> filter) => AtomicFileWriter.StreamFilter.Value = stream => filter((FileStream)stream);

        public void Dispose() => AtomicFileWriter.StreamFilter.Value = _previous;
    }

    /// <summary>Passes <paramref name="limit"/> bytes to the temporary file, then fails as a full disk does: with the
    /// operating system's message, which names the temporary file.</summary>
    private sealed class DiskFullStream(FileStream inner, long limit, Action<IOException> thrown) : WrappingStream(inner)
    {
        private long _written;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var allowed = (int)Math.Min(buffer.Length, limit - _written);
            Inner.Write(buffer[..allowed]);
            _written += allowed;
            if (allowed < buffer.Length)
            {
                var error = new IOException($"No space left on device : '{inner.Name}'", unchecked((int)0x80070070));
                thrown(error);
                throw error;
            }
        }
    }

    /// <summary>Passes everything to the temporary file and cancels <paramref name="source"/> on the first write.</summary>
    private sealed class CancellingStream(FileStream inner, CancellationTokenSource source, Action<int> written) : WrappingStream(inner)
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Inner.Write(buffer);
            written(buffer.Length);
            source.Cancel();
        }
    }

    private abstract class WrappingStream(Stream inner) : Stream
    {
        protected Stream Inner => inner;

        public override bool CanRead => false;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);
    }
}
