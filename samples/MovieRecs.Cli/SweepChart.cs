using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MovieRecs.Cli;

/// <summary>
/// One line of a <see cref="SweepChart"/>: its legend name and its points (x ascending). A reference line (a
/// baseline) is drawn gray and dashed, without markers.
/// </summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Reference = false);

/// <summary>
/// The chart of <c>evaluate --sweep --plot</c>, drawn by ScottPlot: a title and subtitle, labelled axes, one line with
/// markers per series, the reference lines dashed, and a legend when there are several series. Text is set in the
/// tool's own font (<see cref="ChartFont"/>), so the chart looks the same on every machine, fonts installed or not.
/// </summary>
internal sealed class SweepChart
{
    /// <summary>Series colors (a common categorical palette) and marker shapes, in order.</summary>
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleUp];

    public required string Title { get; init; }

    public string Subtitle { get; init; } = "";

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    /// <summary>Places x on a base-2 logarithmic scale (for factor counts such as 16, 32, 64).</summary>
    public bool LogX { get; init; }

    /// <summary>Puts the x ticks at the data's x values instead of at round numbers.</summary>
    public bool XTicksAtData { get; init; }

    public required IReadOnlyList<ChartSeries> Series { get; init; }

    public byte[] RenderPng(int width, int height)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont.Use());
        plot.Title(Title, size: 17);
        plot.Axes.Title.Label.Bold = true;
        // The subtitle shrinks to fit the width, and is left out when it would be too small to read.
        var subtitleSize = Subtitle.Length == 0 ? 0 : Math.Min(11.5f, 11.5f * (width - 40) / ChartFont.Measure(Subtitle, 11.5f));
        if (subtitleSize >= 7)
        {
            var subtitle = new ScottPlot.Panels.TitlePanel();
            subtitle.Label.Text = Subtitle;
            subtitle.Label.FontName = ChartFont.Name;
            subtitle.Label.FontSize = subtitleSize;
            subtitle.Label.Bold = false;
            subtitle.FullFigureCenter = true;
            subtitle.Label.ForeColor = Color.FromHex("#555555");
            plot.Axes.AddPanel(subtitle);
        }

        plot.XLabel(XLabel, size: 14);
        plot.YLabel(YLabel, size: 14);
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;

        var shape = 0;
        foreach (var series in Series)
        {
            var x = series.X.Select(value => LogX ? Math.Log2(value) : value).ToArray();
            var line = plot.Add.Scatter(x, series.Y.ToArray());
            line.LegendText = series.Name;
            if (series.Reference)
            {
                line.Color = Color.FromHex("#7f7f7f");
                line.LinePattern = LinePattern.Dashed;
                line.LineWidth = 1.5f;
                line.MarkerSize = 0;
            }
            else
            {
                line.Color = Color.FromHex(Palette[shape % Palette.Length]);
                line.MarkerShape = Shapes[shape % Shapes.Length];
                line.MarkerSize = Series.Max(s => s.X.Count) > 40 ? 5 : 8;
                line.LineWidth = 2;
                shape++;
            }
        }

        var xs = Series.SelectMany(s => s.X).Where(double.IsFinite).Distinct().Order().ToArray();
        var ys = Series.SelectMany(s => s.Y).Where(double.IsFinite).ToArray();
        if (xs.Length == 0 || ys.Length == 0)
        {
            throw new InvalidOperationException("the chart has no finite points");
        }

        if (LogX || XTicksAtData)
        {
            plot.Axes.Bottom.TickGenerator = new NumericManual(
                [.. xs.Select(x => LogX ? Math.Log2(x) : x)], [.. xs.Select(x => x.ToString("N0", CultureInfo.InvariantCulture))]);
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        }

        // Y: the data with a little room, kept inside [0, 1] for metrics that are; a flat line still gets a span.
        var (low, high) = (ys.Min(), ys.Max());
        var margin = Math.Max(high - low, Math.Max(0.02, 0.1 * Math.Abs(high))) * 0.08;
        plot.Axes.SetLimitsY(low >= 0 ? Math.Max(0, low - margin) : low - margin, high <= 1 ? Math.Min(1, high + margin) : high + margin);
        var (left, right) = (LogX ? Math.Log2(xs[0]) : xs[0], LogX ? Math.Log2(xs[^1]) : xs[^1]);
        var xMargin = right > left ? 0.04 * (right - left) : 1;
        plot.Axes.SetLimitsX(left - xMargin, right + xMargin);

        if (Series.Count > 1)
        {
            plot.ShowLegend(EmptiestCorner(plot));
            plot.Legend.FontName = ChartFont.Name;
            plot.Legend.FontSize = 12;
        }

        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>The corner or side of the plot area whose legend-sized region holds the fewest points of the lines (sampled along them).</summary>
    private Alignment EmptiestCorner(Plot plot)
    {
        var limits = plot.Axes.GetLimits();
        (Alignment Place, double Left, double Right, double Bottom, double Top)[] regions =
        [
            (Alignment.UpperRight, 0.6, 1, 0.7, 1), (Alignment.UpperLeft, 0, 0.4, 0.7, 1),
            (Alignment.LowerRight, 0.6, 1, 0, 0.3), (Alignment.LowerLeft, 0, 0.4, 0, 0.3),
            (Alignment.MiddleRight, 0.6, 1, 0.35, 0.65), (Alignment.MiddleLeft, 0, 0.4, 0.35, 0.65),
        ];
        var counts = new int[regions.Length];
        foreach (var series in Series)
        {
            for (var i = 0; i + 1 < series.X.Count; i++)
            {
                for (var t = 0.0; t <= 1; t += 0.05)
                {
                    var x = Transform(series.X[i]) + (t * (Transform(series.X[i + 1]) - Transform(series.X[i])));
                    var y = series.Y[i] + (t * (series.Y[i + 1] - series.Y[i]));
                    var (fx, fy) = ((x - limits.Left) / limits.HorizontalSpan, (y - limits.Bottom) / limits.VerticalSpan);
                    for (var r = 0; r < regions.Length; r++)
                    {
                        counts[r] += fx >= regions[r].Left && fx <= regions[r].Right && fy >= regions[r].Bottom && fy <= regions[r].Top ? 1 : 0;
                    }
                }
            }
        }

        return regions[Array.IndexOf(counts, counts.Min())].Place;

        double Transform(double x) => LogX ? Math.Log2(x) : x;
    }
}
