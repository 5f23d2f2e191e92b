using System.Globalization;
using System.Text;

namespace MovieRecs.MovieLens;

/// <summary>A movie from a MovieLens release.</summary>
/// <param name="Id">The external MovieLens movie id.</param>
/// <param name="Title">The title exactly as the release spells it, year included (e.g. <c>"Matrix, The (1999)"</c>).</param>
/// <param name="Year">The release year parsed from the title, or <see langword="null"/> when the title has none.</param>
/// <param name="Genres">The genres, in the release's order (empty when the release lists none).</param>
/// <remarks><see cref="ToString"/> shows the genres joined by <c>|</c>, as the release writes them:
/// <c>Movie { Id = 1, Title = Toy Story (1995), Year = 1995, Genres = Animation|Children's|Comedy }</c>.</remarks>
public sealed record Movie(int Id, string Title, int? Year, IReadOnlyList<string> Genres)
{
    // The record's ToString calls this; the compiler's version would print the list's type name.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Id = {Id}, Title = {Title}, Year = {Year}, Genres = ");
        if (Genres is not null)
        {
            builder.AppendJoin('|', Genres);
        }

        return true;
    }
}
