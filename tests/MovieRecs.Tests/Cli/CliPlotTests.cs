using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs evaluate --sweep ... --plot</c>: one point per swept value and a real PNG chart.</summary>
public sealed class CliPlotTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-plot-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = MovieRecs.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    private string Data()
    {
        var data = PathOf("data");
        Assert.Equal(0, Run("generate", "--preset", "ml-100k", "--seed", "5", "--out", data).Code);
        return data;
    }

    [Fact]
    public void IterationSweep_OnePointPerValue_MatchesPlainEvaluate_AndDrawsAChart()
    {
        var data = Data();
        var plot = PathOf("iterations.png");
        var swept = Run("evaluate", data, "--test-fraction", "0.2", "--factors", "8", "--sweep", "iterations=1..3,5", "--plot", plot, "--json");
        Assert.Equal(0, swept.Code);
        var json = JsonDocument.Parse(swept.Output).RootElement;
        var points = json.GetProperty("sweep").GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3, 5], points.Select(p => p.GetProperty("value").GetInt32()));
        foreach (var point in points)
        {
            foreach (var metric in new[] { "ImplicitPrecision", "MeanAveragePrecision", "Ndcg", "Auc" })
            {
                Assert.InRange(point.GetProperty("als").GetProperty(metric).GetDouble(), 0, 1);
            }
        }

        // The point at 5 iterations (warm-started steps) equals a plain 5-iteration evaluation.
        var plain = JsonDocument.Parse(Run("evaluate", data, "--test-fraction", "0.2", "--factors", "8", "--iterations", "5", "--json").Output).RootElement;
        Assert.Equal(
            plain.GetProperty("als").GetProperty("Ndcg").GetDouble(),
            points[^1].GetProperty("als").GetProperty("Ndcg").GetDouble());

        var (width, height, rgb) = DecodePng(File.ReadAllBytes(plot));
        Assert.Equal((960, 560), (width, height));
        var colours = new HashSet<int>();
        var ink = 0;
        for (var i = 0; i < rgb.Length; i += 3)
        {
            colours.Add((rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2]);
            ink += rgb[i] < 200 || rgb[i + 1] < 200 || rgb[i + 2] < 200 ? 1 : 0;
        }

        Assert.True(colours.Count > 50, $"only {colours.Count} colours");
        Assert.InRange(ink, width * height / 200, width * height / 4);
    }

    [Fact]
    public void FactorSweep_TablesEveryValue_AndOneMetricPlot()
    {
        var data = Data();
        var plot = PathOf("factors.png");
        var swept = Run("evaluate", data, "--test-fraction", "0.2", "--iterations", "2", "--sweep", "factors=4,8", "--metric", "ndcg", "--plot", plot);
        Assert.Equal(0, swept.Code);
        Assert.Contains("factors", swept.Output, StringComparison.Ordinal);
        Assert.Contains("plot written to", swept.Output, StringComparison.Ordinal);
        var (width, height, _) = DecodePng(File.ReadAllBytes(plot));
        Assert.Equal((960, 560), (width, height));
    }

    [Theory]
    [InlineData("--sweep", "iters=1..3")]
    [InlineData("--sweep", "iterations")]
    [InlineData("--sweep", "iterations=3..1")]
    [InlineData("--sweep", "factors=0,8")]
    [InlineData("--sweep", "factors=a")]
    [InlineData("--plot", "chart.png")]
    [InlineData("--sweep", "factors=4", "--plot", "chart.gif")]
    [InlineData("--sweep", "factors=4", "--metric", "speed")]
    public void BadSweepOrPlot_OneLineOnStderr_NonZeroExit(params string[] extra)
    {
        var (code, output, error) = Run(["evaluate", "no-such-data", "--test-fraction", "0.2", .. extra]);
        Assert.NotEqual(0, code);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("movierecs: ", error, StringComparison.Ordinal);
    }

    /// <summary>A minimal PNG reader for 8-bit RGB images: checks the signature and every chunk's CRC, inflates and unfilters.</summary>
    private static (int Width, int Height, byte[] Rgb) DecodePng(byte[] file)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        var at = 8;
        while (at < file.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length)), Crc(file.AsSpan(at + 4, length + 4)));
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(2, data[9]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var stride = width * 3;
        Assert.Equal(height * (stride + 1), raw.Length);
        var rgb = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (stride + 1)]);
            raw.AsSpan((y * (stride + 1)) + 1, stride).CopyTo(rgb.AsSpan(y * stride));
        }

        return (width, height, rgb);
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
