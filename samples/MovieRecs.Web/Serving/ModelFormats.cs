using MovieRecs.Persistence;
using MovieRecs.Spark;

namespace MovieRecs.Web.Serving;

/// <summary>
/// The model formats the service loads, in one place: the first whose <see cref="ModelFormat.Accepts"/> takes the
/// path loads it. A new format is one more entry here; nothing else in the service names a format. A Spark MLlib
/// model is a directory: the watcher reloads on any change of the watched name or of a file in it, once quiet, so
/// replacing the directory swaps the model whether it is moved into place (as Spark's and MovieRecs.Spark's writers
/// finish) or copied there.
/// </summary>
internal static class ModelFormats
{
    /// <summary>The formats, tried in order.</summary>
    public static IReadOnlyList<ModelFormat> All { get; } =
    [
        new("Spark ALSModel directory", Directory.Exists, path => SparkModelDirectory.Load(path)),
        new("implicit .npz", path => path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase), path => ImplicitModelFile.Load(path)),
        new("MovieRecs model", _ => true, path => AlsModelFile.Load(path)),
    ];

    /// <summary>The format of <paramref name="path"/>.</summary>
    public static ModelFormat For(string path)
    {
        foreach (var format in All)
        {
            if (format.Accepts(path))
            {
                return format;
            }
        }

        throw new NotSupportedException($"No model format takes {path}.");
    }
}
