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
    public void Readme_ShowsExactlyTheTestedPersistenceCode()
    {
        var root = TestData.RepositoryRoot;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var test = File.ReadAllText(Path.Combine(root, "tests", "MovieRecs.Tests", "ApiTourTests.cs"));
        var from = test.IndexOf("// README persistence begins", StringComparison.Ordinal) + "// README persistence begins".Length;
        var tested = Normalize(test[from..test.IndexOf("// README persistence ends", from, StringComparison.Ordinal)]);
        var block = Regex.Match(readme, "<!-- persistence -->\\s*```csharp\\n(.*?)```", RegexOptions.Singleline);

        Assert.True(block.Success, "README.md has a ```csharp block after <!-- persistence -->");
        Assert.Equal(tested, Normalize(block.Groups[1].Value));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
