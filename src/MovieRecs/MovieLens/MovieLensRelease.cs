namespace MovieRecs.MovieLens;

/// <summary>The MovieLens releases published by GroupLens that MovieRecs can read.</summary>
public enum MovieLensRelease
{
    /// <summary>MovieLens 100K (1998): <c>u.data</c> tab-separated, <c>u.item</c> pipe-separated, ISO-8859-1.</summary>
    Ml100k,

    /// <summary>MovieLens 1M (2003): <c>ratings.dat</c>, <c>movies.dat</c>, <c>users.dat</c> with <c>::</c> separators, ISO-8859-1.</summary>
    Ml1m,

    /// <summary>
    /// MovieLens 10M (2009): <c>ratings.dat</c> (half-star ratings), <c>movies.dat</c>, <c>tags.dat</c> with <c>::</c>
    /// separators, UTF-8 (unlike ml-1m, whose titles are ISO-8859-1). The readers decode any line that is not valid
    /// UTF-8 as ISO-8859-1, so a copy re-saved in the older encoding reads right too.
    /// </summary>
    Ml10m,

    /// <summary>MovieLens 20M (2015): CSV files with a header, UTF-8.</summary>
    Ml20m,

    /// <summary>MovieLens 25M (2019): CSV files with a header, UTF-8.</summary>
    Ml25m,

    /// <summary>MovieLens 32M (2024): CSV files with a header, UTF-8.</summary>
    Ml32m,

    /// <summary>MovieLens Latest (full, changes over time): CSV files with a header, UTF-8.</summary>
    MlLatest,

    /// <summary>MovieLens Latest Small (about 100,000 ratings): CSV files with a header, UTF-8.</summary>
    MlLatestSmall,
}
