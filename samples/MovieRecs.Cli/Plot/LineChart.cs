using System.Globalization;

namespace MovieRecs.Cli.Plot;

/// <summary>One line of a chart: a name for the legend, a y value per x value, a colour, solid or dashed.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values, (byte R, byte G, byte B) Color, bool Dashed = false);

/// <summary>
/// Renders a line chart (title, axes with numbered ticks, axis labels, a grid, one antialiased line with markers per
/// series and a legend) into an RGB raster and encodes it as PNG. Dependency-free and deterministic: the same data
/// gives the same bytes.
/// </summary>
internal static class LineChart
{
    private const int Scale = 2;
    private const int CharAdvance = (Font5x7.Width + 1) * Scale;
    private const int MarginLeft = 96;
    private const int MarginRight = 264;
    private const int MarginTop = 56;
    private const int MarginBottom = 76;

    /// <summary>Renders the chart and returns the PNG bytes.</summary>
    public static byte[] RenderPng(
        string title, string xLabel, string yLabel, IReadOnlyList<double> x, IReadOnlyList<ChartSeries> series, int width = 960, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        if (x.Count == 0 || series.Count == 0 || series.Any(s => s.Values.Count != x.Count))
        {
            throw new ArgumentException("A chart needs at least one x value and one series with a value per x value.", nameof(series));
        }

        var canvas = new Canvas(width, height);
        var plotLeft = MarginLeft;
        var plotRight = width - MarginRight;
        var plotTop = MarginTop;
        var plotBottom = height - MarginBottom;

        var (xMin, xMax) = (x.Min(), x.Max());
        if (xMax - xMin < 1e-12)
        {
            (xMin, xMax) = (xMin - 1, xMax + 1);
        }

        var xPad = (xMax - xMin) * 0.04;
        (xMin, xMax) = (xMin - xPad, xMax + xPad);
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).ToArray();
        var yStep = NiceStep(Math.Max(finite.Max(), 1e-9) / 5);
        var yMax = Math.Ceiling((finite.Max() * 1.05) / yStep) * yStep;
        var yMin = Math.Min(0, Math.Floor(finite.Min() / yStep) * yStep);

        double Px(double value) => plotLeft + ((value - xMin) / (xMax - xMin) * (plotRight - plotLeft));
        double Py(double value) => plotBottom - ((value - yMin) / (yMax - yMin) * (plotBottom - plotTop));

        // Grid and y ticks.
        var decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(yStep) - 1e-9));
        for (var v = yMin; v <= yMax + (yStep / 2); v += yStep)
        {
            var py = (int)Math.Round(Py(v));
            canvas.Line(plotLeft, py, plotRight, py, (228, 228, 228), 0.5);
            canvas.Line(plotLeft - 6, py, plotLeft, py, (40, 40, 40), 0.6);
            var label = v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            canvas.Text(plotLeft - 10 - (label.Length * CharAdvance), py - (Font5x7.Height * Scale / 2), label, (40, 40, 40), Scale);
        }

        // X ticks: every x value when they fit, else every other one.
        var every = 1;
        while (x.Count / every * 7 * CharAdvance > plotRight - plotLeft)
        {
            every++;
        }

        for (var i = 0; i < x.Count; i += every)
        {
            var px = (int)Math.Round(Px(x[i]));
            canvas.Line(px, plotTop, px, plotBottom, (236, 236, 236), 0.5);
            canvas.Line(px, plotBottom, px, plotBottom + 6, (40, 40, 40), 0.6);
            var label = x[i].ToString("0.##", CultureInfo.InvariantCulture);
            canvas.Text(px - (label.Length * CharAdvance / 2), plotBottom + 12, label, (40, 40, 40), Scale);
        }

        // Axes.
        canvas.Line(plotLeft, plotTop, plotLeft, plotBottom, (40, 40, 40), 0.8);
        canvas.Line(plotLeft, plotBottom, plotRight, plotBottom, (40, 40, 40), 0.8);

        // Series.
        foreach (var s in series)
        {
            for (var i = 1; i < x.Count; i++)
            {
                if (!double.IsFinite(s.Values[i - 1]) || !double.IsFinite(s.Values[i]))
                {
                    continue;
                }

                var (x0, y0, x1, y1) = (Px(x[i - 1]), Py(s.Values[i - 1]), Px(x[i]), Py(s.Values[i]));
                if (s.Dashed)
                {
                    canvas.DashedLine(x0, y0, x1, y1, s.Color, 1.3, 10, 6);
                }
                else
                {
                    canvas.Line(x0, y0, x1, y1, s.Color, 1.6);
                }
            }

            if (!s.Dashed)
            {
                for (var i = 0; i < x.Count; i++)
                {
                    if (double.IsFinite(s.Values[i]))
                    {
                        canvas.Disc(Px(x[i]), Py(s.Values[i]), 4.0, s.Color);
                    }
                }
            }
        }

        // Title, axis labels, legend.
        canvas.Text((width - (title.Length * CharAdvance)) / 2, 18, title, (20, 20, 20), Scale);
        canvas.Text(((plotLeft + plotRight) / 2) - (xLabel.Length * CharAdvance / 2), height - 34, xLabel, (20, 20, 20), Scale);
        canvas.VerticalText(20, ((plotTop + plotBottom) / 2) + (yLabel.Length * CharAdvance / 2), yLabel, (20, 20, 20), Scale);
        var legendX = plotRight + 24;
        var legendY = plotTop + 8;
        foreach (var s in series)
        {
            var midY = legendY + (Font5x7.Height * Scale / 2);
            if (s.Dashed)
            {
                canvas.DashedLine(legendX, midY, legendX + 34, midY, s.Color, 1.3, 8, 5);
            }
            else
            {
                canvas.Line(legendX, midY, legendX + 34, midY, s.Color, 1.6);
                canvas.Disc(legendX + 17, midY, 4.0, s.Color);
            }

            canvas.Text(legendX + 44, legendY, s.Name, (30, 30, 30), Scale);
            legendY += 30;
        }

        return PngWriter.Encode(canvas.Pixels, width, height);
    }

    /// <summary>The step of 1, 2 or 5 times a power of ten nearest above <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }

    /// <summary>An RGB raster with antialiased drawing (coverage from the distance to the shape).</summary>
    private sealed class Canvas
    {
        private readonly int _width;
        private readonly int _height;

        public Canvas(int width, int height)
        {
            _width = width;
            _height = height;
            Pixels = new byte[width * height * 3];
            Pixels.AsSpan().Fill(255);
        }

        public byte[] Pixels { get; }

        public void Line(double x0, double y0, double x1, double y1, (byte R, byte G, byte B) color, double halfWidth)
        {
            var minX = (int)Math.Floor(Math.Min(x0, x1) - halfWidth - 1);
            var maxX = (int)Math.Ceiling(Math.Max(x0, x1) + halfWidth + 1);
            var minY = (int)Math.Floor(Math.Min(y0, y1) - halfWidth - 1);
            var maxY = (int)Math.Ceiling(Math.Max(y0, y1) + halfWidth + 1);
            var (dx, dy) = (x1 - x0, y1 - y0);
            var lengthSquared = (dx * dx) + (dy * dy);
            for (var y = minY; y <= maxY; y++)
            {
                for (var x = minX; x <= maxX; x++)
                {
                    var t = lengthSquared == 0 ? 0 : Math.Clamp((((x - x0) * dx) + ((y - y0) * dy)) / lengthSquared, 0, 1);
                    var (ex, ey) = (x - (x0 + (t * dx)), y - (y0 + (t * dy)));
                    var distance = Math.Sqrt((ex * ex) + (ey * ey));
                    Blend(x, y, color, Math.Clamp(halfWidth + 0.5 - distance, 0, 1));
                }
            }
        }

        public void DashedLine(double x0, double y0, double x1, double y1, (byte R, byte G, byte B) color, double halfWidth, double dash, double gap)
        {
            var length = Math.Sqrt(((x1 - x0) * (x1 - x0)) + ((y1 - y0) * (y1 - y0)));
            if (length == 0)
            {
                return;
            }

            for (var start = 0.0; start < length; start += dash + gap)
            {
                var end = Math.Min(length, start + dash);
                Line(
                    x0 + ((x1 - x0) * start / length), y0 + ((y1 - y0) * start / length),
                    x0 + ((x1 - x0) * end / length), y0 + ((y1 - y0) * end / length), color, halfWidth);
            }
        }

        public void Disc(double cx, double cy, double radius, (byte R, byte G, byte B) color)
        {
            for (var y = (int)Math.Floor(cy - radius - 1); y <= (int)Math.Ceiling(cy + radius + 1); y++)
            {
                for (var x = (int)Math.Floor(cx - radius - 1); x <= (int)Math.Ceiling(cx + radius + 1); x++)
                {
                    var distance = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                    Blend(x, y, color, Math.Clamp(radius + 0.5 - distance, 0, 1));
                }
            }
        }

        public void Text(int left, int top, string text, (byte R, byte G, byte B) color, int scale)
        {
            for (var i = 0; i < text.Length; i++)
            {
                Glyph(text[i], (gx, gy) => (left + (i * (Font5x7.Width + 1) * scale) + gx, top + gy), color, scale);
            }
        }

        /// <summary>Text turned a quarter left (reading upwards), starting at the bottom.</summary>
        public void VerticalText(int left, int bottom, string text, (byte R, byte G, byte B) color, int scale)
        {
            for (var i = 0; i < text.Length; i++)
            {
                Glyph(text[i], (gx, gy) => (left + gy, bottom - (i * (Font5x7.Width + 1) * scale) - gx), color, scale);
            }
        }

        private void Glyph(char c, Func<int, int, (int X, int Y)> place, (byte R, byte G, byte B) color, int scale)
        {
            for (var row = 0; row < Font5x7.Height; row++)
            {
                for (var column = 0; column < Font5x7.Width; column++)
                {
                    if (!Font5x7.Ink(c, column, row))
                    {
                        continue;
                    }

                    for (var sy = 0; sy < scale; sy++)
                    {
                        for (var sx = 0; sx < scale; sx++)
                        {
                            var (x, y) = place((column * scale) + sx, (row * scale) + sy);
                            Blend(x, y, color, 1);
                        }
                    }
                }
            }
        }

        private void Blend(int x, int y, (byte R, byte G, byte B) color, double alpha)
        {
            if (alpha <= 0 || x < 0 || y < 0 || x >= _width || y >= _height)
            {
                return;
            }

            var at = ((y * _width) + x) * 3;
            Pixels[at] = (byte)Math.Round((Pixels[at] * (1 - alpha)) + (color.R * alpha));
            Pixels[at + 1] = (byte)Math.Round((Pixels[at + 1] * (1 - alpha)) + (color.G * alpha));
            Pixels[at + 2] = (byte)Math.Round((Pixels[at + 2] * (1 - alpha)) + (color.B * alpha));
        }
    }
}
