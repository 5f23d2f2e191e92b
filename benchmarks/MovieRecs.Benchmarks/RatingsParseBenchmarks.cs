using System.Buffers.Text;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MovieRecs.MovieLens;

namespace MovieRecs.Benchmarks;

/// <summary>
/// Parse throughput of a 25,000,000-line ratings file in the ml-25m CSV layout: the bulk loader and the streaming
/// reader against a naive File.ReadLines + string.Split + int.Parse baseline. MB/s = file bytes / median time.
/// </summary>
/// <remarks>
/// Each operation takes seconds, so the job is one launch, one warmup and three measured iterations of one
/// invocation each; the file is generated (seeded) once per process and deleted afterwards.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class RatingsParseBenchmarks
{
    private const int Seed = 20_251_128;
    private const int MaxUserId = 162_541;
    private const int MaxMovieId = 209_171;
    private const long FirstTimestamp = 789_652_009;
    private const long LastTimestamp = 1_574_327_703;

    private string _path = "";

    /// <summary>The number of rating lines in the generated file.</summary>
    [Params(25_000_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"movierecs-ratings-{Environment.ProcessId}.csv");
        var bytes = WriteRatingsCsv(_path, Lines, Seed);
        Console.WriteLine($"// Generated {Lines:N0} lines, {bytes:N0} bytes ({bytes / 1e6:F1} MB) in {_path}");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "Naive ReadLines+Split+Parse")]
    public int Naive()
    {
        var users = new List<int>();
        var movies = new List<int>();
        var ratings = new List<float>();
        var timestamps = new List<long>();
        var first = true;
        foreach (var line in File.ReadLines(_path))
        {
            if (first)
            {
                first = false;
                continue;
            }

            var fields = line.Split(',');
            users.Add(int.Parse(fields[0], CultureInfo.InvariantCulture));
            movies.Add(int.Parse(fields[1], CultureInfo.InvariantCulture));
            ratings.Add(float.Parse(fields[2], CultureInfo.InvariantCulture));
            timestamps.Add(long.Parse(fields[3], CultureInfo.InvariantCulture));
        }

        return users.Count + movies.Count + ratings.Count + timestamps.Count;
    }

    [Benchmark(Description = "MovieLensReader.ReadRatings (table)")]
    public int BulkTable() => MovieLensReader.ReadRatings(_path, MovieLensRelease.Ml25m).Count;

    [Benchmark(Description = "RatingsReader.Read (stream, 4096 batch)")]
    public long Streaming()
    {
        using var reader = RatingsReader.Open(_path, MovieLensRelease.Ml25m);
        Span<Rating> batch = new Rating[4096];
        long checksum = 0;
        int count;
        while ((count = reader.Read(batch)) > 0)
        {
            for (var i = 0; i < count; i++)
            {
                checksum += batch[i].MovieId;
            }
        }

        return checksum;
    }

    /// <summary>Writes a seeded ml-25m-shaped ratings.csv: users ascending, random movies, half-star ratings, 10-digit timestamps.</summary>
    internal static long WriteRatingsCsv(string path, int lines, int seed)
    {
        var random = new Random(seed);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        var used = 0;
        "userId,movieId,rating,timestamp\n"u8.CopyTo(buffer);
        used += 32;
        for (var i = 0; i < lines; i++)
        {
            if (buffer.Length - used < 64)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }

            var span = buffer.AsSpan(used);
            var user = 1 + (int)((long)i * MaxUserId / lines);
            var movie = 1 + random.Next(MaxMovieId);
            var halves = 1 + random.Next(10);
            var timestamp = FirstTimestamp + random.NextInt64(LastTimestamp - FirstTimestamp);
            Utf8Formatter.TryFormat(user, span, out var n);
            var p = n;
            span[p++] = (byte)',';
            Utf8Formatter.TryFormat(movie, span[p..], out n);
            p += n;
            span[p++] = (byte)',';
            span[p++] = (byte)('0' + (halves / 2));
            span[p++] = (byte)'.';
            span[p++] = (byte)(halves % 2 == 0 ? '0' : '5');
            span[p++] = (byte)',';
            Utf8Formatter.TryFormat(timestamp, span[p..], out n);
            p += n;
            span[p++] = (byte)'\n';
            used += p;
        }

        stream.Write(buffer, 0, used);
        return stream.Length;
    }
}
