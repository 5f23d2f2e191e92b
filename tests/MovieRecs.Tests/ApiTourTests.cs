using System.Text.RegularExpressions;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;

namespace MovieRecs.Tests;

/// <summary>The README's API tour code, compiled and run here; the README must show exactly this code.</summary>
[Collection("Console")]
public sealed class ApiTourTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("movierecs-tour-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Persistence_SavesLoadsSharesAndRejectsTheWrongFormat()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(60, 40, 1500) with { Seed = 3 });
        var interactions = InteractionMatrix.Build(data.Ratings);
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 3, Seed = 1 }).Fit(interactions.UserItems);
        var path = Path.Combine(_folder, "model.mrals");
        var npzPath = Path.Combine(_folder, "model.npz");
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            // README persistence begins
            AlsModelFile.Save(model, path, interactions.Users, interactions.Items);     // own format: checksummed, atomic
            var (served, users, movies) = AlsModelFile.Load(path);                      // on the serving machine
            var top = served.Recommend(users!.IndexOf(1), [], 10);                      // movies![top[0].Item] is a movie id

            ImplicitModelFile.Save(model, npzPath, interactions.Users, interactions.Items); // implicit's load() reads it
            var fromPython = ImplicitModelFile.Load(npzPath).Model;                     // and its own .npz files serve here

            try { AlsModelFile.Load(npzPath); }                                         // the wrong entry point for a .npz
            catch (ModelFileException e) { Console.WriteLine($"{e.SourceName}: {e.Kind}"); } // ...: BadMagic
            // README persistence ends

            Assert.Equal(model.Recommend(interactions.Users.IndexOf(1), [], 10), top);
            Assert.Equal(interactions.Items.Keys.ToArray(), movies!.Keys.ToArray());
            Assert.Equal(model.Recommend(0, [], 10), fromPython.Recommend(0, [], 10));
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal($"{npzPath}: BadMagic", output.ToString().TrimEnd());
    }

    [Fact]
    public void IndexLevel_RecommendsAndExplainsForANamedUser_AsTheFacadeDoes()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(60, 40, 1500) with { Seed = 3 });
        var titles = new MovieTitleIndex(data.Movies);
        var interactions = InteractionMatrix.Build(data.Ratings, movies: data.Movies)
            .AppendUser("yong", titles.Match([data.Movies[0].Title, data.Movies[5].Title, data.Movies[9].Title]));
        var model = new AlsTrainer(new AlsOptions { Factors = 8, Iterations = 3, Seed = 1 }).Fit(interactions.UserItems);
        var recommender = new MovieRecommender(model, interactions, data.Movies);

        // README index level begins
        var row = interactions.RowOf("yong");                              // a name's row; an id's: Users.IndexOf(id)
        var liked = interactions.UserItems.GetColumnIndices(row);         // columns; interactions.Items[column] is a movie id
        var top = model.Recommend(row, liked, 10);                        // ScoredItem(Item, Score), liked columns filtered
        var explainer = model.CreateExplainer(liked, interactions.UserItems.GetValues(row)); // factors yong's W once
        var why = explainer.Explain(top[0].Item);                         // Score, Contributions, UserWeights (k x k)
        var alsoWhy = explainer.Explain(top[1].Item);                     // O(k² + n·k) more, sharing the user weights
        var folded = model.RecommendForNewUser(liked, interactions.UserItems.GetValues(row), 10); // fold-in, no retraining
        // README index level ends

        var facade = recommender.RecommendForUser("yong", 10);
        Assert.Equal(facade.Select(m => (m.Movie.Id, m.Score)), top.Select(s => (interactions.Items[s.Item], s.Score)));
        var facadeWhy = recommender.Explain("yong", facade[0].Movie.Id);
        Assert.Equal(facadeWhy.Score, why.Score);
        Assert.Equal(facadeWhy.UserWeights.ToArray(), why.UserWeights.ToArray());
        Assert.True(alsoWhy.UserWeights.Equals(why.UserWeights));
        var own = interactions.UserItems.GetColumnIndices(row).ToArray();
        Assert.Equal(10, folded.Length);
        Assert.DoesNotContain(folded, s => own.Contains(s.Item));
    }

    [Fact]
    public void Readme_ShowsExactlyTheTestedPersistenceCode() => AssertReadmeShows("persistence");

    [Fact]
    public void Readme_ShowsExactlyTheTestedIndexLevelCode() => AssertReadmeShows("index level");

    /// <summary>The README's ```csharp block after <c>&lt;!-- name --&gt;</c> is the code between this file's
    /// <c>// README name begins</c> and <c>ends</c> markers.</summary>
    private static void AssertReadmeShows(string name)
    {
        var root = TestData.RepositoryRoot;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var test = File.ReadAllText(Path.Combine(root, "tests", "MovieRecs.Tests", "ApiTourTests.cs"));
        var begins = $"// README {name} begins";
        var from = test.IndexOf(begins, StringComparison.Ordinal) + begins.Length;
        var tested = Normalize(test[from..test.IndexOf($"// README {name} ends", from, StringComparison.Ordinal)]);
        var block = Regex.Match(readme, $"<!-- {name} -->\\s*```csharp\\n(.*?)```", RegexOptions.Singleline);

        Assert.True(block.Success, $"README.md has a ```csharp block after <!-- {name} -->");
        Assert.Equal(tested, Normalize(block.Groups[1].Value));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
