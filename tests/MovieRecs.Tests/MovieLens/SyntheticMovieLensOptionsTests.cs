using MovieRecs.MovieLens;

namespace MovieRecs.Tests.MovieLens;

public sealed class SyntheticMovieLensOptionsTests
{
    public static TheoryData<MovieLensRelease, int, int, int, bool> Shapes => new()
    {
        { MovieLensRelease.Ml100k, 943, 1_682, 100_000, false },
        { MovieLensRelease.Ml1m, 6_040, 3_706, 1_000_209, false },
        { MovieLensRelease.Ml10m, 69_878, 10_677, 10_000_054, true },
        { MovieLensRelease.Ml20m, 138_493, 26_744, 20_000_263, true },
        { MovieLensRelease.Ml25m, 162_541, 59_047, 25_000_095, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForRelease_Presets_HaveTheReleaseShape(MovieLensRelease release, int users, int movies, int ratings, bool halfStars)
    {
        var options = SyntheticMovieLensOptions.ForRelease(release);

        Assert.Equal(users, options.Users);
        Assert.Equal(movies, options.Movies);
        Assert.Equal(ratings, options.Ratings);
        Assert.Equal(halfStars, options.HalfStarRatings);
        Assert.Equal(20, options.MinRatingsPerUser);
        options.Validate();
    }

    [Fact]
    public void ForRelease_WithoutPreset_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("release", () => SyntheticMovieLensOptions.ForRelease(MovieLensRelease.MlLatest));

    [Fact]
    public void Custom_NonPositiveCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("users", () => SyntheticMovieLensOptions.Custom(0, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>("movies", () => SyntheticMovieLensOptions.Custom(1, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>("ratings", () => SyntheticMovieLensOptions.Custom(1, 10, 0));
    }

    [Fact]
    public void Custom_FewMovies_LowersTheMinimumPerUser() =>
        Assert.Equal(5, SyntheticMovieLensOptions.Custom(3, 5, 15).MinRatingsPerUser);

    [Fact]
    public void Validate_MoreRatingsThanPairs_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>("Ratings", () => SyntheticMovieLensOptions.Custom(3, 5, 16).Validate());
        Assert.Contains("15", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooFewRatingsForTheMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("Ratings", () => SyntheticMovieLensOptions.Custom(10, 100, 199).Validate());

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Validate_BadRank_Throws(int rank) =>
        Assert.Throws<ArgumentOutOfRangeException>("LatentRank", () => (SyntheticMovieLensOptions.Ml100k with { LatentRank = rank }).Validate());

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(4.5)]
    public void Validate_BadExponent_Throws(double exponent) =>
        Assert.Throws<ArgumentOutOfRangeException>("PopularityExponent", () => (SyntheticMovieLensOptions.Ml100k with { PopularityExponent = exponent }).Validate());

    [Fact]
    public void Validate_TimeWindowTooShort_Throws()
    {
        var options = SyntheticMovieLensOptions.Ml100k with { LastRatingTime = SyntheticMovieLensOptions.Ml100k.FirstRatingTime.AddSeconds(100) };
        Assert.Throws<ArgumentOutOfRangeException>("LastRatingTime", options.Validate);
    }

    [Fact]
    public void Validate_BadParallelism_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("MaxDegreeOfParallelism", () => (SyntheticMovieLensOptions.Ml100k with { MaxDegreeOfParallelism = 0 }).Validate());

    [Fact]
    public void Validate_BadMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("MinRatingsPerUser", () => (SyntheticMovieLensOptions.Ml100k with { MinRatingsPerUser = 0 }).Validate());

    [Fact]
    public void Validate_EmptyName_Throws() =>
        Assert.Throws<ArgumentException>("Name", () => (SyntheticMovieLensOptions.Ml100k with { Name = " " }).Validate());
}
