using ScottPlot;
using SkiaSharp;

namespace MovieRecs.Cli;

/// <summary>
/// The font of the charts, shipped inside the tool: DejaVu Sans and DejaVu Sans Bold, cut down to Latin-1 and a
/// few punctuation marks (about 20 KB each; licence in Fonts/LICENSE.txt). SkiaSharp's Linux build without
/// dependencies finds no fonts where none are installed in /usr/share/fonts (a slim container), and draws no text
/// at all then; a font of our own draws the same text everywhere.
/// </summary>
internal static class ChartFont
{
    /// <summary>The family name the charts ask ScottPlot for; only <see cref="Resolver"/> answers to it.</summary>
    public const string Name = "MovieRecs Sans";

    private static readonly Lazy<Resolver> Registered = new(() =>
    {
        var resolver = new Resolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
        Fonts.FontResolvers.Insert(0, resolver);
        return resolver;
    });

    /// <summary>Registers the font with ScottPlot (once per process) and returns its name.</summary>
    public static string Use()
    {
        _ = Registered.Value;
        return Name;
    }

    /// <summary>The width in pixels of <paramref name="text"/> set in the regular face at <paramref name="size"/> pixels.</summary>
    public static float Measure(string text, float size)
    {
        using var font = new SKFont(Registered.Value.Regular, size);
        return font.MeasureText(text);
    }

    private static SKTypeface Load(string file)
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream($"MovieRecs.Cli.Fonts.{file}")
            ?? throw new InvalidOperationException($"the font {file} is not embedded in the tool");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"the embedded font {file} cannot be read");
    }

    private sealed class Resolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface Regular => regular;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Name ? bold ? BoldFace : regular : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? weight >= FontWeight.SemiBold ? BoldFace : regular : null;

        private SKTypeface BoldFace => bold;
    }
}
