using System.Diagnostics.CodeAnalysis;

namespace MovieRecs.Spark;

/// <summary>Cold throw paths: a <see cref="SparkModelException"/> whose message is "source: detail".</summary>
internal static class SparkErrors
{
    [DoesNotReturn]
    public static void Throw(SparkModelError kind, string sourceName, string detail, Exception? innerException = null) =>
        throw Create(kind, sourceName, detail, innerException);

    public static SparkModelException Create(SparkModelError kind, string sourceName, string detail, Exception? innerException = null) =>
        new(kind, sourceName, $"{sourceName}: {detail}", innerException);
}
