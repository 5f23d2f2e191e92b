using MovieRecs.Internal;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

/// <summary>
/// The writers replace their files as one set: cancelled after any file, or failing at any file, they leave every
/// file of the folder as it was (the ones of their names and the others), and no temporary file.
/// </summary>
public sealed partial class SyntheticMovieLensTests
{
    private static readonly Lazy<SyntheticMovieLens> s_small =
        new(() => SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 60, movies: 50, ratings: 1_500) with { Seed = 21 }));

    private static readonly Lazy<SyntheticMovieLens> s_smallOther =
        new(() => SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 60, movies: 50, ratings: 1_500) with { Seed = 22 }));

    /// <summary>Each writer, with each of its files as the one after which the writing is cancelled.</summary>
    public static TheoryData<bool, int> WriterAndFile => new() { { false, 0 }, { false, 1 }, { false, 2 }, { true, 0 }, { true, 1 } };

    // Each file used to be renamed over its target as soon as it was written: cancelled after the first, the folder
    // held new ratings beside old movies (and, cancelled after the last but one, the same with users).
    [Theory]
    [MemberData(nameof(WriterAndFile))]
    public void WriteFiles_CancelledAfterAnyFile_LeaveTheFolderAsItWas(bool csv, int cancelAfter)
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-set-").FullName;
        try
        {
            Write(s_smallOther.Value, folder, csv, CancellationToken.None);
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
            var before = Snapshot(folder);
            using var source = new CancellationTokenSource();
            var staged = new List<string>();
            AtomicFileWriter.FileStaged.Value = path =>
            {
                staged.Add(Path.GetFileName(path));
                if (staged.Count == cancelAfter + 1)
                {
                    source.Cancel();
                }
            };
            try
            {
                Assert.ThrowsAny<OperationCanceledException>(() => Write(s_small.Value, folder, csv, source.Token));
            }
            finally
            {
                AtomicFileWriter.FileStaged.Value = null;
            }

            Assert.Equal(cancelAfter + 1, staged.Count);
            AssertSameFolder(before, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(false, "movies.dat")]
    [InlineData(false, "users.dat")]
    [InlineData(true, "movies.csv")]
    public void WriteFiles_ALaterFileCannotBeWritten_LeaveTheFolderAsItWas(bool csv, string blocked)
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-set-").FullName;
        try
        {
            Write(s_smallOther.Value, folder, csv, CancellationToken.None);
            File.Delete(Path.Combine(folder, blocked));
            Directory.CreateDirectory(Path.Combine(folder, blocked));
            var before = Snapshot(folder);

            var error = Assert.Throws<IOException>(() => Write(s_small.Value, folder, csv, CancellationToken.None));

            Assert.Contains(blocked, error.Message, StringComparison.Ordinal);
            AssertSameFolder(before, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteFiles_CancelledIntoANewFolder_LeaveNoFolder(bool csv)
    {
        var parent = Directory.CreateTempSubdirectory("movierecs-set-").FullName;
        try
        {
            var folder = Path.Combine(parent, "new");
            using var source = new CancellationTokenSource();
            AtomicFileWriter.FileStaged.Value = _ => source.Cancel();
            try
            {
                Assert.ThrowsAny<OperationCanceledException>(() => Write(s_small.Value, folder, csv, source.Token));
            }
            finally
            {
                AtomicFileWriter.FileStaged.Value = null;
            }

            Assert.Empty(Directory.GetFileSystemEntries(parent));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    private static void Write(SyntheticMovieLens data, string folder, bool csv, CancellationToken token)
    {
        if (csv)
        {
            data.WriteCsvFiles(folder, token);
        }
        else
        {
            data.WriteMl1mFiles(folder, token);
        }
    }

    /// <summary>Every entry of <paramref name="folder"/> with its bytes (null for a folder).</summary>
    private static SortedDictionary<string, byte[]?> Snapshot(string folder) =>
        new(Directory.GetFileSystemEntries(folder).ToDictionary(path => Path.GetFileName(path), path => File.Exists(path) ? File.ReadAllBytes(path) : null), StringComparer.Ordinal);

    private static void AssertSameFolder(SortedDictionary<string, byte[]?> before, string folder)
    {
        var after = Snapshot(folder);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes is null ? after[name] is null : after[name] is { } now && bytes.AsSpan().SequenceEqual(now), $"{name} changed");
        }
    }
}
