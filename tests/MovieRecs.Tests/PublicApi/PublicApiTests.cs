namespace MovieRecs.Tests.PublicApi;

/// <summary>
/// Checks on the package's public types. The surface itself is declared in src/MovieRecs/PublicAPI.Shipped.txt and
/// PublicAPI.Unshipped.txt and enforced at build time by Microsoft.CodeAnalysis.PublicApiAnalyzers: a public member
/// missing from them fails the build with RS0016, one listed but gone with RS0017. To declare a deliberate addition,
/// apply the IDE's code fix for RS0016, or run
/// <c>dotnet format analyzers src/MovieRecs/MovieRecs.csproj --diagnostics RS0016 --severity info</c>
/// from the repository root; either appends it to PublicAPI.Unshipped.txt, which is committed with the change.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicTypes_AreInMovieRecsNamespaces_AndDocumented()
    {
        var types = typeof(IdIndex).Assembly.GetExportedTypes();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.StartsWith("MovieRecs", t.Namespace, StringComparison.Ordinal));
        var xml = Path.ChangeExtension(typeof(IdIndex).Assembly.Location, ".xml");
        Assert.True(File.Exists(xml), "the XML documentation file ships beside the assembly");
        var docs = File.ReadAllText(xml);
        Assert.All(types, t => Assert.Contains($"\"T:{t.FullName}\"", docs, StringComparison.Ordinal));
    }
}
