using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>Cold throw paths of the persistence readers, kept out of the parsing and copying loops.</summary>
internal static class NpyErrors
{
    [DoesNotReturn]
    public static void Throw(NpyFormatError error, string sourceName, string detail) =>
        throw NpyFormatErrorExtensions.Create(error, sourceName, detail);

    [DoesNotReturn]
    public static T Throw<T>(NpyFormatError error, string sourceName, string detail) =>
        throw NpyFormatErrorExtensions.Create(error, sourceName, detail);

    [DoesNotReturn]
    public static void Truncated(string sourceName, string what, long needed, long available) =>
        throw NpyFormatErrorExtensions.Create(
            NpyFormatError.Truncated,
            sourceName,
            $"{what} needs {needed} bytes but only {available} remain.");

    /// <summary>Shows bytes as text for a message: printable ASCII as is, anything else as <c>\xNN</c>, cut at <paramref name="max"/>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 80)
    {
        var builder = new StringBuilder(Math.Min(bytes.Length, max) + 8);
        var count = Math.Min(bytes.Length, max);
        for (var i = 0; i < count; i++)
        {
            var b = bytes[i];
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (bytes.Length > max)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
