using MovieRecs.Als;
using MovieRecs.MovieLens;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>A model trained on the real ml-100k, saved with its MovieLens ids and loaded back in both formats.</summary>
public sealed class AlsModelFileRealDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("movierecs-modelfile-real-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [RealDataFact("ml-100k")]
    public void SaveLoad_Ml100kModelWithMovieLensIds_RecommendsTheSameMoviesForTheSameUsers()
    {
        var dataset = MovieLensDataset.Load(TestData.Release("ml-100k")!);
        var interactions = InteractionMatrix.Build(dataset.Ratings);
        var model = new AlsTrainer(new AlsOptions { Factors = 20, Iterations = 3, Seed = 7 }).Fit(interactions.UserItems);
        var own = Path.Combine(_folder, "ml-100k.mrals");
        var npz = Path.Combine(_folder, "ml-100k.npz");

        AlsModelFile.Save(model, own, interactions.Users, interactions.Items);
        ImplicitModelFile.Save(model, npz, interactions.Users, interactions.Items);

        foreach (var loaded in new[] { AlsModelFile.Load(own), ImplicitModelFile.Load(npz) })
        {
            Assert.Equal(interactions.Users.Keys.ToArray(), loaded.Users!.Keys.ToArray());
            Assert.Equal(interactions.Items.Keys.ToArray(), loaded.Items!.Keys.ToArray());
            foreach (var userId in new[] { 1, 196, 943 })
            {
                var expected = model.Recommend(interactions.Users.IndexOf(userId), interactions.UserItems, count: 10)
                    .Select(r => interactions.Items[r.Item]);
                var actual = loaded.Model.Recommend(loaded.Users.IndexOf(userId), interactions.UserItems, count: 10)
                    .Select(r => loaded.Items[r.Item]);
                Assert.Equal(expected, actual);
            }
        }
    }
}
