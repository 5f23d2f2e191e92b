using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.FSharp.Core;
using MovieRecs.MovieLens;

namespace MovieRecs.Tests.Generators;

public class RatingsFileGenTests
{
    /// <summary>Quick checks from a fixed start, throwing on a failure with the shrunk counterexample.</summary>
    private static readonly Config Fixed = Config.QuickThrowOnFailure
        .WithMaxTest(100)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20_240_601UL, 0x9E37_79B9_7F4A_7C15UL), FSharpOption<int>.None)));

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public bool Shrink_RatingsFile_EveryCandidateIsValidAndStrictlySmaller(RatingsFile file) =>
        IsValid(file) && RatingsFile.Shrink(file).All(s => IsValid(s) && RatingsFile.Size(s) < RatingsFile.Size(file));

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(MovieLensArbitraries) })]
    public bool Shrink_RatingRows_EveryCandidateIsValidAndStrictlySmaller(RatingRows rows) =>
        rows.Lines.All(l => IsValid(l, halfStars: false))
        && RatingRows.Shrink(rows).All(s => s.Lines.All(l => IsValid(l, halfStars: false)) && RatingLines.Size(s.Lines) < RatingLines.Size(rows.Lines));

    [Fact]
    public void Gen_RatingsFile_DrawsEveryReleaseSpellingAndIdRange()
    {
        var files = RatingsFile.Gen.Sample(400, new Rnd(7UL, 0x9E37_79B9_7F4A_7C15UL), 100);
        Assert.Equal(400, files.Length);

        Assert.Equal(RatingsFile.Releases.Order(), files.Select(f => f.Release).Distinct().Order());
        Assert.Contains(files, f => f.Crlf);
        Assert.Contains(files, f => f.NoFinalNewline && f.Lines.Length > 0);
        Assert.Contains(files, f => f.Bom);
        Assert.Contains(files, f => f.OtherStarSpelling);
        Assert.Contains(files, f => f.Lines.Length == 0);
        Assert.Contains(files, f => f.Lines.Any(l => l.Rating % 1 != 0));
        Assert.Contains(files, f => f.Lines.Any(l => l.User >= 1 << 26) && f.Lines.Any(l => l.User < 1 << 26));
        Assert.Contains(files, f => f.Lines.Any(l => l.Timestamp > 100_000_000_000_000_000L));
        Assert.Contains(files, f => f.Lines.Length > 20 && f.Lines.DistinctBy(l => (l.User, l.Movie)).Count() < f.Lines.Length / 2);
    }

    [Fact]
    public void Check_FileWithADoubleColon_ShrinksToOneSimplestLineOfMl1m()
    {
        RatingsFile? last = null;
        var property = Prop.ForAll(RatingsFile.Arb, f =>
        {
            var holds = !f.Text.Contains("::", StringComparison.Ordinal);
            last = holds ? last : f;
            return holds;
        });

        var error = Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        // The last failing case FsCheck tried is the one it reports: the smallest that still fails.
        Assert.NotNull(last);
        Assert.Equal("Ml1m \"0::0::1::0\\n\"", last.ToString());
        Assert.Contains("Ml1m \"0::0::1::0\\n\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FileWithAHalfStar_ShrinksToMl10m()
    {
        RatingsFile? last = null;
        var property = Prop.ForAll(RatingsFile.Arb, f =>
        {
            var holds = f.Lines.All(l => l.Rating is 1f or 2f or 3f or 4f or 5f);
            last = holds ? last : f;
            return holds;
        });

        Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        Assert.NotNull(last);
        Assert.Equal(MovieLensRelease.Ml10m, last.Release);
        Assert.Single(last.Lines);
        Assert.Equal(new RatingLine(0, 0, last.Lines[0].Rating, 0), last.Lines[0]);
        Assert.Contains(last.Lines[0].Rating, new[] { 0.5f, 1.5f });
        Assert.False(last.Crlf || last.NoFinalNewline || last.Bom || last.OtherStarSpelling);
    }

    [Fact]
    public void Check_RowsWithARepeatedPair_ShrinkToTwoLines()
    {
        RatingRows? last = null;
        var property = Prop.ForAll(RatingRows.Arb, r =>
        {
            var holds = r.Lines.DistinctBy(l => (l.User, l.Movie)).Count() == r.Lines.Length;
            last = holds ? last : r;
            return holds;
        });

        Assert.ThrowsAny<Exception>(() => Check.One(Fixed, property));

        Assert.NotNull(last);
        Assert.Equal("[(0, 0, 1, 0), (0, 0, 1, 0)]", last.ToString());
    }

    private static bool IsValid(RatingsFile file) =>
        file.Lines.Length <= RatingsFile.MaxLines && file.Lines.All(l => IsValid(l, RatingsFile.HasHalfStars(file.Release)));

    private static bool IsValid(RatingLine line, bool halfStars) =>
        line.User >= 0 && line.Movie >= 0 && line.Timestamp is >= 0 and < 1_000_000_000_000_000_000L
        && (halfStars ? line.Rating * 2 is >= 1 and <= 10 && line.Rating * 2 % 1 == 0 : line.Rating is >= 1 and <= 5 && line.Rating % 1 == 0);
}
