using System.Text.Json;
using MovieRecs.Cli;
using MovieRecs.Internal;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Persistence;

namespace MovieRecs.Tests.Cli;

/// <summary><c>movierecs evaluate --sweep ... --plot</c> end to end on small generated data, and the chart's PNG.</summary>
public sealed class CliPlotTests : IClassFixture<CliPlotTests.GeneratedData>, IDisposable
{
    private static readonly string[] MetricNames = ["implicitPrecision", "precision", "recall", "meanAveragePrecision", "ndcg", "auc"];
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
            "evaluate", _data, "--sweep", "iterations=1..6", "--factors", "8", "--threads", "2", "--plot", plot, "--metric", "all", "--loss", "--json");
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
        var (width, height, rgb) = Png.Read(File.ReadAllBytes(plot));
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

        var (width, height, rgb) = Png.Read(File.ReadAllBytes(plot));
        Assert.Equal((640, 400), (width, height));
        AssertLooksLikeAChart(rgb, ["#1f77b4"]);

        var swept = JsonDocument.Parse(Run("evaluate", _data, "--sweep", "factors=4,8,16", "--iterations", "3", "--threads", "2", "--json").Output).RootElement;
        var points = swept.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([4, 8, 16], points.Select(p => p.GetProperty("factors").GetInt32()));
        Assert.False(swept.TryGetProperty("plot", out _));
        var plain = JsonDocument.Parse(Run("evaluate", _data, "--factors", "8", "--iterations", "3", "--threads", "2", "--json").Output).RootElement;
        Assert.Equal(plain.GetProperty("als").GetProperty("ndcg").GetDouble(), points[1].GetProperty("metrics").GetProperty("ndcg").GetDouble());
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
        foreach (var option in new[] { "--sweep", "iterations=", "factors=", "--plot", "--metric", "--plot-size" })
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

    [Fact]
    public void SweepChart_TextLinesAndLegendLandInTheirRegions()
    {
        double[] x = [1, 2, 3, 4];
        var chart = new SweepChart
        {
            Title = "TITLE OF THE CHART",
            Subtitle = "a subtitle",
            XLabel = "X AXIS LABEL",
            YLabel = "Y AXIS LABEL",
            Series = [new ChartSeries("a", x, [0.1, 0.4, 0.3, 0.5]), new ChartSeries("baseline", [1, 4], [0.2, 0.2], Reference: true)],
        };
        var (width, height, rgb) = Png.Read(chart.RenderPng(960, 600));
        Assert.Equal((960, 600), (width, height));

        // Text in the title band, under the x axis (its label) and left of the y axis (its label); nothing dark in
        // the far corners; the line in its color and the dashed baseline in gray.
        Assert.True(CountDark(rgb, width, 0, 30, 300, 660) > 100, "no title");
        Assert.True(CountDark(rgb, width, 575, 600, 380, 580) > 50, "no x axis label");
        Assert.True(CountDark(rgb, width, 200, 400, 0, 25) > 50, "no y axis label");
        Assert.Equal(0, CountDark(rgb, width, 596, 600, 0, 960));
        Assert.True(Colors(rgb).Count(c => c == Hex("#1f77b4")) > 30, "no series line");
        Assert.True(Colors(rgb).Count(c => c.R is > 100 and < 180 && Math.Abs(c.R - c.G) < 6 && Math.Abs(c.G - c.B) < 6) > 30, "no baseline");
    }

    /// <summary>The charts' font is the tool's own (a Latin-1 subset of DejaVu Sans), not one the machine may lack.</summary>
    [Fact]
    public void ChartFont_IsTheEmbeddedSubset()
    {
        var typeface = ScottPlot.Fonts.GetTypeface(ChartFont.Use(), bold: false, italic: false);
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        Assert.InRange(typeface.GlyphCount, 150, 400); // an installed DejaVu Sans has thousands
        Assert.True(ChartFont.Measure("precision@10", 12) > 50);
    }

    private static int CountDark(byte[] rgb, int width, int fromRow, int toRow, int fromColumn, int toColumn)
    {
        var count = 0;
        for (var row = fromRow; row < toRow; row++)
        {
            for (var column = fromColumn; column < toColumn; column++)
            {
                var i = ((row * width) + column) * 3;
                count += rgb[i] + rgb[i + 1] + rgb[i + 2] < 300 ? 1 : 0;
            }
        }

        return count;
    }

    private static IEnumerable<(byte R, byte G, byte B)> Colors(byte[] rgb)
    {
        for (var i = 0; i < rgb.Length; i += 3)
        {
            yield return (rgb[i], rgb[i + 1], rgb[i + 2]);
        }
    }

    private static (byte R, byte G, byte B) Hex(string hex) =>
        (Convert.ToByte(hex[1..3], 16), Convert.ToByte(hex[3..5], 16), Convert.ToByte(hex[5..7], 16));

    private static void AssertLooksLikeAChart(byte[] rgb, string[] seriesColors)
    {
        var colors = Colors(rgb).ToList();
        var background = colors.Count(c => c == (255, 255, 255));
        Assert.InRange(background, colors.Count / 2, colors.Count * 99 / 100); // mostly white, but not blank
        Assert.True(colors.Distinct().Count() > 50, "too few colors for antialiased lines and text");
        foreach (var hex in seriesColors)
        {
            Assert.True(colors.Count(c => c == Hex(hex)) > 30, $"hardly any pixels of {hex}");
        }
    }

    private static void AssertMetricsInRange(JsonElement metrics)
    {
        foreach (var name in MetricNames)
        {
            Assert.InRange(metrics.GetProperty(name).GetDouble(), 0, 1);
        }

        Assert.True(metrics.GetProperty("userCount").GetInt32() > 0);
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
