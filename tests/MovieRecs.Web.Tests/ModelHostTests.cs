using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MovieRecs.Web.Api;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Tests;

/// <summary>The model lifecycle: a replaced model file is swapped in atomically under load, and a damaged one is
/// rejected while the old model keeps serving.</summary>
public sealed class ModelHostTests(ServiceData data) : IClassFixture<ServiceData>
{
    private static readonly TimeSpan SwapTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public void Reload_DamagedOrForeignFile_IsRejectedAndTheOldModelKeepsServing()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "model.mrals");
        File.Copy(data.ModelFiles[0], path);
        using var factory = new ServiceFactory(path, data.DataFolder);
        var host = factory.Services.GetRequiredService<ModelHost>();
        var first = host.Current;

        File.WriteAllBytes(path, File.ReadAllBytes(data.ModelFiles[1])[..1000]);
        Assert.False(host.Reload());
        Assert.Same(first, host.Current);
        Assert.Equal((0, 1), (host.Status.Swapped, host.Status.Rejected));
        Assert.Contains("truncated", host.Status.LastRejection, StringComparison.Ordinal);
        Assert.Contains(factory.Log, line => line.StartsWith("Error: Rejected the new model file " + path, StringComparison.Ordinal) && line.Contains("Still serving version 1", StringComparison.Ordinal));

        var bytes = File.ReadAllBytes(data.ModelFiles[1]);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.False(host.Reload());
        Assert.Contains("checksum", host.Status.LastRejection, StringComparison.OrdinalIgnoreCase);

        File.Copy(data.ModelFiles[1], path, overwrite: true);
        Assert.True(host.Reload());
        Assert.Equal(2, host.Current.Version);
        Assert.Equal(12, host.Current.Recommender.Model.Factors);
        Assert.Same(first.Recommender.Interactions, host.Current.Recommender.Interactions); // retrained on the same data: only the file is read
        Assert.Equal((1, 2), (host.Status.Swapped, host.Status.Rejected));
        Assert.Equal((1, 8), (first.Version, first.Recommender.Model.Factors)); // a request holding the old model keeps it whole
    }

    [Fact]
    public async Task Reload_SameDamagedFileAgain_IsRejectedOnce_AndASwapClearsTheRejection()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "model.mrals");
        File.Copy(data.ModelFiles[0], path);
        using var factory = new ServiceFactory(path, data.DataFolder);
        using var client = factory.CreateClient();
        var host = factory.Services.GetRequiredService<ModelHost>();

        File.WriteAllBytes(path, File.ReadAllBytes(data.ModelFiles[1])[..1000]);
        Assert.False(host.Reload());
        Assert.False(host.Reload());
        var health = await HealthAsync(client);
        Assert.Equal(("stale", 1, 1), (health.Status, health.Model.Version, health.Reloads.Rejected));
        Assert.Contains("truncated", health.Reloads.LastRejection, StringComparison.Ordinal);
        Assert.Single(factory.Log, line => line.StartsWith("Error: Rejected", StringComparison.Ordinal));

        File.Copy(data.ModelFiles[1], path, overwrite: true);
        Assert.True(host.Reload());
        health = await HealthAsync(client);
        Assert.Equal(("ok", 2, 1, 1), (health.Status, health.Model.Version, health.Reloads.Swapped, health.Reloads.Rejected));
        Assert.Null(health.Reloads.LastRejection);
        Assert.Null(health.Reloads.LastRejectedAt);
    }

    [Fact]
    public void Reload_ServedFileMovedBackAfterARejection_IsOkAgain()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "model.mrals");
        File.Copy(data.ModelFiles[0], path);
        using var factory = new ServiceFactory(path, data.DataFolder);
        var host = factory.Services.GetRequiredService<ModelHost>();

        File.Move(path, path + ".kept");
        File.WriteAllBytes(path, File.ReadAllBytes(data.ModelFiles[1])[..1000]);
        Assert.False(host.Reload());
        Assert.Equal("stale", host.Status.State);

        File.Move(path + ".kept", path, overwrite: true);
        Assert.False(host.Reload());
        Assert.Equal(("ok", 1), (host.Status.State, host.Current.Version));
        Assert.Null(host.Status.LastRejection);
    }

    /// <summary>
    /// A model file written in place in pieces, with pauses longer than the reload delay but shorter than the retry
    /// delay: each pause finds an incomplete file, which is not a rejection while the file keeps changing. The old
    /// model serves until the complete file is swapped in, health never says "ok" beside an error, and no rejection
    /// is counted or logged.
    /// </summary>
    [Fact]
    public async Task Watch_ModelFileWrittenSlowly_OldModelServesUntilItIsComplete_NoRejection()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "model.mrals");
        File.Copy(data.ModelFiles[0], path);
        using var factory = new ServiceFactory(path, data.DataFolder, watchModel: true, reloadDelayMilliseconds: 50, retryDelayMilliseconds: 3000);
        using var client = factory.CreateClient();
        var seen = new List<ServiceHealth>();

        var bytes = File.ReadAllBytes(data.ModelFiles[1]);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            const int Pieces = 5;
            for (var piece = 0; piece < Pieces; piece++)
            {
                var start = bytes.Length * piece / Pieces;
                await file.WriteAsync(bytes.AsMemory(start, (bytes.Length * (piece + 1) / Pieces) - start));
                await file.FlushAsync();
                for (var wait = 0; wait < 10 && piece < Pieces - 1; wait++)
                {
                    await Task.Delay(40);
                    seen.Add(await HealthAsync(client));
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var health = await HealthAsync(client);
        while (health.Model.Version == 1)
        {
            Assert.True(clock.Elapsed < SwapTimeout, $"no reload within {SwapTimeout.TotalSeconds} s");
            await Task.Delay(20);
            health = await HealthAsync(client);
        }

        Assert.All(seen, h => Assert.Equal(1, h.Model.Version));
        Assert.DoesNotContain(seen, h => h.Status == "ok" && h.Reloads.LastRejection is not null);
        Assert.Contains(seen, h => h.Status == "loading");
        Assert.Equal(("ok", 2, 12), (health.Status, health.Model.Version, health.Model.Factors));
        Assert.Equal((1, 0), (health.Reloads.Swapped, health.Reloads.Rejected));
        Assert.Null(health.Reloads.LastRejection);
        Assert.DoesNotContain(factory.Log, line => line.StartsWith("Error:", StringComparison.Ordinal));
    }

    /// <summary>
    /// A Spark model directory replaced by deleting it and copying another in place, file by file with pauses shorter
    /// than the reload delay: the new model is loaded once the copy has ended, complete (a retry delay longer than
    /// the test leaves only the watcher's events to notice the files inside the directory).
    /// </summary>
    [Fact]
    public async Task Watch_SparkDirectoryCopiedInPlace_IsLoadedWhenTheCopyEnds()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "spark-model");
        CopyDirectory(data.SparkModelFolder, path, pause: TimeSpan.Zero);
        var second = Path.Combine(data.NewFolder(), "second");
        var loaded = MovieRecs.Persistence.AlsModelFile.Load(data.ModelFiles[1]);
        MovieRecs.Spark.SparkModelDirectory.Save(loaded.Model, second, loaded.Users!, loaded.Items!);
        using var factory = new ServiceFactory(path, data.DataFolder, watchModel: true, reloadDelayMilliseconds: 300, retryDelayMilliseconds: 600_000);
        using var client = factory.CreateClient();
        Assert.Equal("Spark ALSModel directory", (await HealthAsync(client)).Model.Format);
        await Task.Delay(100);

        Directory.Delete(path, recursive: true);
        CopyDirectory(second, path, pause: TimeSpan.FromMilliseconds(60));
        var clock = Stopwatch.StartNew();
        var health = await HealthAsync(client);
        while (health.Model.Version == 1 || health.Status != "ok")
        {
            Assert.True(clock.Elapsed < SwapTimeout, $"no reload within {SwapTimeout.TotalSeconds} s: {health.Status}, version {health.Model.Version}, {health.Reloads.LastRejection}");
            await Task.Delay(50);
            health = await HealthAsync(client);
        }

        Assert.Equal((12, data.Interactions.Items.Count), (health.Model.Factors, health.Model.Movies));
        var user = data.Interactions.Users[3];
        var answer = await client.GetFromJsonAsync($"/users/{user}/recommendations?count=5", WebJsonContext.Default.UserRecommendations);
        Assert.Equal(Expected(data.Recommender(second), user), answer!.Recommendations);
    }

    /// <summary>
    /// Eight clients ask for recommendations without pause while the model file is replaced four times, once with a
    /// damaged file: by an atomic rename, by a truncated file written in place, by a copy over the file, and by a
    /// rename again. No request fails, every answer is exactly the library's answer of the model its
    /// <c>X-Model-Version</c> names, and the models named are those the file held.
    /// </summary>
    [Fact]
    public async Task Reload_ModelFileReplacedUnderLoad_NoRequestFails_EveryAnswerIsWhollyOneModels()
    {
        var folder = data.NewFolder();
        var path = Path.Combine(folder, "model.mrals");
        File.Copy(data.ModelFiles[0], path);
        using var factory = new ServiceFactory(path, data.DataFolder, watchModel: true, reloadDelayMilliseconds: 50);
        using var client = factory.CreateClient();
        var users = data.Interactions.Users.Keys[..40].ToArray();
        var expected = data.ModelFiles.Select(file => users.ToDictionary(u => u, u => Expected(data.Recommender(file), u))).ToArray();

        // Which model file each version holds: version 1 is the first; each step adds the versions it swapped in.
        var modelOfVersion = new ConcurrentDictionary<int, int> { [1] = 0 };
        var answers = new ConcurrentBag<(int Version, int User, ScoredMovieJson[] Recommendations)>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var user = users[random.Next(users.Length)];
                try
                {
                    using var response = await client.GetAsync($"/users/{user}/recommendations?count=5");
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        continue;
                    }

                    var version = int.Parse(response.Headers.GetValues(MovieRecsApi.ModelVersionHeader).Single(), CultureInfo.InvariantCulture);
                    var answer = await response.Content.ReadFromJsonAsync(WebJsonContext.Default.UserRecommendations);
                    answers.Add((version, user, [.. answer!.Recommendations]));
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        })).ToArray();

        var health = await HealthAsync(client);
        await Task.Delay(100);
        health = await ReplaceAsync(client, health, () => ReplaceAtomically(data.ModelFiles[1], path), swapped: true, modelOfVersion, 1);
        health = await ReplaceAsync(client, health, () => File.WriteAllBytes(path, File.ReadAllBytes(data.ModelFiles[2])[..2000]), swapped: false, modelOfVersion, -1);
        health = await ReplaceAsync(client, health, () => File.Copy(data.ModelFiles[2], path, overwrite: true), swapped: true, modelOfVersion, 2);
        health = await ReplaceAsync(client, health, () => ReplaceAtomically(data.ModelFiles[0], path), swapped: true, modelOfVersion, 0);
        await Task.Delay(100);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.True(health.Reloads.Rejected >= 1);
        Assert.Contains(factory.Log, line => line.StartsWith("Error: Rejected the new model file", StringComparison.Ordinal));
        var seen = answers.Select(a => a.Version).Distinct().Order().ToArray();
        Assert.True(seen.Length >= 4, $"answers came from versions {string.Join(", ", seen)} only");
        Assert.True(answers.Count > 200, $"only {answers.Count} answers");
        foreach (var (version, user, recommendations) in answers)
        {
            Assert.True(modelOfVersion.TryGetValue(version, out var model), $"version {version} was never swapped in");
            Assert.Equal(expected[model][user], recommendations);
        }
    }

    /// <summary>Replaces the file and waits until the service has swapped in a new model (or rejected the file) and
    /// the file has been quiet for a while; records the models of the versions swapped in meanwhile.</summary>
    private static async Task<ServiceHealth> ReplaceAsync(
        HttpClient client, ServiceHealth before, Action replace, bool swapped, ConcurrentDictionary<int, int> modelOfVersion, int model)
    {
        replace();
        var clock = Stopwatch.StartNew();
        var health = before;
        while (swapped ? health.Model.Version == before.Model.Version : health.Reloads.Rejected == before.Reloads.Rejected)
        {
            Assert.True(clock.Elapsed < SwapTimeout, $"no reload within {SwapTimeout.TotalSeconds} s");
            await Task.Delay(20);
            health = await HealthAsync(client);
        }

        // Late events of the same replacement find the file unchanged; wait until nothing changes all the same.
        ServiceHealth settled;
        do
        {
            settled = health;
            await Task.Delay(250);
            health = await HealthAsync(client);
        }
        while (health.Model.Version != settled.Model.Version || health.Reloads.Rejected != settled.Reloads.Rejected);

        Assert.Equal(swapped, health.Model.Version > before.Model.Version);
        for (var version = before.Model.Version + 1; version <= health.Model.Version; version++)
        {
            modelOfVersion[version] = model;
        }

        return health;
    }

    private static async Task<ServiceHealth> HealthAsync(HttpClient client) =>
        (await client.GetFromJsonAsync("/health", WebJsonContext.Default.ServiceHealth))!;

    private static void CopyDirectory(string source, string target, TimeSpan pause)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
            Thread.Sleep(pause);
        }
    }

    private static void ReplaceAtomically(string source, string path)
    {
        var temporary = path + ".new";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, path, overwrite: true);
    }

    private static ScoredMovieJson[] Expected(MovieRecs.MovieLens.MovieRecommender recommender, int user) =>
        [.. recommender.RecommendForUser(user, 5).Select(s => new ScoredMovieJson(s.Movie.Id, s.Movie.Title, s.Score))];
}
