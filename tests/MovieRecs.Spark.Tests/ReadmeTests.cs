using System.Text.RegularExpressions;

namespace MovieRecs.Spark.Tests;

/// <summary>The package README's quick start, compiled and run here on the real Spark model; the README must show exactly this code.</summary>
public sealed class ReadmeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [SparkFixtureFact]
    public void QuickStart_RunsOnTheSparkFixture()
    {
        var modelDirectory = SparkTestData.Fixture!;
        var copyDirectory = Path.Combine(_temp.Path, "copy");
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            // README quick start begins
            var (model, users, items) = SparkModelDirectory.Load(modelDirectory);     // rows in ascending id order
            Console.WriteLine($"{model.UserCount} users, {model.ItemCount} items, rank {model.Factors}");

            var user = users!.IndexOf(414);                                           // Spark's user id -> model row
            foreach (var r in model.Recommend(user, likedItems: [], count: 5))        // pass the user's rows to filter them
                Console.WriteLine($"recommend {items![r.Item]} {r.Score:F3}");         // model row -> Spark's item id

            foreach (var s in model.SimilarItems(items!.IndexOf(1), 3))               // movie 1 of MovieLens: Toy Story
                Console.WriteLine($"similar {items[s.Item]} {s.Score:F3}");

            int[] liked = [items.IndexOf(1), items.IndexOf(260)];                     // a new user, folded in under
            var why = model.Explain(liked, [5f, 4f], item: items.IndexOf(1196));      // Spark's convention
            Console.WriteLine($"score {why.Score:F3}: {why.Contributions.Count} contributions");

            SparkModelDirectory.Save(model, copyDirectory, users, items);             // ALSModel.load reads it
            // README quick start ends
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Count(l => l.StartsWith("recommend ", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.StartsWith("similar ", StringComparison.Ordinal)));
        Assert.StartsWith("similar 1 1.000", lines.First(l => l.StartsWith("similar ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("score ", StringComparison.Ordinal) && l.EndsWith(": 2 contributions", StringComparison.Ordinal));
        Assert.Equal(SparkModelDirectory.Load(modelDirectory).Model.CopyItemFactors(), SparkModelDirectory.Load(copyDirectory).Model.CopyItemFactors());
    }

    [Fact]
    public void Readme_ShowsExactlyTheTestedQuickStart()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "src", "MovieRecs.Spark", "README.md"));
        var test = File.ReadAllText(Path.Combine(root, "tests", "MovieRecs.Spark.Tests", "ReadmeTests.cs"));
        var tested = Normalize(Between(test, "// README quick start begins", "// README quick start ends"));
        var block = Regex.Match(readme, "<!-- quickstart -->\\s*```csharp\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the README has a ```csharp block after <!-- quickstart -->");
        var shown = Normalize(block.Groups[1].Value);
        Assert.Equal(tested, shown);
        Assert.True(shown.Split('\n').Length <= 25, "the quick start is at most 25 lines");
    }

    [Fact]
    public void Package_NamesOnlyTheCoresPublicSurface()
    {
        // The layer rule for the package above the core: it references the core, the core never references it, and
        // the core grants it no access to its internals.
        var spark = typeof(SparkModelDirectory).Assembly;
        var core = typeof(Als.AlsModel).Assembly;
        Assert.Contains(spark.GetReferencedAssemblies(), a => a.Name == core.GetName().Name);
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == spark.GetName().Name);
        Assert.DoesNotContain(
            core.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
                .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>(),
            a => a.AssemblyName.StartsWith(spark.GetName().Name!, StringComparison.Ordinal));
        Assert.All(spark.GetExportedTypes(), t => Assert.Equal("MovieRecs.Spark", t.Namespace));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MovieRecs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MovieRecs.sln not found above the test binaries.");
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)));
}
