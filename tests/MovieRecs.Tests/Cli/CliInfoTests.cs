namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs info</c> given what is not a model it can load: one line on standard error, exit code 1.</summary>
public sealed class CliInfoTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-info-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("model")]
    [InlineData("model.npz")]
    public void Info_Folder_SaysAModelFileIsExpected(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder.FullName, name)).FullName;

        var (code, output, error) = CliRunner.Run("info", folder);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"movierecs: '{folder}' is a folder, not a model file. (Parameter 'path')", error.TrimEnd());
    }
}
