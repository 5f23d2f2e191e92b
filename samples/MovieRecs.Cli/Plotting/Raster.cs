namespace MovieRecs.Cli.Plotting;

/// <summary>
/// An opaque RGB image with antialiased drawing. Shapes are first added to a coverage mask (each pixel keeps the
/// largest coverage of any shape, so overlapping strokes of one polyline or glyph do not darken their joins), then
/// <see cref="Paint"/> blends one color through the mask and clears it.
/// </summary>
internal sealed class Raster
{
    private readonly byte[] _pixels;
    private readonly float[] _coverage;
    private int _dirtyLeft;
    private int _dirtyTop;
    private int _dirtyRight = -1;
    private int _dirtyBottom = -1;

    public Raster(int width, int height, Rgb background)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        _coverage = new float[width * height];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, row by row, three bytes (R, G, B) each.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Paints the pixels of [x, x + width) × [y, y + height) (clipped) without antialiasing.</summary>
    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        var left = Math.Max(0, x);
        var top = Math.Max(0, y);
        var right = Math.Min(Width, x + width);
        var bottom = Math.Min(Height, y + height);
        for (var row = top; row < bottom; row++)
        {
            for (var column = left; column < right; column++)
            {
                var at = ((row * Width) + column) * 3;
                _pixels[at] = color.R;
                _pixels[at + 1] = color.G;
                _pixels[at + 2] = color.B;
            }
        }
    }

    /// <summary>Covers a line from (ax, ay) to (bx, by), <paramref name="halfWidth"/> pixels to each side, with round ends.</summary>
    public void CoverSegment(double ax, double ay, double bx, double by, double halfWidth)
    {
        var dx = bx - ax;
        var dy = by - ay;
        var lengthSquared = (dx * dx) + (dy * dy);
        var reach = halfWidth + 1;
        ForEachPixel(Math.Min(ax, bx) - reach, Math.Min(ay, by) - reach, Math.Max(ax, bx) + reach, Math.Max(ay, by) + reach, (px, py) =>
        {
            var t = lengthSquared == 0 ? 0 : Math.Clamp((((px - ax) * dx) + ((py - ay) * dy)) / lengthSquared, 0, 1);
            var ex = px - (ax + (t * dx));
            var ey = py - (ay + (t * dy));
            return halfWidth + 0.5 - Math.Sqrt((ex * ex) + (ey * ey));
        });
    }

    /// <summary>Covers a polyline through <paramref name="points"/>.</summary>
    public void CoverPolyline(IReadOnlyList<(double X, double Y)> points, double halfWidth)
    {
        for (var i = 0; i + 1 < points.Count; i++)
        {
            CoverSegment(points[i].X, points[i].Y, points[i + 1].X, points[i + 1].Y, halfWidth);
        }
    }

    /// <summary>Covers a filled disc.</summary>
    public void CoverDisc(double cx, double cy, double radius) =>
        ForEachPixel(cx - radius - 1, cy - radius - 1, cx + radius + 1, cy + radius + 1, (px, py) =>
            radius + 0.5 - Math.Sqrt(((px - cx) * (px - cx)) + ((py - cy) * (py - cy))));

    /// <summary>Covers a filled convex polygon, its corners in either order.</summary>
    public void CoverConvexPolygon(IReadOnlyList<(double X, double Y)> corners)
    {
        double area = 0;
        for (var i = 0; i < corners.Count; i++)
        {
            var (x0, y0) = corners[i];
            var (x1, y1) = corners[(i + 1) % corners.Count];
            area += (x0 * y1) - (x1 * y0);
        }

        var orientation = Math.Sign(area);
        ForEachPixel(corners.Min(c => c.X) - 1, corners.Min(c => c.Y) - 1, corners.Max(c => c.X) + 1, corners.Max(c => c.Y) + 1, (px, py) =>
        {
            // Signed distance outside the nearest edge's line: exact along edges, slightly rounded past corners.
            var outside = double.NegativeInfinity;
            for (var i = 0; i < corners.Count; i++)
            {
                var (x0, y0) = corners[i];
                var (x1, y1) = corners[(i + 1) % corners.Count];
                var length = Math.Sqrt(((x1 - x0) * (x1 - x0)) + ((y1 - y0) * (y1 - y0)));
                var distance = orientation * (((x1 - x0) * (py - y0)) - ((y1 - y0) * (px - x0))) / length;
                outside = Math.Max(outside, -distance);
            }

            return 0.5 - outside;
        });
    }

    /// <summary>Blends <paramref name="color"/> into the image through the coverage mask, then clears the mask.</summary>
    public void Paint(Rgb color, double opacity = 1)
    {
        for (var row = _dirtyTop; row <= _dirtyBottom; row++)
        {
            for (var column = _dirtyLeft; column <= _dirtyRight; column++)
            {
                var index = (row * Width) + column;
                var alpha = _coverage[index] * opacity;
                _coverage[index] = 0;
                if (alpha <= 0)
                {
                    continue;
                }

                var at = index * 3;
                _pixels[at] = Mix(_pixels[at], color.R, alpha);
                _pixels[at + 1] = Mix(_pixels[at + 1], color.G, alpha);
                _pixels[at + 2] = Mix(_pixels[at + 2], color.B, alpha);
            }
        }

        _dirtyLeft = 0;
        _dirtyTop = 0;
        _dirtyRight = -1;
        _dirtyBottom = -1;
    }

    private static byte Mix(byte under, byte over, double alpha) => (byte)Math.Round(under + ((over - under) * Math.Min(alpha, 1)));

    /// <summary>Calls <paramref name="coverage"/> at the center of each pixel of the box and keeps the larger coverage.</summary>
    private void ForEachPixel(double left, double top, double right, double bottom, Func<double, double, double> coverage)
    {
        var x0 = Math.Max(0, (int)Math.Floor(left));
        var y0 = Math.Max(0, (int)Math.Floor(top));
        var x1 = Math.Min(Width - 1, (int)Math.Ceiling(right));
        var y1 = Math.Min(Height - 1, (int)Math.Ceiling(bottom));
        if (x0 > x1 || y0 > y1)
        {
            return;
        }

        for (var row = y0; row <= y1; row++)
        {
            for (var column = x0; column <= x1; column++)
            {
                var value = (float)Math.Clamp(coverage(column + 0.5, row + 0.5), 0, 1);
                ref var cell = ref _coverage[(row * Width) + column];
                cell = Math.Max(cell, value);
            }
        }

        if (_dirtyRight < 0)
        {
            (_dirtyLeft, _dirtyTop, _dirtyRight, _dirtyBottom) = (x0, y0, x1, y1);
        }
        else
        {
            _dirtyLeft = Math.Min(_dirtyLeft, x0);
            _dirtyTop = Math.Min(_dirtyTop, y0);
            _dirtyRight = Math.Max(_dirtyRight, x1);
            _dirtyBottom = Math.Max(_dirtyBottom, y1);
        }
    }
}
