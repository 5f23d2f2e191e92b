using MovieRecs.Internal;

namespace MovieRecs.Spark;

/// <summary>Opens the files of a model folder for reading, regular files only.</summary>
internal static class ModelFiles
{
    /// <summary>
    /// Opens <paramref name="path"/> after checking that it leads (through any symbolic links) to a regular file:
    /// opening a FIFO planted in a model folder would wait forever for a writer, and a device could be read without
    /// end. Where the system cannot tell the kind (not Linux), the file is opened as it is.
    /// </summary>
    /// <exception cref="SparkModelException">The path is a FIFO, socket, device or folder
    /// (<see cref="SparkModelError.MissingFile"/>: the regular file the layout needs is not there).</exception>
    public static FileStream OpenRead(string path, string sourceName)
    {
        var kind = FileKinds.OfFinalTarget(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown or FileKind.Missing))
        {
            SparkErrors.Throw(SparkModelError.MissingFile, sourceName, $"it is {FileKinds.Describe(kind)}, not a regular file.");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
    }
}
