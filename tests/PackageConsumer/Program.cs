// A consumer of the MovieRecs and MovieRecs.Spark NuGet packages: generates a small MovieLens-shaped data set, trains
// implicit ALS, prints one user's recommendations, then saves the model as a Spark ALSModel directory and loads it
// back. CI runs it to prove the packages work by package reference. On a runtime the core package carries ReadyToRun
// code for, the library must load from that image, compiled from the package's IL-only assembly.
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Spark;

string[] readyToRunRuntimes = ["linux-x64", "linux-arm64", "win-x64", "osx-x64", "osx-arm64"];
var library = typeof(AlsModel).Assembly.Location;
using (var image = new PEReader(File.OpenRead(library)))
{
    var readyToRun = image.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    var expected = Path.Combine("runtimes", RuntimeInformation.RuntimeIdentifier, "lib");
    if (readyToRunRuntimes.Contains(RuntimeInformation.RuntimeIdentifier) && (!readyToRun || !library.Contains(expected, StringComparison.Ordinal)))
    {
        Console.Error.WriteLine($"MovieRecs loaded from {library} (ReadyToRun: {readyToRun}), expected the ReadyToRun image under {expected}");
        return 1;
    }

    // The image must be compiled from the very assembly packed as IL only (copied beside the application).
    var ilOnly = Path.Combine(AppContext.BaseDirectory, "MovieRecs.dll");
    if (readyToRun && File.Exists(ilOnly))
    {
        using var il = new PEReader(File.OpenRead(ilOnly));
        var metadata = il.GetMetadataReader();
        var ilMvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        if (ilMvid != typeof(AlsModel).Module.ModuleVersionId)
        {
            Console.Error.WriteLine($"the ReadyToRun image (MVID {typeof(AlsModel).Module.ModuleVersionId}) is not compiled from the IL-only assembly (MVID {ilMvid})");
            return 1;
        }
    }

    Console.WriteLine($"MovieRecs: {Path.GetRelativePath(AppContext.BaseDirectory, library)}, ReadyToRun: {readyToRun}");
}

var data = SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Ml100k);
var interactions = InteractionMatrix.Build(data.Ratings);
var model = new AlsTrainer(new AlsOptions { Factors = 16, Iterations = 5, Seed = 1 }).Fit(interactions.UserItems);

var liked = interactions.UserItems.GetColumnIndices(0).ToArray();
var recommendations = model.Recommend(0, liked, 5);
if (recommendations.Length != 5)
{
    Console.Error.WriteLine($"expected 5 recommendations, got {recommendations.Length}");
    return 1;
}

foreach (var (item, score) in recommendations)
{
    if (liked.Contains(item) || !float.IsFinite(score))
    {
        Console.Error.WriteLine($"bad recommendation {item} ({score})");
        return 1;
    }

    Console.WriteLine($"movie {interactions.Items[item]}: {score:F4}");
}

var sparkDirectory = Path.Combine(Path.GetTempPath(), "movierecs-consumer-" + Guid.NewGuid().ToString("N"));
try
{
    SparkModelDirectory.Save(model, sparkDirectory, interactions.Users, interactions.Items);
    var (loaded, users, items) = SparkModelDirectory.Load(sparkDirectory);
    var again = loaded.Recommend(users!.IndexOf(interactions.Users[0]), liked.Select(i => items!.IndexOf(interactions.Items[i])).ToArray(), 5);
    if (!again.Select(r => items![r.Item]).SequenceEqual(recommendations.Select(r => interactions.Items[r.Item])))
    {
        Console.Error.WriteLine("the model loaded from the Spark directory recommends other movies");
        return 1;
    }

    Console.WriteLine($"Spark ALSModel directory: {SparkModelDirectory.ReadMetadata(sparkDirectory).Uid}, {loaded}");
}
finally
{
    if (Directory.Exists(sparkDirectory))
    {
        Directory.Delete(sparkDirectory, recursive: true);
    }
}

Console.WriteLine("package consumer: ok");
return 0;
