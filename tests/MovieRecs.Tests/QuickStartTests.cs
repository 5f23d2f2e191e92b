using System.Text.RegularExpressions;
using MovieRecs.Als;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests;

/// <summary>The README's quick start, compiled and run here on ml-100k; the README must show exactly this code.</summary>
[Collection("Console")]
public class QuickStartTests
{
    [RealDataFact("ml-100k")]
    public void QuickStart_RunsOnMl100k_AndPrintsSkippedTitlesSimilarRecommendationsAndExplanation()
    {
        var folder = TestData.Release("ml-100k")!;
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            // README quick start begins
            var data = MovieLensDataset.Load(folder);                 // ml-100k ... ml-32m, detected
            var titles = new MovieTitleIndex(data.Movies);
            var favourites = titles.Match(["jurassic park (1993)", "men in black (1997)",
                "terminator 2: judgment day (1991)", "terminator, the (1984)", "matrix, the (1999)"]);
            foreach (var unresolved in favourites.Unresolved)         // ml-100k (1998) has no Matrix:
                Console.WriteLine($"skipped: {unresolved}");          // "No movie is titled ... Did you mean ...?"
            var interactions = InteractionMatrix.Build(data.Ratings)  // keep ratings >= 3; value = rating
                .AppendUser("yong", favourites);                      // the tutorial's new user, by name

            var model = new AlsTrainer(new AlsOptions { Factors = 100, Regularization = 0.01, Alpha = 1.0, Iterations = 15 })
                .Fit(interactions.UserItems);
            var recommender = new MovieRecommender(model, interactions, data.Movies); // titles in, titles out

            foreach (var similar in recommender.SimilarMovies("terminator 2: judgment day (1991)", 15))
                Console.WriteLine($"similar {similar.Score:F3} {similar.Movie.Title}");

            var top = recommender.RecommendForUser("yong", 20);       // already-liked movies filtered
            foreach (var r in top)
                Console.WriteLine($"recommend {r.Score:F3} {r.Movie.Title}");

            var why = recommender.Explain("yong", top[0].Movie.Id);   // implicit's score, contributions, user_weights
            foreach (var c in why.Contributions)
                Console.WriteLine($"because {c.Score:F3} {c.Movie.Title}");
            Console.WriteLine($"user weights: {why.UserWeights.Length} floats, U of yong's matrix W = UᵀU");
            // README quick start ends
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var skipped = Assert.Single(lines, l => l.StartsWith("skipped: ", StringComparison.Ordinal));
        Assert.StartsWith("skipped: No movie is titled 'matrix, the (1999)'. Did you mean", skipped, StringComparison.Ordinal);
        Assert.Equal(15, lines.Count(l => l.StartsWith("similar ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("similar ", StringComparison.Ordinal) && l.EndsWith("Terminator, The (1984)", StringComparison.Ordinal));
        Assert.Equal(20, lines.Count(l => l.StartsWith("recommend ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("recommend ", StringComparison.Ordinal) && l.Contains("Jurassic Park (1993)", StringComparison.Ordinal));
        Assert.Equal(4, lines.Count(l => l.StartsWith("because ", StringComparison.Ordinal))); // the four movies found
        Assert.Contains(lines, l => l.TrimEnd() == "user weights: 10000 floats, U of yong's matrix W = UᵀU");
    }

    [Fact]
    public void Readme_ShowsExactlyTheTestedQuickStart()
    {
        var root = TestData.RepositoryRoot;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var test = File.ReadAllText(Path.Combine(root, "tests", "MovieRecs.Tests", "QuickStartTests.cs"));
        var tested = Normalize(Between(test, "// README quick start begins", "// README quick start ends"));
        var readmeBlock = Regex.Match(readme, "<!-- quickstart -->\\s*```csharp\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(readmeBlock.Success, "README.md has a ```csharp block after <!-- quickstart -->");
        var shown = Normalize(readmeBlock.Groups[1].Value);
        Assert.Equal(tested, shown);
        Assert.True(shown.Split('\n').Length <= 25, "the quick start is at most 25 lines");
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    /// <summary>Trims indentation and blank lines; the README's usings stand outside the compared block.</summary>
    private static string Normalize(string code) =>
        string.Join('\n', code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("var folder", StringComparison.Ordinal)));
}
