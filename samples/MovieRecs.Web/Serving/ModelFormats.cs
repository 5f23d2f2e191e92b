using MovieRecs.Persistence;

namespace MovieRecs.Web.Serving;

/// <summary>
/// The model formats the service loads, in one place: the first whose <see cref="ModelFormat.Accepts"/> takes the
/// path loads it. A new format is one more entry here; nothing else in the service names a format. (A Spark model
/// directory, once a MovieRecs.Spark package loads one into a <see cref="ModelFileContent"/>, would be an entry
/// accepting <c>Directory.Exists(path)</c>; the watcher already reloads on any change of the watched name.)
/// </summary>
internal static class ModelFormats
{
    /// <summary>The formats, tried in order.</summary>
    public static IReadOnlyList<ModelFormat> All { get; } =
    [
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
