namespace MovieRecs.MovieLens;

/// <summary>A user's demographic record, present only in ml-100k (<c>u.user</c>) and ml-1m (<c>users.dat</c>).</summary>
/// <param name="Id">The external MovieLens user id.</param>
/// <param name="Age">
/// In ml-100k the age in years. In ml-1m the code of an age range, exactly as the file gives it:
/// 1 = under 18, 18 = 18-24, 25 = 25-34, 35 = 35-44, 45 = 45-49, 50 = 50-55, 56 = 56 and over.
/// </param>
/// <param name="Gender">"M" or "F", as the release spells it.</param>
/// <param name="Occupation">
/// The occupation name: ml-100k spells it in the file (e.g. <c>"technician"</c>); ml-1m stores a code 0 to 20 that is
/// translated with the release's README table (e.g. 12 becomes <c>"programmer"</c>, 0 becomes <c>"other"</c>).
/// </param>
/// <param name="ZipCode">The zip code as text (some are not numeric, e.g. Canadian postal codes).</param>
public sealed record MovieLensUser(int Id, int Age, string Gender, string Occupation, string ZipCode);
