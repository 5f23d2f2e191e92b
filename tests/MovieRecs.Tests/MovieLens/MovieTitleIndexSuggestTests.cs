using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.MovieLens;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.MovieLens;

/// <summary>
/// <see cref="MovieTitleIndex.Suggest"/> for short lists, which searches an index (word postings, one-edit neighbours,
/// the length filter and bit-parallel distances), against ranking every movie in full: the answers must be the same.
/// </summary>
public sealed class MovieTitleIndexSuggestTests
{
    // Titles the invented catalogs lack: no key at all, an empty key, alternative titles, diacritics, subtitles, short
    // words, a key longer than 64 letters and letters outside ASCII.
    private static readonly string[] s_oddTitles =
    [
        "(1995)",
        "!!! (1991)",
        "Dark Blue (Bleu sombre, Le) (1992)",
        "Nïght Dáy (1990)",
        "Moon: The Dark - Day Star (1993)",
        "Day (1990)",
        "Da Of (1990)",
        "Night Day Blue Star Wars Love City River Dark Moon Trek Hope Night Day Blue Star Wars Love City River (1991)",
        "Дневной Дозор (Day Watch) (2006)",
    ];

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries), typeof(SuggestQueryArbitraries) })]
    public bool Suggest_ShortList_EqualsRankingEveryMovie(TitleCatalog catalog, bool[] odd, SuggestQuery[] queries)
    {
        var movies = catalog.Movies().ToList();
        for (var i = 0; i < odd.Length && i < s_oddTitles.Length; i++)
        {
            if (odd[i])
            {
                movies.Add(new Movie(movies.Count + 1, s_oddTitles[i], null, []));
            }
        }

        var index = new MovieTitleIndex(movies);
        var texts = queries.Select(q => q.Text).ToList();
        foreach (var (_, spec) in catalog.Entries())
        {
            texts.Add(spec.Body.Remove(spec.Body.Length / 2, 1));
        }

        foreach (var text in texts)
        {
            foreach (var count in new[] { 1, 2, 5, 9, 64 })
            {
                if (!index.Suggest(text, count).SequenceEqual(index.SuggestByRankingEveryMovie(text, count)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SuggestQueryArbitraries) })]
    public bool SharedPrefixDistance_EqualsTheDynamicProgramme(DistanceCase distanceCase)
    {
        var keys = distanceCase.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var keptWords in new[] { 1 << 18, 1, 3 })
        {
            var distances = new MovieTitleIndex.SharedPrefixDistance(distanceCase.Query, null, keys.Length == 0 ? 0 : keys.Max(k => k.Length), keptWords);
            foreach (var key in keys)
            {
                if (distances.To(key) != MovieTitleIndex.EditDistance(distanceCase.Query, key))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(128)]
    [InlineData(129)]
    public void SharedPrefixDistance_QueryLengthsAroundBlocks_EqualTheDynamicProgramme(int length)
    {
        var query = new string([.. Enumerable.Range(0, length).Select(i => "abcab c"[((i * i) + i) % 7])]);
        string[] keys = ["", "a", "ab", "abc", "abcab", query, query + "x", "x" + query, query.Length > 2 ? query[1..^1] : "q", new string('c', 140)];
        var distances = new MovieTitleIndex.SharedPrefixDistance(query, null, keys.Max(k => k.Length));
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            Assert.Equal(MovieTitleIndex.EditDistance(query, key), distances.To(key));
        }
    }

    [Fact]
    public void Suggest_62000GeneratedTitles_EqualsRankingEveryMovie()
    {
        var movies = GeneratedMovies(62_000);
        var index = new MovieTitleIndex(movies);
        var random = new Random(11);
        var queries = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            queries.Add(Junk(random, 150));
            queries.Add(Junk(random, 20));
            var title = movies[random.Next(movies.Count)].Title;
            queries.Add(title.Remove(2, 3));
        }

        queries.AddRange(["movie", "synthetic movie 4", "synthetic movie 12 (1990)", "synthetc movi 4711", "4711 (2001)", "!!"]);
        foreach (var query in queries)
        {
            Assert.Equal(index.SuggestByRankingEveryMovie(query, 5), index.Suggest(query));
        }
    }

    [Fact]
    public async Task Suggest_FromManyThreadsOnAFreshIndex_EachGetsTheAnswerOfRankingEveryMovie()
    {
        // The web sample matches titles of concurrent requests on one index: the first calls race to build the
        // suggestion index, and every call must give the answer a lone call gives.
        var movies = GeneratedMovies(5_000);
        var random = new Random(3);
        var queries = Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? Junk(random, 12 + (i % 40)) : movies[random.Next(movies.Count)].Title.Remove(3, 2)).ToArray();
        var expected = new MovieTitleIndex(movies);
        var wanted = queries.Select(q => expected.SuggestByRankingEveryMovie(q, 5)).ToArray();

        for (var round = 0; round < 3; round++)
        {
            var index = new MovieTitleIndex(movies);
            using var start = new Barrier(4);
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < queries.Length; i++)
                {
                    var q = (i + (w * 16)) % queries.Length;
                    Assert.Equal(wanted[q], index.Suggest(queries[q]));
                }
            }));
            await Task.WhenAll(workers);
        }
    }

    [RealDataFact("ml-1m")]
    public void Suggest_Ml1mTitles_EqualsRankingEveryMovie()
    {
        var movies = MovieLensReader.ReadMovies(Path.Combine(TestData.Release("ml-1m")!, "movies.dat"), MovieLensRelease.Ml1m);
        var index = new MovieTitleIndex(movies);
        var random = new Random(5);
        var queries = new List<string> { "jurasic prk", "termnator 2", "star wars", "the godfather part", "amelie", "le fabuleux destin" };
        for (var i = 0; i < 10; i++)
        {
            var title = movies[random.Next(movies.Count)].Title;
            queries.Add(title.Remove(random.Next(title.Length - 7), 2));
            queries.Add(Junk(random, 10 + (i * 15)));
        }

        foreach (var query in queries)
        {
            Assert.Equal(index.SuggestByRankingEveryMovie(query, 10), index.Suggest(query, 10));
        }
    }

    internal static IReadOnlyList<Movie> GeneratedMovies(int count) =>
        SyntheticMovieLens.Generate(SyntheticMovieLensOptions.Custom(users: 50, movies: count, ratings: count)).Movies;

    private static string Junk(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => "abcdefghijklmnopqrstuvwxyz    "[random.Next(30)])]);
}

/// <summary>
/// A query made of pieces: words of the invented vocabulary (and a few short ones), each perhaps misspelled by one
/// insertion, deletion or substitution, and letters of no word; joined by spaces or punctuation, perhaps with a year.
/// Shrinks by losing pieces, edits, letters and the year.
/// </summary>
public sealed record SuggestQuery(QueryPiece[] Pieces, int Separator, int Year)
{
    private static readonly string[] s_separators = [" ", ": ", ", ", " - "];

    public string Text
    {
        get
        {
            var text = string.Join(s_separators[Separator], Pieces.Select(p => p.Text));
            return Year == 0 ? text : $"{text} ({Year})";
        }
    }

    public override string ToString() => $"\"{Text}\"";
}

/// <summary>One piece of a <see cref="SuggestQuery"/>: word <see cref="Word"/> (or <see cref="Letters"/> when that is set) with edit <see cref="Edit"/> (0 none, 1 delete, 2 insert, 3 substitute) at <see cref="At"/>.</summary>
public sealed record QueryPiece(int Word, int Edit, int At, char Letter, string Letters)
{
    public static readonly string[] Words = [.. TitleCatalog.Vocabulary, "The", "of", "Da", "Dáy", "Дозор"];

    public string Text
    {
        get
        {
            var word = Letters.Length > 0 ? Letters : Words[Word];
            return Edit switch
            {
                1 when word.Length > 1 => word.Remove(At % word.Length, 1),
                2 => word.Insert(At % (word.Length + 1), Letter.ToString()),
                3 => new StringBuilder(word) { [At % word.Length] = Letter }.ToString(),
                _ => word,
            };
        }
    }
}

/// <summary>Two strings' worth of edit-distance cases: a query and keys over a small alphabet, up to 200 letters (three blocks of 64).</summary>
public sealed record DistanceCase(string Query, string[] Keys)
{
    public override string ToString() => $"\"{Query}\" to [{string.Join(", ", Keys.Select(k => $"\"{k}\""))}]";
}

public static class SuggestQueryArbitraries
{
    private static readonly Gen<string> s_letters =
        Shrinkable.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray()), 1, 12).Select(c => new string(c));

    private static readonly Gen<QueryPiece> s_piece =
        from word in Gen.Choose(0, QueryPiece.Words.Length - 1)
        from edit in Gen.Elements(0, 0, 1, 2, 3)
        from at in Gen.Choose(0, 20)
        from letter in Gen.Elements('a', 'e', 'o', 'r', 'x', 'é')
        from letters in Gen.Frequency((3, Gen.Constant("")), (1, s_letters))
        select new QueryPiece(word, edit, at, letter, letters);

    private static readonly Gen<SuggestQuery> s_query =
        from pieces in Gen.Frequency((4, Shrinkable.ArrayOf(s_piece, 0, 4)), (1, Shrinkable.ArrayOf(s_piece, 5, 30)))
        from separator in Gen.Choose(0, 3)
        from year in Gen.Elements(0, 0, 1990, 1992, 2006)
        select new SuggestQuery(pieces, separator, year);

    private static readonly Gen<string> s_distanceText =
        Gen.Frequency(
            (3, Shrinkable.ArrayOf(Gen.Elements('a', 'b', 'c', ' '), 0, 20)),
            (1, Shrinkable.ArrayOf(Gen.Elements('a', 'b', 'c', 'é', ' '), 60, 200)))
        .Select(c => new string(c));

    public static Arbitrary<SuggestQuery> SuggestQuery() => Arb.From(s_query, ShrinkQuery);

    public static Arbitrary<DistanceCase> DistanceCase() => Arb.From(
        from query in s_distanceText
        from keys in Shrinkable.ArrayOf(s_distanceText, 0, 12)
        select new DistanceCase(query, keys),
        c => Shrinkable.ShrinkArray(c.Keys, ShrinkText).Select(keys => c with { Keys = keys })
            .Concat(ShrinkText(c.Query).Select(query => c with { Query = query })));

    private static IEnumerable<SuggestQuery> ShrinkQuery(SuggestQuery query)
    {
        if (query.Year != 0)
        {
            yield return query with { Year = 0 };
        }

        if (query.Separator != 0)
        {
            yield return query with { Separator = 0 };
        }

        foreach (var pieces in Shrinkable.ShrinkArray(query.Pieces, ShrinkPiece))
        {
            yield return query with { Pieces = pieces };
        }
    }

    private static IEnumerable<QueryPiece> ShrinkPiece(QueryPiece piece)
    {
        if (piece.Edit != 0)
        {
            yield return piece with { Edit = 0 };
        }

        foreach (var letters in ShrinkText(piece.Letters))
        {
            yield return piece with { Letters = letters };
        }

        foreach (var word in Shrinkable.Toward(piece.Word, 0))
        {
            yield return piece with { Word = word };
        }
    }

    private static IEnumerable<string> ShrinkText(string text) =>
        Shrinkable.ShrinkArray(text.ToCharArray(), _ => []).Select(c => new string(c));
}
