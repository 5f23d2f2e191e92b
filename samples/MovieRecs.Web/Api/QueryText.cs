using System.Text;
using System.Text.Unicode;

namespace MovieRecs.Web.Api;

/// <summary>
/// Refuses a query parameter the API reads whose <c>%XX</c> escapes do not decode to UTF-8 (<c>q=%FF</c>, an overlong
/// <c>%C0%80</c>, a cut <c>%C3</c>, an encoded surrogate): the framework keeps such escapes as literal text, so
/// <c>q=star%FFwars</c> would be searched as the title "star%FFwars". The answer is a 400 naming the parameter.
/// Parameters the API does not read are left alone.
/// </summary>
internal static class QueryText
{
    /// <summary>The query parameters the API reads.</summary>
    private static readonly string[] Read = ["q", "count"];

    public static void UseQueryTextCheck(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var query = context.Request.QueryString.Value;
            return query is not null && query.Contains('%', StringComparison.Ordinal) && NotUtf8(query) is { } name
                ? Problems.BadRequest(
                    $"The query parameter '{Text.Quote(name)}' is not UTF-8 text once its %XX escapes are decoded; send its text as UTF-8, percent-encoded (é is %C3%A9): /movies/search?q=am%C3%A9lie.")
                    .ExecuteAsync(context)
                : next(context);
        });
    }

    /// <summary>The name of the first parameter the API reads whose value is not UTF-8 once decoded, or null.</summary>
    private static string? NotUtf8(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var rawName = equals < 0 ? pair : pair[..equals];
            var name = Uri.UnescapeDataString(rawName.Replace('+', ' '));
            if (equals >= 0 && Array.Exists(Read, r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase)) && !IsUtf8(pair.AsSpan(equals + 1)))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Whether the bytes the text stands for (each <c>%XX</c> one byte, any other character its UTF-8) are
    /// UTF-8.</summary>
    private static bool IsUtf8(ReadOnlySpan<char> text)
    {
        if (!text.Contains('%'))
        {
            return true;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes[count++] = (byte)((Uri.FromHex(text[i + 1]) << 4) | Uri.FromHex(text[i + 2]));
                i += 2;
            }
            else if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                count += Encoding.UTF8.GetBytes(text.Slice(i, 2), bytes.AsSpan(count));
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
            else
            {
                count += Encoding.UTF8.GetBytes(text.Slice(i, 1), bytes.AsSpan(count));
            }
        }

        return Utf8.IsValid(bytes.AsSpan(0, count));
    }
}
