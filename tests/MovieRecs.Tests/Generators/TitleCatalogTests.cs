using FsCheck.Xunit;

namespace MovieRecs.Tests.Generators;

public class TitleCatalogTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries) })]
    public bool Shrink_TitleCatalog_EveryCandidateIsValidAndStrictlySmaller(TitleCatalog catalog) =>
        IsValid(catalog) && TitleCatalog.Shrink(catalog).All(s => IsValid(s) && TitleCatalog.Size(s) < TitleCatalog.Size(catalog));

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(TitleArbitraries) })]
    public bool Entries_AreDistinctTitlesNumberedFromOne(TitleCatalog catalog)
    {
        var entries = catalog.Entries();
        return entries.Select(e => e.Movie.Id).SequenceEqual(Enumerable.Range(1, entries.Count))
            && entries.Select(e => e.Movie.Title.ToUpperInvariant()).Distinct().Count() == entries.Count
            && entries.All(e => e.Movie.Title == e.Spec.Title && e.Movie.Year == e.Spec.Year);
    }

    private static bool IsValid(TitleCatalog catalog) =>
        catalog.Titles.Length >= 1
        && catalog.Titles.All(t => t.Words.Length >= 1 && t.SubtitleAt >= 0 && t.SubtitleAt < t.Words.Length && t.Year is >= 1990 and <= 1993
            && t.Words.All(TitleCatalog.Vocabulary.Contains));
}
