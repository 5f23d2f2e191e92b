using FsCheck;
using FsCheck.Fluent;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Generators;

/// <summary>A title of one to three words (accented ones among them), perhaps with ", The" after them, and a year.</summary>
public sealed record SyntheticTitle(int[] Words, bool The, int Year)
{
    public static string[] Vocabulary { get; } = ["Night", "Day", "Blue", "Über", "Café", "Star", "War", "Love", "Dark", "City", "River", "Noël"];

    public string Body => string.Join(' ', Words.Select(w => Vocabulary[w])) + (The ? ", The" : "");

    public override string ToString() => $"{Body} ({Year})";
}

/// <summary>
/// Movies whose titles are <see cref="SyntheticTitle"/>s, numbered from 1; a title whose words repeat an earlier one
/// (ignoring case) is left out, so that a title without its year still names one movie. Drawn and shrunk by
/// <see cref="Gen"/> and <see cref="Shrink(MovieTitles)"/>: fewer titles, fewer and earlier words, no ", The", earlier years.
/// </summary>
public sealed record MovieTitles(SyntheticTitle[] Titles)
{
    public const int MinYear = 1920;

    public Movie[] Movies
    {
        get
        {
            var bodies = new HashSet<string>();
            var movies = new List<Movie>();
            foreach (var title in Titles.Where(t => bodies.Add(t.Body.ToUpperInvariant())))
            {
                movies.Add(new Movie(movies.Count + 1, title.ToString(), title.Year, []));
            }

            return [.. movies];
        }
    }

    /// <summary>Up to 30 titles.</summary>
    public static Gen<MovieTitles> Gen { get; } =
        from titles in Shrinkable.ArrayOf(
            from words in Shrinkable.ArrayOf(FsCheck.Fluent.Gen.Choose(0, SyntheticTitle.Vocabulary.Length - 1), 1, 3)
            from the in FsCheck.Fluent.Gen.Elements(false, false, true)
            from year in FsCheck.Fluent.Gen.Choose(MinYear, 2019)
            select new SyntheticTitle(words, the, year),
            1,
            30)
        select new MovieTitles(titles);

    public static Arbitrary<MovieTitles> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<MovieTitles> Shrink(MovieTitles movies) =>
        Shrinkable.ShrinkArray(movies.Titles, Shrink, minLength: 1).Select(titles => new MovieTitles(titles));

    /// <summary>A word fewer or earlier in the vocabulary, no ", The", an earlier year.</summary>
    public static IEnumerable<SyntheticTitle> Shrink(SyntheticTitle title) =>
        Shrinkable.ShrinkArray(title.Words, w => Shrinkable.Toward(w, 0), minLength: 1).Select(words => title with { Words = words })
            .Concat(title.The ? [title with { The = false }] : [])
            .Concat(Shrinkable.Toward(title.Year, MinYear).Select(year => title with { Year = year }));

    public override string ToString() => $"[{string.Join("; ", Titles.AsEnumerable())}]";
}
