using System.Globalization;

namespace MovieRecs.Cli.Plotting;

/// <summary>An opaque 8-bit sRGB color.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);

    /// <summary>Parses <c>#rrggbb</c>.</summary>
    public static Rgb Hex(string text) =>
        new(Component(text, 1), Component(text, 3), Component(text, 5));

    private static byte Component(string text, int start) =>
        byte.Parse(text.AsSpan(start, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
