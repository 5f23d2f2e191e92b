using System.Diagnostics.CodeAnalysis;

namespace MovieRecs.Fuzz;

/// <summary>The fuzz targets by name. Each takes the input bytes and lets only undocumented behaviour escape.</summary>
internal static class FuzzTargets
{
    private static readonly (string Name, Action<byte[]> Run)[] Targets =
    [
        ("ratings", RatingsTarget.Run),
        ("movies", TextFileTargets.Movies),
        ("users", TextFileTargets.Users),
        ("tags", TextFileTargets.Tags),
        ("links", TextFileTargets.Links),
        ("npy", NpyTargets.Npy),
        ("npz", NpyTargets.Npz),
        ("implicit", NpyTargets.Implicit),
        ("model", ModelTarget.Run),
        ("knn", OwnModelTargets.Knn),
        ("bpr", OwnModelTargets.Bpr),
        ("lmf", OwnModelTargets.Lmf),
    ];

    public static IEnumerable<string> Names => Targets.Select(t => t.Name);

    public static bool TryGet(string name, [NotNullWhen(true)] out Action<byte[]>? target)
    {
        target = Targets.FirstOrDefault(t => t.Name == name).Run;
        return target is not null;
    }
}
