using System.Globalization;
using System.Text;

namespace MovieRecs.MovieLens;

public sealed partial class MovieTitleIndex
{
    // Articles MovieLens moves to the end of a title ("Matrix, The"; "Haine, La"; "Appartement, L'").
    private static readonly HashSet<string> s_trailingArticles = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "les", "la", "le", "l'", "il", "lo", "gli", "i", "das", "der", "die", "den", "dem",
        "el", "los", "las", "un", "une", "una", "uno", "o", "os", "as", "de", "het", "een", "en", "ett", "det",
    };

    // Leading articles dropped for loose matching ("matrix" finds "Matrix, The").
    private static readonly HashSet<string> s_droppedArticles = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "les", "la", "le", "il", "el", "los", "las", "das", "der", "die",
    };

    /// <summary>A title split into its body and a trailing <c>(yyyy)</c> year.</summary>
    private readonly record struct ParsedTitle(string Body, int? Year);

    private static ParsedTitle ParseTitle(string title)
    {
        var text = title.Trim();
        if (text.Length >= 6 && text[^1] == ')')
        {
            var open = text.LastIndexOf('(');
            if (open >= 0)
            {
                var inside = text.AsSpan(open + 1, text.Length - open - 2).Trim();
                // "(1995)", and the rare ranges like "(2007-2013)" of newer releases: the first year counts.
                var digits = inside.Length >= 4 ? inside[..4] : default;
                if (digits.Length == 4 && (inside.Length == 4 || inside[4] is '-' or '–')
                    && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                {
                    return new ParsedTitle(text[..open].TrimEnd(), year);
                }
            }
        }

        return new ParsedTitle(text, null);
    }

    /// <summary>The whole body, then the main title and each alternative title in parentheses.</summary>
    private static List<string> TitleVariants(string body)
    {
        var variants = new List<string> { body };
        var main = body;
        while (main.Length > 0 && main[^1] == ')')
        {
            var depth = 0;
            var open = -1;
            for (var i = main.Length - 1; i >= 0; i--)
            {
                if (main[i] == ')')
                {
                    depth++;
                }
                else if (main[i] == '(' && --depth == 0)
                {
                    open = i;
                    break;
                }
            }

            if (open <= 0)
            {
                break;
            }

            var alternative = main[(open + 1)..^1].Trim();
            if (alternative.StartsWith("a.k.a.", StringComparison.OrdinalIgnoreCase))
            {
                alternative = alternative[6..].Trim();
            }
            else if (alternative.StartsWith("aka ", StringComparison.OrdinalIgnoreCase))
            {
                alternative = alternative[4..].Trim();
            }

            main = main[..open].TrimEnd();
            variants.Add(alternative);
            variants.Add(main);
        }

        return variants;
    }

    /// <summary>
    /// Lower case without diacritics (compatibility decomposition, marks removed), single spaces, typographic
    /// apostrophes made plain, and a trailing ", Article" moved to the front.
    /// </summary>
    private static string StrictKey(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c is '\u2019' or '\u2018' or '`' or '\u00B4' ? '\'' : char.ToLowerInvariant(c));
        }

        var key = builder.ToString();
        var comma = key.LastIndexOf(", ", StringComparison.Ordinal);
        if (comma > 0)
        {
            var article = key[(comma + 2)..];
            if (s_trailingArticles.Contains(article))
            {
                var rest = key[..comma];
                key = article.EndsWith('\'') ? article + rest : article + " " + rest;
            }
        }

        return key;
    }

    /// <summary>The strict key without a leading article, apostrophes, or other punctuation (made spaces).</summary>
    private static string LooseKey(string strictKey)
    {
        var text = strictKey;
        if (text.StartsWith("l'", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        else
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && s_droppedArticles.Contains(text[..space]))
            {
                text = text[(space + 1)..];
            }
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c == '\'')
            {
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Adds the loose key of every subtitle of <paramref name="strictKey"/> (what follows each <c>": "</c>,
    /// <c>" - "</c> or <c>" – "</c>) to <paramref name="subtitles"/>, each once.
    /// </summary>
    private static void AddSubtitles(string strictKey, List<string> subtitles)
    {
        for (var i = 1; i < strictKey.Length - 2; i++)
        {
            var length = strictKey[i] == ':' && strictKey[i + 1] == ' ' ? 2
                : strictKey[i] == ' ' && strictKey[i + 1] is '-' or '–' && strictKey[i + 2] == ' ' ? 3
                : 0;
            if (length == 0)
            {
                continue;
            }

            var subtitle = LooseKey(strictKey[(i + length)..]);
            if (subtitle.Length > 0 && !subtitles.Contains(subtitle))
            {
                subtitles.Add(subtitle);
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> begins with <paramref name="query"/> followed by the end or a space.</summary>
    private static bool BeginsWithWords(string key, string query) =>
        key.StartsWith(query, StringComparison.Ordinal) && (key.Length == query.Length || key[query.Length] == ' ');

    /// <summary>Whether <paramref name="query"/> occurs in <paramref name="key"/> as whole words.</summary>
    private static bool ContainsWords(string key, string query)
    {
        for (var at = key.IndexOf(query, StringComparison.Ordinal); at >= 0; at = key.IndexOf(query, at + 1, StringComparison.Ordinal))
        {
            var end = at + query.Length;
            if ((at == 0 || key[at - 1] == ' ') && (end == key.Length || key[end] == ' '))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many query words are within one edit (exact for words of three letters or fewer) of a key word.</summary>
    private static int SharedWords(string[] queryWords, string key)
    {
        var shared = 0;
        foreach (var word in queryWords)
        {
            foreach (var range in key.AsSpan().Split(' '))
            {
                var candidate = key.AsSpan(range);
                if (candidate.IsEmpty)
                {
                    continue;
                }

                if (candidate.SequenceEqual(word)
                    || (word.Length > 3 && Math.Abs(word.Length - candidate.Length) <= 1 && EditDistance(word, candidate, cutoff: 1) <= 1))
                {
                    shared++;
                    break;
                }
            }
        }

        return shared;
    }

    /// <summary>The largest cutoff <see cref="EditDistance"/> takes: no cutoff at all.</summary>
    private const int NoCutoff = int.MaxValue - 1;

    /// <summary>
    /// Levenshtein distance (insertions, deletions and substitutions cost 1), two rows of scratch; exact when it is at
    /// most <paramref name="cutoff"/>, else <c>cutoff + 1</c>, as soon as the lengths or a whole row (whose minimum
    /// never falls from one row to the next) show that it is larger.
    /// </summary>
    internal static int EditDistance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int cutoff = NoCutoff)
    {
        if (a.Length < b.Length)
        {
            var swap = a;
            a = b;
            b = swap;
        }

        if (a.Length - b.Length > cutoff)
        {
            return cutoff + 1;
        }

        Span<int> previous = b.Length < 256 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        Span<int> current = b.Length < 256 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMinimum = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                rowMinimum = Math.Min(rowMinimum, current[j]);
            }

            if (rowMinimum > cutoff)
            {
                return cutoff + 1;
            }

            var rows = previous;
            previous = current;
            current = rows;
        }

        return previous[b.Length];
    }
}
