using System.Globalization;

namespace MovieRecs.Cli.Plotting;

/// <summary>
/// A line chart with a title, a subtitle, numbered axes with labels, light grid lines, one line with markers per
/// series and a legend when there are several series; rendered to a <see cref="Raster"/> or a PNG.
/// </summary>
internal sealed class LineChart
{
    /// <summary>Series colors (a common categorical palette) and marker shapes, in order.</summary>
    private static readonly Rgb[] Palette =
        [Rgb.Hex("#1f77b4"), Rgb.Hex("#ff7f0e"), Rgb.Hex("#2ca02c"), Rgb.Hex("#d62728"), Rgb.Hex("#9467bd"), Rgb.Hex("#8c564b")];

    private static readonly Rgb Ink = Rgb.Hex("#222222");
    private static readonly Rgb MutedInk = Rgb.Hex("#555555");
    private static readonly Rgb Axis = Rgb.Hex("#3a3a3a");
    private static readonly Rgb Grid = Rgb.Hex("#e6e6e6");
    private static readonly Rgb Frame = Rgb.Hex("#c8c8c8");
    private static readonly Rgb ReferenceInk = Rgb.Hex("#7f7f7f");

    public required string Title { get; init; }

    public string Subtitle { get; init; } = "";

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    /// <summary>Places x on a base-2 logarithmic scale (for factor counts such as 16, 32, 64).</summary>
    public bool LogX { get; init; }

    /// <summary>Puts the x ticks at the data's x values instead of at round numbers.</summary>
    public bool XTicksAtData { get; init; }

    public required IReadOnlyList<ChartSeries> Series { get; init; }

    public byte[] RenderPng(int width, int height) => PngEncoder.Encode(Render(width, height));

    public Raster Render(int width, int height)
    {
        var raster = new Raster(width, height, Rgb.White);
        var s = Math.Clamp(Math.Min(width / 960.0, height / 600.0), 0.5, 4);
        var textScale = s < 1 ? Math.Sqrt(s) : s; // small images keep readable text
        double titleSize = 13.5 * textScale, subtitleSize = 9.5 * textScale, labelSize = 10.5 * textScale, tickSize = 9.5 * textScale, legendSize = 10 * textScale;
        titleSize = Math.Min(titleSize, titleSize * (width - (40 * s)) / StrokeFont.Measure(Title, titleSize));
        subtitleSize = Subtitle.Length == 0 ? 0 : Math.Min(subtitleSize, subtitleSize * (width - (40 * s)) / StrokeFont.Measure(Subtitle, subtitleSize));
        var subtitle = subtitleSize >= 6 ? Subtitle : ""; // a subtitle too long to read at this width is left out
        double pad = 18 * s, tickLength = 5 * s;

        var xs = Series.SelectMany(series => series.X).Where(double.IsFinite).ToArray();
        var ys = Series.SelectMany(series => series.Y).Where(double.IsFinite).ToArray();
        if (xs.Length == 0 || ys.Length == 0)
        {
            throw new InvalidOperationException("the chart has no finite points");
        }

        // Y: round ticks covering the data plus a little room (a flat line still gets a span around it), kept inside
        // [0, 1] for data that is.
        var (yMin, yMax) = (ys.Min(), ys.Max());
        var ySpan = Math.Max(yMax - yMin, Math.Max(0.02, 0.1 * Math.Abs(yMax)));
        var yStep = NiceStep(ySpan * 1.08, 5);
        var yLow = Math.Floor(((yMin + yMax - ySpan) / 2 - (0.04 * ySpan)) / yStep) * yStep;
        var yHigh = Math.Ceiling(((yMin + yMax + ySpan) / 2 + (0.04 * ySpan)) / yStep) * yStep;
        if (yMin >= 0)
        {
            yLow = Math.Max(yLow, 0);
        }

        if (yMax <= 1)
        {
            yHigh = Math.Min(yHigh, 1);
        }

        var yTicks = Ticks(yLow, yHigh, yStep);
        var yDecimals = Decimals(yStep);
        var yTickLabels = yTicks.Select(v => v.ToString("F" + yDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToArray();

        // X: data range with a margin, ticks at round numbers (or at the data's values).
        double T(double x) => LogX ? Math.Log2(x) : x;
        var (tMin, tMax) = (xs.Min(T), xs.Max(T));
        var tMargin = tMax > tMin ? 0.04 * (tMax - tMin) : (LogX ? 0.5 : 1);
        var (tLow, tHigh) = (tMin - tMargin, tMax + tMargin);
        double[] xTicks;
        if (XTicksAtData)
        {
            xTicks = [.. xs.Distinct().Order()];
        }
        else
        {
            var xStep = Math.Max(1, NiceStep(tMax - tMin, 8));
            xTicks = Ticks(Math.Ceiling(tLow / xStep) * xStep, tHigh, xStep);
        }

        var xTickLabels = xTicks.Select(FormatX).ToArray();

        // Layout: margins from the text they hold.
        var top = pad + titleSize + (subtitle.Length > 0 ? (9 * s) + subtitleSize + (3 * s) : 0) + (16 * s);
        var left = pad + labelSize + (14 * s) + yTickLabels.Max(t => StrokeFont.Measure(t, tickSize)) + (7 * s) + tickLength;
        var bottom = height - (pad + labelSize + (3 * s) + (14 * s) + tickSize + (8 * s) + tickLength);
        var lastLabelHalf = StrokeFont.Measure(xTickLabels[^1], tickSize) / 2;
        var right = width - Math.Max(pad, lastLabelHalf + (6 * s));
        if (right - left < 40 || bottom - top < 40)
        {
            throw new ArgumentException($"a plot of {width} x {height} pixels is too small for the chart");
        }

        double PixelX(double x) => left + ((T(x) - tLow) / (tHigh - tLow) * (right - left));
        double PixelY(double y) => bottom - ((y - yLow) / (yHigh - yLow) * (bottom - top));

        // Title and subtitle, centered on the plot area.
        var center = (left + right) / 2;
        double CenterFor(string text, double size)
        {
            var half = StrokeFont.Measure(text, size) / 2;
            return Math.Clamp(center, Math.Min(half + (20 * s), width / 2.0), Math.Max(width - half - (20 * s), width / 2.0));
        }

        Text(raster, Title, CenterFor(Title, titleSize), pad + titleSize, titleSize, Ink, 1.45, Align.Center);
        if (subtitle.Length > 0)
        {
            Text(raster, subtitle, CenterFor(subtitle, subtitleSize), pad + titleSize + (9 * s) + subtitleSize, subtitleSize, MutedInk, 1, Align.Center);
        }

        // Grid, frame, ticks and tick labels.
        var (plotLeft, plotTop, plotRight, plotBottom) = ((int)Math.Round(left), (int)Math.Round(top), (int)Math.Round(right), (int)Math.Round(bottom));
        var line = Math.Max(1, (int)Math.Round(s));
        var tick = (int)Math.Round(tickLength);
        for (var i = 0; i < yTicks.Length; i++)
        {
            var y = (int)Math.Round(PixelY(yTicks[i]));
            raster.FillRect(plotLeft, y, plotRight - plotLeft, line, Grid);
            raster.FillRect(plotLeft - tick, y, tick, line, Axis);
            Text(raster, yTickLabels[i], plotLeft - tick - (7 * s), y + (tickSize / 2), tickSize, MutedInk, 1, Align.Right);
        }

        var labelRight = double.NegativeInfinity;
        for (var i = 0; i < xTicks.Length; i++)
        {
            var x = (int)Math.Round(PixelX(xTicks[i]));
            var labelWidth = StrokeFont.Measure(xTickLabels[i], tickSize);
            if (x - (labelWidth / 2) < labelRight + (8 * s))
            {
                continue; // would overlap the previous label
            }

            labelRight = x + (labelWidth / 2);
            raster.FillRect(x, plotTop, line, plotBottom - plotTop, Grid);
            raster.FillRect(x, plotBottom, line, tick, Axis);
            Text(raster, xTickLabels[i], x, plotBottom + tick + (8 * s) + tickSize, tickSize, MutedInk, 1, Align.Center);
        }

        raster.FillRect(plotLeft, plotTop, plotRight - plotLeft, line, Frame);
        raster.FillRect(plotRight, plotTop, line, plotBottom - plotTop + line, Frame);
        raster.FillRect(plotLeft, plotTop, line, plotBottom - plotTop + line, Axis);
        raster.FillRect(plotLeft, plotBottom, plotRight - plotLeft + line, line, Axis);

        // Axis labels.
        Text(raster, XLabel, center, height - pad - (3 * s), labelSize, Ink, 1.15, Align.Center);
        Text(raster, YLabel, pad + labelSize, (top + bottom) / 2, labelSize, Ink, 1.15, Align.Center, vertical: true);

        // Lines, then markers on top.
        var lines = Series.Select(series => Enumerable.Range(0, series.X.Count)
            .Where(i => double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i]))
            .Select(i => (PixelX(series.X[i]), PixelY(series.Y[i]))).ToArray()).ToArray();
        var lineHalfWidth = 1.2 * s;
        var markerRadius = Math.Max(2.5, (lines.Max(l => l.Length) > 40 ? 2.6 : 3.8) * s);
        for (var i = 0; i < lines.Length; i++)
        {
            if (Series[i].Reference)
            {
                CoverDashed(raster, lines[i], lineHalfWidth * 0.8, 7 * s, 5 * s);
            }
            else
            {
                raster.CoverPolyline(lines[i], lineHalfWidth);
            }

            raster.Paint(ColorOf(i));
        }

        for (var i = 0; i < lines.Length; i++)
        {
            if (!Series[i].Reference)
            {
                foreach (var (x, y) in lines[i])
                {
                    Marker(raster, ShapeOf(i), ColorOf(i), x, y, markerRadius);
                }
            }
        }

        if (Series.Count > 1)
        {
            Legend(raster, lines, (left, top, right, bottom), legendSize, s, lineHalfWidth, markerRadius);
        }

        return raster;
    }

    private string FormatX(double x) =>
        Math.Abs(x - Math.Round(x)) < 1e-9 ? Math.Round(x).ToString("N0", CultureInfo.InvariantCulture) : x.ToString("G4", CultureInfo.InvariantCulture);

    private void Legend(
        Raster raster, (double X, double Y)[][] lines, (double Left, double Top, double Right, double Bottom) plot, double size, double s,
        double lineHalfWidth, double markerRadius)
    {
        var padding = 9 * s;
        var rowHeight = size + (9 * s);
        var sample = 26 * s;
        var boxWidth = padding + sample + (8 * s) + Series.Max(series => StrokeFont.Measure(series.Name, size)) + padding;
        var boxHeight = (2 * padding) + (Series.Count * rowHeight) - (9 * s);
        var inset = 10 * s;

        // The place whose box hides the fewest points of the lines (sampled every pixel or so).
        var samples = new List<(double X, double Y)>();
        foreach (var points in lines)
        {
            for (var i = 0; i + 1 < points.Length; i++)
            {
                var steps = (int)Math.Ceiling(Math.Max(Math.Abs(points[i + 1].X - points[i].X), Math.Abs(points[i + 1].Y - points[i].Y)));
                for (var k = 0; k <= steps; k++)
                {
                    var t = steps == 0 ? 0 : (double)k / steps;
                    samples.Add((points[i].X + (t * (points[i + 1].X - points[i].X)), points[i].Y + (t * (points[i + 1].Y - points[i].Y))));
                }
            }

            samples.AddRange(points);
        }

        // Candidates: the four corners first (preferred on ties), then places along the left, right and middle.
        var (leftX, rightX, middleX) = (plot.Left + inset, plot.Right - inset - boxWidth, ((plot.Left + plot.Right) / 2) - (boxWidth / 2));
        var (topY, bottomY) = (plot.Top + inset, plot.Bottom - inset - boxHeight);
        var candidates = new List<(double X, double Y)> { (rightX, bottomY), (leftX, topY), (rightX, topY), (leftX, bottomY) };
        for (var step = 1; step < 8; step++)
        {
            var y = topY + ((bottomY - topY) * step / 8);
            candidates.AddRange([(rightX, y), (leftX, y), (middleX, y)]);
        }

        candidates.AddRange([(middleX, topY), (middleX, bottomY)]);
        var margin = markerRadius + (12 * s);
        var (boxLeft, boxTop) = candidates.MinBy(c => samples.Count(p =>
            p.X > c.X - margin && p.X < c.X + boxWidth + margin && p.Y > c.Y - margin && p.Y < c.Y + boxHeight + margin));

        var (x0, y0, w, h) = ((int)Math.Round(boxLeft), (int)Math.Round(boxTop), (int)Math.Round(boxWidth), (int)Math.Round(boxHeight));
        var line = Math.Max(1, (int)Math.Round(s));
        raster.FillRect(x0, y0, w, h, Frame);
        raster.FillRect(x0 + line, y0 + line, w - (2 * line), h - (2 * line), Rgb.White);
        for (var i = 0; i < Series.Count; i++)
        {
            var middle = boxTop + padding + (i * rowHeight) + (size / 2);
            var sampleLeft = boxLeft + padding;
            if (Series[i].Reference)
            {
                CoverDashed(raster, [(sampleLeft, middle), (sampleLeft + sample, middle)], lineHalfWidth * 0.8, 7 * s, 5 * s);
                raster.Paint(ColorOf(i));
                continue;
            }

            raster.CoverSegment(sampleLeft, middle, sampleLeft + sample, middle, lineHalfWidth);
            raster.Paint(ColorOf(i));
            Marker(raster, ShapeOf(i), ColorOf(i), sampleLeft + (sample / 2), middle, markerRadius);
        }

        for (var i = 0; i < Series.Count; i++)
        {
            var middle = boxTop + padding + (i * rowHeight) + (size / 2);
            Text(raster, Series[i].Name, boxLeft + padding + sample + (8 * s), middle + (size / 2), size, Ink, 1, Align.Left);
        }
    }

    /// <summary>The color of series <paramref name="index"/>: gray for a reference line, else the palette in order.</summary>
    private Rgb ColorOf(int index) =>
        Series[index].Reference ? ReferenceInk : Palette[ShapeOf(index) % Palette.Length];

    /// <summary>The position of series <paramref name="index"/> among the lines that are not references.</summary>
    private int ShapeOf(int index)
    {
        var position = 0;
        for (var i = 0; i < index; i++)
        {
            position += Series[i].Reference ? 0 : 1;
        }

        return position;
    }

    private static void CoverDashed(Raster raster, IReadOnlyList<(double X, double Y)> points, double halfWidth, double dash, double gap)
    {
        var phase = 0.0; // distance walked within the current dash + gap period
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var (ax, ay) = points[i];
            var (bx, by) = points[i + 1];
            var length = Math.Sqrt(((bx - ax) * (bx - ax)) + ((by - ay) * (by - ay)));
            var at = 0.0;
            while (at < length)
            {
                var inDash = phase < dash;
                var step = Math.Min(length - at, inDash ? dash - phase : dash + gap - phase);
                if (inDash && length > 0)
                {
                    var (t0, t1) = (at / length, (at + step) / length);
                    raster.CoverSegment(ax + (t0 * (bx - ax)), ay + (t0 * (by - ay)), ax + (t1 * (bx - ax)), ay + (t1 * (by - ay)), halfWidth);
                }

                at += step;
                phase = (phase + step) % (dash + gap);
            }
        }
    }

    /// <summary>A marker with a white rim: circle, square, diamond, triangle, in turn.</summary>
    private static void Marker(Raster raster, int shape, Rgb color, double x, double y, double radius)
    {
        var rim = Math.Max(1, radius * 0.35);
        for (var pass = 0; pass < 2; pass++)
        {
            var r = pass == 0 ? radius + rim : radius;
            switch (shape % 4)
            {
                case 0:
                    raster.CoverDisc(x, y, r);
                    break;
                case 1:
                    var half = r * 0.86;
                    raster.CoverConvexPolygon([(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]);
                    break;
                case 2:
                    var reach = r * 1.2;
                    raster.CoverConvexPolygon([(x, y - reach), (x + reach, y), (x, y + reach), (x - reach, y)]);
                    break;
                default:
                    var size = r * 1.25;
                    raster.CoverConvexPolygon([(x, y - size), (x + (size * 0.95), y + (size * 0.65)), (x - (size * 0.95), y + (size * 0.65))]);
                    break;
            }

            raster.Paint(pass == 0 ? Rgb.White : color);
        }
    }

    private static void Text(Raster raster, string text, double x, double baseline, double size, Rgb color, double weight, Align align, bool vertical = false)
    {
        var width = StrokeFont.Measure(text, size);
        var shift = align switch { Align.Center => width / 2, Align.Right => width, _ => 0 };
        if (vertical)
        {
            StrokeFont.Cover(raster, text, x, baseline + shift, size, weight, vertical: true);
        }
        else
        {
            StrokeFont.Cover(raster, text, x - shift, baseline, size, weight);
        }

        raster.Paint(color);
    }

    /// <summary>A step of 1, 2 or 5 times a power of ten that cuts <paramref name="span"/> into about <paramref name="count"/> parts.</summary>
    internal static double NiceStep(double span, int count)
    {
        var raw = span / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var residual = raw / magnitude;
        return magnitude * (residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10);
    }

    private static double[] Ticks(double low, double high, double step)
    {
        var ticks = new List<double>();
        for (var i = 0; ; i++)
        {
            var value = low + (i * step);
            if (value > high + (step * 1e-6))
            {
                break;
            }

            ticks.Add(Math.Round(value / step) * step);
        }

        return [.. ticks];
    }

    private static int Decimals(double step) => Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));

    private enum Align
    {
        Left,
        Center,
        Right,
    }
}
