using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Persistence;

namespace MovieRecs.Benchmarks;

/// <summary>
/// CRC-32 (IEEE 802.3, as in zip and the model files) over 4 KiB, 1 MiB and 16 MiB of random bytes: the hand-written
/// <see cref="Crc32.Append"/> (PCLMULQDQ folding, else slicing by 8) against <c>System.IO.Hashing.Crc32</c>.
/// </summary>
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class Crc32Benchmarks
{
    private byte[] _data = [];

    [Params(4 * 1024, 1024 * 1024, 16 * 1024 * 1024)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Length];
        new Random(42).NextBytes(_data);
    }

    [Benchmark(Baseline = true, Description = "hand-written Crc32.Append")]
    [BenchmarkCategory("Crc32")]
    public uint HandWritten() => Crc32.Append(0, _data);

    [Benchmark(Description = "System.IO.Hashing.Crc32.HashToUInt32")]
    [BenchmarkCategory("Crc32")]
    public uint SystemIOHashing() => System.IO.Hashing.Crc32.HashToUInt32(_data);
}
