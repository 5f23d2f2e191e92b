using FsCheck;
using FsCheck.Fluent;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// One invented title: words from a small vocabulary, optionally split into a main title and a subtitle by
/// <c>": "</c> or <c>" - "</c> before word <see cref="SubtitleAt"/> (0 for none), optionally ending in MovieLens's
/// <c>", The"</c>, and a year.
/// </summary>
public sealed record TitleSpec(string[] Words, int SubtitleAt, bool Dash, bool Article, int Year)
{
    /// <summary>The title without its year, as MovieLens writes it (e.g. <c>"Night: Day Blue, The"</c>).</summary>
    public string Body
    {
        get
        {
            var text = SubtitleAt == 0
                ? string.Join(' ', Words)
                : string.Join(' ', Words[..SubtitleAt]) + (Dash ? " - " : ": ") + string.Join(' ', Words[SubtitleAt..]);
            return Article ? text + ", The" : text;
        }
    }

    public string Title => $"{Body} ({Year})";

    /// <summary>The words in lower case: what the title is made of once punctuation and the article are set aside.</summary>
    public string LowerWords => string.Join(' ', Words).ToLowerInvariant();

    /// <summary>The subtitle's words in lower case, or <see langword="null"/>.</summary>
    public string? SubtitleWords => SubtitleAt == 0 ? null : string.Join(' ', Words[SubtitleAt..]).ToLowerInvariant();

    public override string ToString() => Title;
}

/// <summary>
/// A handful of invented titles over twelve words and four years, so that titles share beginnings, subtitles and
/// whole bodies often. Drawn and shrunk here: a failing case loses titles, words, subtitles and articles until
/// nothing smaller still fails.
/// </summary>
public sealed record TitleCatalog(TitleSpec[] Titles)
{
    /// <summary>No word is an article or a word MovieLens moves to the end, so the words stay as they are.</summary>
    public static readonly string[] Vocabulary = ["Night", "Day", "Blue", "Star", "Wars", "Love", "City", "River", "Dark", "Moon", "Trek", "Hope"];

    public static Gen<TitleSpec> Spec { get; } =
        from count in FsCheck.Fluent.Gen.Choose(1, 4)
        from words in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Elements(Vocabulary), count)
        from subtitleAt in FsCheck.Fluent.Gen.Choose(0, count - 1)
        from dash in FsCheck.Fluent.Gen.Elements(false, true)
        from article in FsCheck.Fluent.Gen.Elements(false, false, true)
        from year in FsCheck.Fluent.Gen.Choose(1990, 1993)
        select new TitleSpec(words, subtitleAt, dash, article, year);

    /// <summary>1..12 titles.</summary>
    public static Gen<TitleCatalog> Gen { get; } =
        from count in FsCheck.Fluent.Gen.Choose(1, 12)
        from titles in FsCheck.Fluent.Gen.ArrayOf(Spec, count)
        select new TitleCatalog(titles);

    public static Arbitrary<TitleCatalog> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>The distinct titles (spelled alike in any case counts as one; the first is kept), numbered from 1.</summary>
    public IReadOnlyList<(Movie Movie, TitleSpec Spec)> Entries()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entries = new List<(Movie, TitleSpec)>();
        foreach (var spec in Titles)
        {
            if (seen.Add(spec.Title))
            {
                entries.Add((new Movie(entries.Count + 1, spec.Title, spec.Year, []), spec));
            }
        }

        return entries;
    }

    public Movie[] Movies() => [.. Entries().Select(e => e.Movie)];

    /// <summary>Smaller catalogs: a title removed, or one title with its last word, subtitle, article or year simplified.</summary>
    public static IEnumerable<TitleCatalog> Shrink(TitleCatalog catalog)
    {
        var titles = catalog.Titles;
        for (var i = 0; i < titles.Length && titles.Length > 1; i++)
        {
            yield return new TitleCatalog([.. titles[..i], .. titles[(i + 1)..]]);
        }

        for (var i = 0; i < titles.Length; i++)
        {
            foreach (var smaller in Shrink(titles[i]))
            {
                var copy = (TitleSpec[])titles.Clone();
                copy[i] = smaller;
                yield return new TitleCatalog(copy);
            }
        }
    }

    /// <summary>A measure that every shrink step strictly decreases.</summary>
    public static int Size(TitleCatalog catalog) => catalog.Titles.Sum(t => 10 + Size(t));

    public static int Size(TitleSpec t) => t.Words.Length + t.SubtitleAt + (t.Dash ? 1 : 0) + (t.Article ? 1 : 0) + (t.Year - 1990);

    public override string ToString() => string.Join("; ", Titles.Select(t => t.Title));

    private static IEnumerable<TitleSpec> Shrink(TitleSpec t)
    {
        if (t.Words.Length > 1)
        {
            yield return t with { Words = t.Words[..^1], SubtitleAt = Math.Min(t.SubtitleAt, t.Words.Length - 2) };
        }

        if (t.SubtitleAt > 0)
        {
            yield return t with { SubtitleAt = 0, Dash = false };
        }

        if (t.Dash)
        {
            yield return t with { Dash = false };
        }

        if (t.Article)
        {
            yield return t with { Article = false };
        }

        if (t.Year > 1990)
        {
            yield return t with { Year = 1990 };
        }
    }
}

/// <summary>The arbitraries a <c>[Property(Arbitrary = [typeof(TitleArbitraries)])]</c> draws its parameters from.</summary>
public static class TitleArbitraries
{
    public static Arbitrary<TitleCatalog> TitleCatalog() => Generators.TitleCatalog.Arb;
}
