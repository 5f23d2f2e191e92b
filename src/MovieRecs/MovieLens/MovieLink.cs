namespace MovieRecs.MovieLens;

/// <summary>The identifiers of a movie on other sites, from <c>links.csv</c> of the CSV releases.</summary>
/// <param name="MovieId">The external MovieLens movie id.</param>
/// <param name="ImdbId">
/// The numeric IMDb id; the IMDb page is <c>https://www.imdb.com/title/tt</c> followed by this number padded with
/// zeros to at least seven digits.
/// </param>
/// <param name="TmdbId">The numeric TMDB id, or <see langword="null"/> when the release leaves the field empty.</param>
public sealed record MovieLink(int MovieId, int ImdbId, int? TmdbId);
