using System.Text;

namespace MovieRecs.Tests.MovieLens;

/// <summary>A temporary folder for files the reader tests write; deleted on dispose.</summary>
internal sealed class ReaderTempFolder : IDisposable
{
    public ReaderTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "movierecs-readers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Creates the folder under a given name (for release detection by folder name).</summary>
    public ReaderTempFolder(string leafName)
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "movierecs-readers-" + Guid.NewGuid().ToString("N"));
        Path = System.IO.Path.Combine(Root, leafName);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    private string? Root { get; }

    /// <summary>Writes <paramref name="text"/> with the given encoding (UTF-8 without BOM by default) and returns the path.</summary>
    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(text));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root ?? Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
