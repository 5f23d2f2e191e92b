using System.Globalization;

namespace MovieRecs.Cli.Plotting;

/// <summary>
/// A small built-in sans-serif font drawn with strokes, so text needs no font file and stays smooth at any size and
/// in any direction. Covers printable ASCII; other characters draw as a box.
/// </summary>
/// <remarks>
/// Glyphs are polylines on a grid whose capitals span y = 0 (top) to 20 (baseline); the x-height is at 6 and
/// descenders reach 26. In <see cref="Glyphs"/> a glyph is strokes separated by <c>|</c>, each a list of
/// <c>x y</c> points separated by commas; a stroke that starts with <c>~</c> is smoothed into a curve (corner cutting,
/// a quadratic B-spline in the limit) and is closed when its first and last points are equal.
/// </remarks>
internal static class StrokeFont
{
    /// <summary>The grid height of a capital letter.</summary>
    public const float CapHeight = 20f;

    private const float Gap = 5f;

    private static readonly (char Char, double Width, string Strokes)[] Glyphs =
    [
        (' ', 2, ""),
        ('A', 14, "0 20,7 0,14 20|2.6 13.5,11.4 13.5"),
        ('B', 12, "0 0,0 20|0 0,7 0|~7 0,11.5 0,11.5 9.5,7 9.5|0 9.5,7.5 9.5|~7.5 9.5,12.5 9.5,12.5 20,7.5 20|7.5 20,0 20"),
        ('C', 13, "~13 4,11.5 0,0 0,0 20,11.5 20,13 16"),
        ('D', 13, "0 0,0 20|0 0,4.5 0|~4.5 0,13 0,13 20,4.5 20|4.5 20,0 20"),
        ('E', 11, "11 0,0 0,0 20,11 20|0 10,9.5 10"),
        ('F', 11, "11 0,0 0,0 20|0 10,9.5 10"),
        ('G', 14, "~13 4,11.5 0,0 0,0 20,14 20,14 12|14 12,14 11.5,8 11.5"),
        ('H', 13, "0 0,0 20|13 0,13 20|0 10,13 10"),
        ('I', 0, "0 0,0 20"),
        ('J', 10, "10 0,10 12|~10 12,10 20,0 20,0 15"),
        ('K', 12, "0 0,0 20|12 0,0 13|4.2 9.5,12.5 20"),
        ('L', 10, "0 0,0 20,10 20"),
        ('M', 15, "0 20,0 0,7.5 14,15 0,15 20"),
        ('N', 13, "0 20,0 0,13 20,13 0"),
        ('O', 15, "~0 0,15 0,15 20,0 20,0 0"),
        ('P', 12, "0 20,0 0,7 0|~7 0,12 0,12 10.5,7 10.5|7 10.5,0 10.5"),
        ('Q', 15, "~0 0,15 0,15 20,0 20,0 0|9 14,15.5 21"),
        ('R', 12, "0 20,0 0,7 0|~7 0,12 0,12 10.5,7 10.5|7 10.5,0 10.5|6.5 10.5,12.5 20"),
        ('S', 12, "~12 3,10.5 0,0 0,0 10,12 10,12 20,1.5 20,0 17"),
        ('T', 13, "0 0,13 0|6.5 0,6.5 20"),
        ('U', 13, "0 0,0 13|~0 13,0 20,13 20,13 13|13 13,13 0"),
        ('V', 14, "0 0,7 20,14 0"),
        ('W', 19, "0 0,4.75 20,9.5 4,14.25 20,19 0"),
        ('X', 13, "0 0,13 20|13 0,0 20"),
        ('Y', 14, "0 0,7 10,14 0|7 10,7 20"),
        ('Z', 12, "0 0,12 0,0 20,12 20"),
        ('a', 10, "~10 13,10 6,0 6,0 20,10 20,10 13|10 6,10 20"),
        ('b', 10, "0 0,0 20|~0 13,0 6,10 6,10 20,0 20,0 13"),
        ('c', 10, "~10 8.5,9 6,0 6,0 20,9 20,10 17.5"),
        ('d', 10, "10 0,10 20|~10 13,10 6,0 6,0 20,10 20,10 13"),
        ('e', 10.5, "0 13.5,10.5 13.5|~10.5 13.5,10.5 6,0 6,0 20,9 20,10.5 18"),
        ('f', 7.5, "~8 1,7 0,2.5 0,2.5 5|2.5 5,2.5 20|0 6.5,7.5 6.5"),
        ('g', 10, "~10 13,10 6,0 6,0 20,10 20,10 13|10 6,10 20|~10 20,10 26,1 26,0 24"),
        ('h', 10, "0 0,0 20|~0 10,0 6,10 6,10 11|10 11,10 20"),
        ('i', 0, "0 6,0 20|0 1.2,0 1.6"),
        ('j', 4, "2.5 6,2.5 22|~2.5 22,2.5 26,0 26,-1 25.5|2.5 1.2,2.5 1.6"),
        ('k', 9, "0 0,0 20|9 6,0 15|3.5 12,9.5 20"),
        ('l', 0, "0 0,0 20"),
        ('m', 15, "0 6,0 20|~0 10,0 6,7.5 6,7.5 10|7.5 10,7.5 20|~7.5 10,7.5 6,15 6,15 10|15 10,15 20"),
        ('n', 10, "0 6,0 20|~0 10,0 6,10 6,10 11|10 11,10 20"),
        ('o', 11, "~0 6,11 6,11 20,0 20,0 6"),
        ('p', 10, "0 6,0 26|~0 13,0 6,10 6,10 20,0 20,0 13"),
        ('q', 10, "10 6,10 26|~10 13,10 6,0 6,0 20,10 20,10 13"),
        ('r', 7, "0 6,0 20|~0 11,0 6,5.5 6,7.5 7"),
        ('s', 9, "~9 8,8 6,0 6,0 13,9 13,9 20,1 20,0 18"),
        ('t', 7.5, "2.5 1,2.5 16|~2.5 16,2.5 20,6 20,7.5 19.5|0 6.5,7.5 6.5"),
        ('u', 10, "0 6,0 15|~0 15,0 20,10 20,10 15|10 6,10 20"),
        ('v', 10, "0 6,5 20,10 6"),
        ('w', 15, "0 6,3.75 20,7.5 8,11.25 20,15 6"),
        ('x', 10, "0 6,10 20|10 6,0 20"),
        ('y', 10, "0 6,5.5 20|10 6,3.5 26"),
        ('z', 9, "0 6,9 6,0 20,9 20"),
        ('0', 11, "~0 0,11 0,11 20,0 20,0 0"),
        ('1', 11, "2 4,6.5 0,6.5 20"),
        ('2', 11, "~0.5 4.5,1 0,11 0,11 8.5,4 13.5,0 20|0 20,11 20"),
        ('3', 11, "~0.5 3,1.5 0,10.5 0,10.5 9.5,5 9.5|~5 9.5,11 9.5,11 20,1.5 20,0 17"),
        ('4', 11, "8.5 20,8.5 0,0 14,12 14"),
        ('5', 11, "10.5 0,1.5 0,0.5 9.5|~0.5 9.5,3 7.5,11 7.5,11 20,1 20,0 17.5"),
        ('6', 11, "~10.5 2.5,9 0,0 0,0 20,11 20,11 8.5,0 8.5,0 13"),
        ('7', 11, "0 0,11 0,3.5 20"),
        ('8', 11, "~0.5 0,10.5 0,10.5 9.5,0.5 9.5,0.5 0|~0 9.5,11 9.5,11 20,0 20,0 9.5"),
        ('9', 11, "~0.5 17.5,2 20,11 20,11 0,0 0,0 11.5,11 11.5,11 7"),
        ('.', 0, "0 19.6,0 20"),
        (',', 1.5, "1.5 19.5,1.5 20.5,0 23.5"),
        (':', 0, "0 8,0 8.4|0 19.6,0 20"),
        (';', 1.5, "1.5 8,1.5 8.4|1.5 19.5,1.5 20.5,0 23.5"),
        ('-', 6, "0 12.5,6 12.5"),
        ('_', 11, "0 23,11 23"),
        ('+', 11, "0 12,11 12|5.5 6.5,5.5 17.5"),
        ('=', 11, "0 9.5,11 9.5|0 14.5,11 14.5"),
        ('/', 9, "0 22,9 -1"),
        ('\\', 9, "0 -1,9 22"),
        ('(', 4.5, "~4.5 -1,0 4,0 18,4.5 23"),
        (')', 4.5, "~0 -1,4.5 4,4.5 18,0 23"),
        ('[', 4, "4 -1,0 -1,0 23,4 23"),
        (']', 4, "0 -1,4 -1,4 23,0 23"),
        ('%', 15, "~0 0,6 0,6 8,0 8,0 0|~9 12,15 12,15 20,9 20,9 12|13.5 -0.5,1.5 20.5"),
        ('@', 19, "~12.5 11,12.5 6,5.5 6,5.5 16,12.5 16,12.5 11|12.5 6,12.5 13|~12.5 13,12.5 17,19 17,19 1,0 1,0 23,14 23,16 21.5"),
        ('#', 13, "3 20,5 0|8 20,10 0|0 6.5,13 6.5|0 13.5,13 13.5"),
        ('\'', 0, "0 0,0 5"),
        ('"', 3.5, "0 0,0 5|3.5 0,3.5 5"),
        ('!', 0, "0 0,0 14|0 19.6,0 20"),
        ('?', 10, "~0 4,0.5 0,10 0,10 8,5 10,5 14|5 19.6,5 20"),
        ('*', 7, "3.5 4,3.5 12|0 6,7 10|7 6,0 10"),
        ('<', 10, "10 6,0 12.5,10 19"),
        ('>', 10, "0 6,10 12.5,0 19"),
        ('|', 0, "0 -1,0 23"),
        ('^', 8, "0 8,4 2,8 8"),
        ('&', 13, "13 20,2 7|~2 7,0 4.5,0 0,9 0,9 4.5,2.5 9.5|~2.5 9.5,0 11.5,0 20,8 20,13 12"),
        ('$', 12, "~12 4,10.5 1,0 1,0 10,12 10,12 19,1.5 19,0 16|6 -1.5,6 21.5"),
        ('{', 5, "~5 -1,2 -1,2 10,0 11|~0 11,2 12,2 23,5 23"),
        ('}', 5, "~0 -1,3 -1,3 10,5 11|~5 11,3 12,3 23,0 23"),
        ('~', 11, "~0 13,2.5 10,8.5 14,11 11"),
        ('`', 2, "0 0,2 3"),
    ];

    private static readonly Dictionary<char, Glyph> Table = Glyphs.ToDictionary(g => g.Char, g => Parse(g.Width, g.Strokes));

    private static readonly Glyph Missing = Parse(10, "0 4,10 4,10 20,0 20,0 4");

    /// <summary>The width of <paramref name="text"/> drawn with capitals <paramref name="size"/> pixels high.</summary>
    public static double Measure(string text, double size)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        double units = 0;
        foreach (var c in text)
        {
            units += GlyphOf(c).Advance;
        }

        return (units - Gap) * size / CapHeight;
    }

    /// <summary>
    /// Adds the strokes of <paramref name="text"/> to <paramref name="raster"/>'s coverage: the baseline starts at
    /// (<paramref name="x"/>, <paramref name="y"/>) and runs right, or up when <paramref name="vertical"/>.
    /// </summary>
    public static void Cover(Raster raster, string text, double x, double y, double size, double weight = 1, bool vertical = false)
    {
        var scale = size / CapHeight;
        var halfWidth = Math.Max(0.55, 1.25 * weight * scale);
        double pen = 0;
        foreach (var c in text)
        {
            var glyph = GlyphOf(c);
            foreach (var stroke in glyph.Strokes)
            {
                for (var i = 0; i + 1 < stroke.Length || i == 0; i++)
                {
                    var (ax, ay) = Place(stroke[i]);
                    var (bx, by) = Place(stroke[Math.Min(i + 1, stroke.Length - 1)]);
                    raster.CoverSegment(ax, ay, bx, by, halfWidth);
                }
            }

            pen += glyph.Advance;

            (double X, double Y) Place((float X, float Y) point)
            {
                var along = (pen + point.X) * scale;
                var down = (point.Y - CapHeight) * scale;
                return vertical ? (x + down, y - along) : (x + along, y + down);
            }
        }
    }

    private static Glyph GlyphOf(char c) => Table.TryGetValue(c, out var glyph) ? glyph : Missing;

    private static Glyph Parse(double width, string text)
    {
        var strokes = new List<(float X, float Y)[]>();
        foreach (var part in text.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var smooth = part.StartsWith('~');
            var points = part.TrimStart('~').Split(',').Select(p =>
            {
                var xy = p.Split(' ');
                return (float.Parse(xy[0], CultureInfo.InvariantCulture), float.Parse(xy[1], CultureInfo.InvariantCulture));
            }).ToArray();
            strokes.Add(smooth ? Smooth(points) : points);
        }

        return new Glyph((float)(width + Gap), [.. strokes]);
    }

    /// <summary>Chaikin's corner cutting, four rounds: open strokes keep their end points, closed ones wrap around.</summary>
    private static (float X, float Y)[] Smooth((float X, float Y)[] points)
    {
        var closed = points.Length > 2 && points[0] == points[^1];
        var current = closed ? points[..^1] : points;
        for (var round = 0; round < 4; round++)
        {
            var next = new List<(float X, float Y)>();
            var segments = closed ? current.Length : current.Length - 1;
            if (!closed)
            {
                next.Add(current[0]);
            }

            for (var i = 0; i < segments; i++)
            {
                var a = current[i];
                var b = current[(i + 1) % current.Length];
                next.Add(((0.75f * a.X) + (0.25f * b.X), (0.75f * a.Y) + (0.25f * b.Y)));
                next.Add(((0.25f * a.X) + (0.75f * b.X), (0.25f * a.Y) + (0.75f * b.Y)));
            }

            if (!closed)
            {
                next.Add(current[^1]);
            }

            current = [.. next];
        }

        return closed ? [.. current, current[0]] : current;
    }

    private sealed record Glyph(float Advance, (float X, float Y)[][] Strokes);
}
