using System.Text.Json;
using FsCheck.Xunit;
using MovieRecs.Cli;
using MovieRecs.Cli.Plotting;
using MovieRecs.Internal;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Persistence;

namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs evaluate --sweep ... --plot</c> end to end on small generated data, and the chart's PNG.</summary>
public sealed class CliPlotTests : IClassFixture<CliPlotTests.GeneratedData>, IDisposable
{
    private static readonly string[] MetricNames = ["ImplicitPrecision", "Precision", "Recall", "MeanAveragePrecision", "Ndcg", "Auc"];
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("movierecs-plot-");
    private readonly string _data;

    public CliPlotTests(GeneratedData data) => _data = data.Folder;

    public void Dispose() => _folder.Delete(recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void Sweep_Iterations_OnePointPerValue_WarmStartMatchesPlainFit_PlotsEveryMetric()
    {
        var plot = PathOf("iterations.png");
        var (code, output, error) = Run(
            "evaluate", _data, "--sweep", "iterations=1..6", "--factors", "8", "--threads", "2", "--plot", plot, "--metric", "all", "--json");
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("iterations", json.GetProperty("sweep").GetString());
        var points = json.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 6], points.Select(p => p.GetProperty("iterations").GetInt32()));
        foreach (var point in points)
        {
            AssertMetricsInRange(point.GetProperty("metrics"));
            Assert.True(point.GetProperty("fitSeconds").GetDouble() >= 0);
            Assert.True(point.GetProperty("trainingLoss").GetDouble() > 0);
        }

        // Losses fall as training continues: the points really are successive iterations of one fit.
        var losses = points.Select(p => p.GetProperty("trainingLoss").GetDouble()).ToArray();
        Assert.True(losses[^1] < losses[0], string.Join(", ", losses));

        var stages = json.GetProperty("stageSeconds");
        foreach (var stage in new[] { "split", "fit", "evaluate", "plot" })
        {
            Assert.True(stages.GetProperty(stage).GetDouble() >= 0, stage);
        }

        // The sweep's last point (six single-iteration steps, warm started) equals a plain six-iteration evaluation.
        var plain = JsonDocument.Parse(Run("evaluate", _data, "--iterations", "6", "--factors", "8", "--threads", "2", "--json").Output).RootElement;
        foreach (var name in MetricNames)
        {
            Assert.Equal(plain.GetProperty("als").GetProperty(name).GetDouble(), points[^1].GetProperty("metrics").GetProperty(name).GetDouble());
        }

        Assert.Equal(plot, json.GetProperty("plot").GetString());
        var (width, height, rgb) = PngFile.Read(File.ReadAllBytes(plot));
        Assert.Equal((960, 600), (width, height));
        AssertLooksLikeAChart(rgb, ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]);
    }

    [Fact]
    public void Sweep_Factors_TableRowPerCount_EachFittedFresh_PlotOfChosenSize()
    {
        var plot = PathOf("factors.png");
        var (code, output, error) = Run(
            "evaluate", _data, "--sweep", "factors=4,8,16", "--iterations", "3", "--threads", "2", "--plot", plot, "--plot-size", "640x400");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.StartsWith("factors", lines[0], StringComparison.Ordinal);
        Assert.Equal(["4", "8", "16", "popularity"], lines.Skip(2).Take(4).Select(l => l.Split(' ')[0]));
        Assert.Contains(lines, l => l.Contains("fit ", StringComparison.Ordinal) && l.Contains("plot ", StringComparison.Ordinal));

        var (width, height, rgb) = PngFile.Read(File.ReadAllBytes(plot));
        Assert.Equal((640, 400), (width, height));
        AssertLooksLikeAChart(rgb, ["#1f77b4"]);

        var swept = JsonDocument.Parse(Run("evaluate", _data, "--sweep", "factors=4,8,16", "--iterations", "3", "--threads", "2", "--json").Output).RootElement;
        var points = swept.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([4, 8, 16], points.Select(p => p.GetProperty("factors").GetInt32()));
        Assert.False(swept.TryGetProperty("plot", out _));
        var plain = JsonDocument.Parse(Run("evaluate", _data, "--factors", "8", "--iterations", "3", "--threads", "2", "--json").Output).RootElement;
        Assert.Equal(plain.GetProperty("als").GetProperty("Ndcg").GetDouble(), points[1].GetProperty("metrics").GetProperty("Ndcg").GetDouble());
    }

    [Theory]
    [InlineData("--sweep", "iterations")]
    [InlineData("--sweep", "alpha=1..3")]
    [InlineData("--sweep", "iterations=5..1")]
    [InlineData("--sweep", "iterations=1..3..5")]
    [InlineData("--sweep", "iterations=1..x")]
    [InlineData("--sweep", "iterations=")]
    [InlineData("--sweep", "iterations=1..100000")]
    [InlineData("--sweep", "iterations=-1..3")]
    [InlineData("--sweep", "factors=16,8")]
    [InlineData("--sweep", "factors=0,8")]
    [InlineData("--sweep", "factors=8,8")]
    [InlineData("--sweep", "factors=99999")]
    [InlineData("--sweep", "iterations=1..3", "--iterations", "5")]
    [InlineData("--sweep", "factors=8,16", "--factors", "5")]
    [InlineData("--sweep", "iterations=1..3", "--plot", "chart.svg")]
    [InlineData("--sweep", "iterations=1..3", "--plot", "no-such-folder/chart.png")]
    [InlineData("--sweep", "iterations=1..3", "--metric", "precison")]
    [InlineData("--sweep", "iterations=1..3", "--plot-size", "10x10")]
    [InlineData("--sweep", "iterations=1..3", "--plot-size", "wide")]
    [InlineData("--plot", "chart.png")]
    [InlineData("--metric", "map")]
    public void Sweep_BadOptions_OneLineOnStderr_NonZeroExit_NothingWritten(params string[] options)
    {
        var args = new[] { "evaluate", _data }.Concat(options.Select(o => o.EndsWith(".png", StringComparison.Ordinal) || o.EndsWith(".svg", StringComparison.Ordinal) ? PathOf(o) : o)).ToArray();
        var (code, output, error) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("movierecs: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(_folder.GetFiles());
    }

    [Fact]
    public void Sweep_PlotSaveFails_KeepsThePreviousPlotByteForByteAndNamesItsPath()
    {
        var plot = PathOf("kept.png");
        byte[] previous = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
        File.WriteAllBytes(plot, previous);
        var filter = AtomicFileWriter.StreamFilter.Value;
        (int Code, string Output, string Error) result;
        try
        {
            // The disk fills up after part of the image; the operating system's message names the temporary file.
            AtomicFileWriter.StreamFilter.Value = stream => new FailingWriteStream(stream, 100, $"No space left on device : '{((FileStream)stream).Name}'");
            result = Run("evaluate", _data, "--sweep", "iterations=1..2", "--factors", "4", "--threads", "2", "--plot", plot);
        }
        finally
        {
            AtomicFileWriter.StreamFilter.Value = filter;
        }

        Assert.Equal(1, result.Code);
        Assert.Equal($"movierecs: Could not save the plot to '{plot}': No space left on device", result.Error.TrimEnd());
        Assert.Equal(previous, File.ReadAllBytes(plot));
        Assert.Equal([plot], _folder.GetFiles().Select(f => f.FullName));
    }

    [UnixFact]
    public void Sweep_PlotPathIsAFifo_RefusesWithoutWaitingAndLeavesTheFifo()
    {
        var plot = PathOf("pipe.png");
        UnixFiles.MakeFifo(plot);

        var (code, _, error) = Run("evaluate", _data, "--sweep", "iterations=1..2", "--factors", "4", "--threads", "2", "--plot", plot);

        Assert.Equal(1, code);
        Assert.StartsWith($"movierecs: Could not save the plot to '{plot}': it is a FIFO (named pipe), not a regular file", error, StringComparison.Ordinal);
        Assert.True(UnixFiles.IsFifo(plot));
        Assert.Equal([plot], _folder.GetFileSystemInfos().Select(f => f.FullName));
    }

    [Fact]
    public void Help_DescribesSweepAndPlot()
    {
        var (code, output, _) = Run("evaluate", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--sweep iterations=", "factors=", "--plot", "--metric", "--plot-size" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("iterations=1..4", new[] { 1, 2, 3, 4 })]
    [InlineData("iterations=0..2,5,10..11", new[] { 0, 1, 2, 5, 10, 11 })]
    [InlineData("factors=16,32,64,128", new[] { 16, 32, 64, 128 })]
    [InlineData("factors=7", new[] { 7 })]
    public void SweepSpec_Parse_ListsAndRanges(string text, int[] expected)
    {
        var spec = SweepSpec.Parse(text);
        Assert.Equal(text[..text.IndexOf('=', StringComparison.Ordinal)], spec.Parameter);
        Assert.Equal(expected, spec.Values);
    }

    /// <summary>The encoder and an independent decoder agree on every pixel, whatever the size and content.</summary>
    [Property(MaxTest = 30)]
    public bool PngEncoder_RoundTripsEveryPixel(byte widthChoice, byte heightChoice, byte background, bool smooth, byte[] noise)
    {
        var (width, height) = (1 + (widthChoice % 39), 1 + (heightChoice % 29));
        var raster = new Raster(width, height, new Rgb(background, 0, 0));
        byte Noise(int i) => noise.Length == 0 ? (byte)0 : noise[i % noise.Length];

        // Smooth content favours the Up/Average/Paeth filters, noise (the drawn bytes, repeated) favours None.
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var at = 3 * ((y * width) + x);
                var color = smooth ? new Rgb((byte)(x * 5), (byte)(y * 7), (byte)(x + y)) : new Rgb(Noise(at), Noise(at + 1), Noise(at + 2));
                raster.FillRect(x, y, 1, 1, color);
            }
        }

        var (decodedWidth, decodedHeight, rgb) = PngFile.Read(PngEncoder.Encode(raster));
        return decodedWidth == width && decodedHeight == height && rgb.AsSpan().SequenceEqual(raster.Pixels);
    }

    [Fact]
    public void LineChart_TextAndLinesLandInTheirRegions()
    {
        double[] x = [1, 2, 3, 4];
        var chart = new LineChart
        {
            Title = "TITLE",
            XLabel = "x",
            YLabel = "y",
            Series = [new ChartSeries("a", x, [0.1, 0.4, 0.3, 0.5])],
        };
        var raster = chart.Render(960, 600);
        var rgb = raster.Pixels.ToArray();
        // The title is drawn in the top band; the line (series color) in the middle; nothing dark in the far corners.
        Assert.True(CountDark(rgb, 960, 0, 60) > 50, "no title");
        Assert.Contains(Colors(rgb), c => c == Rgb.Hex("#1f77b4"));
        Assert.Equal(0, CountDark(rgb, 960, 595, 600));
    }

    private static int CountDark(byte[] rgb, int width, int fromRow, int toRow)
    {
        var count = 0;
        for (var i = fromRow * width * 3; i < toRow * width * 3; i += 3)
        {
            count += rgb[i] + rgb[i + 1] + rgb[i + 2] < 300 ? 1 : 0;
        }

        return count;
    }

    private static IEnumerable<Rgb> Colors(byte[] rgb)
    {
        for (var i = 0; i < rgb.Length; i += 3)
        {
            yield return new Rgb(rgb[i], rgb[i + 1], rgb[i + 2]);
        }
    }

    private static void AssertLooksLikeAChart(byte[] rgb, string[] seriesColors)
    {
        var colors = Colors(rgb).ToList();
        var background = colors.Count(c => c == Rgb.White);
        Assert.InRange(background, colors.Count / 2, colors.Count * 99 / 100); // mostly white, but not blank
        Assert.True(colors.Distinct().Count() > 50, "too few colors for antialiased lines and text");
        foreach (var hex in seriesColors)
        {
            Assert.True(colors.Count(c => c == Rgb.Hex(hex)) > 30, $"hardly any pixels of {hex}");
        }
    }

    private static void AssertMetricsInRange(JsonElement metrics)
    {
        foreach (var name in MetricNames)
        {
            Assert.InRange(metrics.GetProperty(name).GetDouble(), 0, 1);
        }

        Assert.True(metrics.GetProperty("UserCount").GetInt32() > 0);
    }

    /// <summary>A small MovieLens-shaped release, generated once for the class.</summary>
    public sealed class GeneratedData : IDisposable
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("movierecs-plot-data-");

        public GeneratedData()
        {
            Folder = Path.Combine(_root.FullName, "small");
            Directory.CreateDirectory(Folder);
            SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 300, movies: 400, ratings: 15_000) with { Seed = 11 }).WriteMl1mFiles(Folder);
            Assert.True(File.Exists(Path.Combine(Folder, "ratings.dat")), string.Join(", ", Directory.GetFiles(Folder).Select(Path.GetFileName)));
        }

        public string Folder { get; }

        public void Dispose() => _root.Delete(recursive: true);
    }
}
