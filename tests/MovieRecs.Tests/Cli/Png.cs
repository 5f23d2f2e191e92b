using SkiaSharp;

namespace MovieRecs.Tests.Cli;

/// <summary>Reads the PNG files the tool writes, with SkiaSharp's decoder.</summary>
internal static class Png
{
    /// <summary>The size and the pixels, row by row, three bytes (R, G, B) each.</summary>
    public static (int Width, int Height, byte[] Rgb) Read(byte[] file)
    {
        using var bitmap = SKBitmap.Decode(file);
        Assert.NotNull(bitmap);
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var color = bitmap.GetPixel(x, y);
                var at = ((y * bitmap.Width) + x) * 3;
                (rgb[at], rgb[at + 1], rgb[at + 2]) = (color.Red, color.Green, color.Blue);
            }
        }

        return (bitmap.Width, bitmap.Height, rgb);
    }
}
