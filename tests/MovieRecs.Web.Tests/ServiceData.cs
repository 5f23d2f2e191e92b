using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;
using MovieRecs.Spark;

namespace MovieRecs.Web.Tests;

/// <summary>
/// A small generated MovieLens release (written as ml-1m files, plus one movie nobody rated) and three models of it,
/// each saved in the library's format: what the service is started with. Made once per test class, deleted after.
/// </summary>
public sealed class ServiceData : IDisposable
{
    /// <summary>The id of the movie in the movies file that has no ratings, so no model has it.</summary>
    public const int UnratedMovieId = 100_000;

    /// <summary>Its title.</summary>
    public const string UnratedTitle = "Unrated Film (2001)";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("movierecs-web-");

    public ServiceData()
    {
        var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(300, 150, 9000) with { Seed = 11 });
        DataFolder = Path.Combine(_root.FullName, "data");
        data.WriteMl1mFiles(DataFolder);
        File.AppendAllText(Path.Combine(DataFolder, "movies.dat"), $"{UnratedMovieId}::{UnratedTitle}::Drama\n");
        Dataset = MovieLensDataset.Load(DataFolder);
        Interactions = InteractionMatrix.Build(Dataset.Ratings);
        var modelFiles = new string[3];
        for (var i = 0; i < modelFiles.Length; i++)
        {
            var model = new AlsTrainer(new AlsOptions { Factors = 8 + (4 * i), Iterations = 3, Seed = i + 1 }).Fit(Interactions.UserItems);
            modelFiles[i] = Path.Combine(_root.FullName, $"model-{(char)('a' + i)}.mrals");
            AlsModelFile.Save(model, modelFiles[i], Interactions.Users, Interactions.Items);
        }

        ModelFiles = modelFiles;

        NpzModelFile = Path.Combine(_root.FullName, "model-a.npz");
        var first = AlsModelFile.Load(modelFiles[0]);
        ImplicitModelFile.Save(first.Model, NpzModelFile, first.Users, first.Items);
        SparkModelFolder = Path.Combine(_root.FullName, "model-a-spark");
        SparkModelDirectory.Save(first.Model, SparkModelFolder, first.Users!, first.Items!);
    }

    /// <summary>The release folder.</summary>
    public string DataFolder { get; }

    /// <summary>The release, loaded.</summary>
    public MovieLensDataset Dataset { get; }

    /// <summary>The matrix the models were trained on.</summary>
    public InteractionMatrix Interactions { get; }

    /// <summary>Three different models of the data (8, 12 and 16 factors, seeds 1 to 3).</summary>
    public IReadOnlyList<string> ModelFiles { get; }

    /// <summary>The first model in <c>implicit</c>'s <c>.npz</c> format.</summary>
    public string NpzModelFile { get; }

    /// <summary>The first model as a Spark MLlib ALSModel directory.</summary>
    public string SparkModelFolder { get; }

    /// <summary>A new empty folder under this data's root, for a test's own copy of a model file.</summary>
    public string NewFolder() => Directory.CreateDirectory(Path.Combine(_root.FullName, $"run-{Guid.NewGuid():N}")).FullName;

    /// <summary>What the library answers with a model file and this data, for comparing the service's answers.</summary>
    public MovieRecommender Recommender(string modelFile) =>
        MovieRecommender.FromModelFile(
            Directory.Exists(modelFile) ? SparkModelDirectory.Load(modelFile)
            : modelFile.EndsWith(".npz", StringComparison.Ordinal) ? ImplicitModelFile.Load(modelFile)
            : AlsModelFile.Load(modelFile),
            Dataset);

    public void Dispose() => _root.Delete(recursive: true);
}
