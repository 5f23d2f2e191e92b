using MovieRecs.Internal;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>Every reader that takes a path, given a folder or a missing file.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-input-");

    /// <summary>Each reader and what its message says is expected instead of a folder.</summary>
    private static readonly (string Reader, string Expected)[] Expectations =
    [
        ("AlsModelFile.Load", "a model file"),
        ("ImplicitModelFile.Load", "a model file"),
        ("ImplicitModelFile.Read", "a model file"),
        ("NpzArchive.Open", "an .npz file"),
        ("NpyArray.Read", "a .npy file"),
    ];

    public static TheoryData<string, string> Readers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (reader, expected) in Expectations)
            {
                data.Add(reader, expected);
            }

            return data;
        }
    }

    public static TheoryData<string> ReaderNames => new(Expectations.Select(e => e.Reader));

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(Readers))]
    public void Read_Folder_ThrowsArgumentExceptionNamingItAndWhatIsExpected(string reader, string expected)
    {
        // A folder named like a model file, as a slip of the tab key gives.
        var folder = Directory.CreateDirectory(Path.Combine(_folder.FullName, "model.npz")).FullName;

        var error = Assert.Throws<ArgumentException>(() => Read(reader, folder));

        Assert.Equal("path", error.ParamName);
        Assert.StartsWith($"'{folder}' is a folder, not {expected}.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public void Read_MissingFile_ThrowsFileNotFoundException(string reader)
    {
        var missing = Path.Combine(_folder.FullName, "missing.npz");

        var error = Assert.Throws<FileNotFoundException>(() => Read(reader, missing));

        Assert.Equal(missing, error.FileName);
    }

    [Fact]
    public void Read_FolderWithControlCharacterInName_EscapesItInTheMessage()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows forbids control characters in names.
        }

        var folder = Directory.CreateDirectory(Path.Combine(_folder.FullName, "a\nb")).FullName;

        var error = Assert.Throws<ArgumentException>(() => AlsModelFile.Load(folder));

        Assert.Contains("a\\nb' is a folder", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("model\n.mrals")]
    [InlineData("model\u001b[31m.npz")]
    public void Load_DamagedFileWithControlCharacterInName_EscapesItInTheMessage(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows forbids control characters in names.
        }

        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

        var error = Assert.Throws<ModelFileException>(() => Read(name.EndsWith(".npz", StringComparison.Ordinal) ? "ImplicitModelFile.Load" : "AlsModelFile.Load", path));

        Assert.Equal(path, error.SourceName);
        Assert.Contains(MessageText.Escape(path), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
    }

    private static object Read(string reader, string path) => reader switch
    {
        "AlsModelFile.Load" => AlsModelFile.Load(path),
        "ImplicitModelFile.Load" => ImplicitModelFile.Load(path),
        "ImplicitModelFile.Read" => ImplicitModelFile.Read(path),
        "NpzArchive.Open" => NpzArchive.Open(path),
        "NpyArray.Read" => NpyArray.Read(path),
        _ => throw new ArgumentOutOfRangeException(nameof(reader), reader, "unknown reader"),
    };
}
