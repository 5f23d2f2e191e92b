namespace MovieRecs.MovieLens;

/// <summary>
/// A title that <see cref="MovieTitleIndex.Match"/> could not resolve to one movie: it fits none (the
/// <see cref="Candidates"/> are then the closest titles) or several (the <see cref="Candidates"/> are those it fits).
/// </summary>
/// <remarks>Immutable and thread-safe. <see cref="ToString"/> gives the text that <see cref="MovieTitleIndex.Find"/>'s
/// exception would carry, with control characters escaped, ready to show to the person who typed the title.</remarks>
public sealed class UnresolvedTitle
{
    internal UnresolvedTitle(string title, bool isAmbiguous, IReadOnlyList<Movie> candidates)
    {
        Title = title;
        IsAmbiguous = isAmbiguous;
        Candidates = candidates;
    }

    /// <summary>The title as it was given.</summary>
    public string Title { get; }

    /// <summary><see langword="true"/> when the title fits several movies; <see langword="false"/> when it fits none
    /// (or is blank).</summary>
    public bool IsAmbiguous { get; }

    /// <summary>When <see cref="IsAmbiguous"/>, every movie the title fits, best first; otherwise up to five
    /// suggestions, closest first (none for a blank title or an empty index). The order is
    /// <see cref="MovieTitleIndex"/>'s.</summary>
    public IReadOnlyList<Movie> Candidates { get; }

    /// <summary>Says what went wrong and lists the candidates, e.g. <c>No movie is titled 'jurasic park'. Did you mean
    /// 'Jurassic Park (1993)', …?</c> or <c>The title 'star wars' fits 4 movies; give the full title with its year: …</c>.</summary>
    /// <returns>The message, as <see cref="MovieNotFoundException"/> or <see cref="AmbiguousMovieTitleException"/> words it.</returns>
    public override string ToString() =>
        IsAmbiguous ? AmbiguousMovieTitleException.BuildMessage(Title, Candidates) : MovieNotFoundException.BuildMessage(Title, Candidates);
}
