using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace MovieRecs.MovieLens;

/// <summary>
/// Thrown by <see cref="MovieTitleIndex.Find"/> when a title without a year (or a loosely spelled one) fits several
/// movies; the message and <see cref="Candidates"/> list them with their years and ids so the caller can add the year.
/// </summary>
public sealed class AmbiguousMovieTitleException : ArgumentException
{
    /// <summary>Creates the exception with a default message.</summary>
    public AmbiguousMovieTitleException()
        : this("The title matches several movies.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public AmbiguousMovieTitleException(string message)
        : base(message)
    {
        Title = string.Empty;
        Candidates = ReadOnlyCollection<Movie>.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AmbiguousMovieTitleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Title = string.Empty;
        Candidates = ReadOnlyCollection<Movie>.Empty;
    }

    /// <summary>Creates the exception for a title that fits several movies.</summary>
    /// <param name="title">The title that was looked up.</param>
    /// <param name="candidates">The movies it fits.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public AmbiguousMovieTitleException(string title, IReadOnlyList<Movie> candidates)
        : base(BuildMessage(title, candidates), nameof(title))
    {
        Title = title;
        Candidates = new ReadOnlyCollection<Movie>([.. candidates]);
    }

    /// <summary>The title that was looked up, as given.</summary>
    public string Title { get; }

    /// <summary>The movies the title fits, in id order.</summary>
    public IReadOnlyList<Movie> Candidates { get; }

    private static string BuildMessage(string title, IReadOnlyList<Movie> candidates)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(candidates);
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"The title '{title}' fits {candidates.Count} movies; give the full title with its year: ");
        for (var i = 0; i < candidates.Count; i++)
        {
            var movie = candidates[i];
            message.Append(i == 0 ? "" : ", ");
            message.Append(CultureInfo.InvariantCulture, $"'{movie.Title}' (id {movie.Id}");
            if (movie.Year is int year && !movie.Title.Contains(string.Create(CultureInfo.InvariantCulture, $"({year})"), StringComparison.Ordinal))
            {
                message.Append(CultureInfo.InvariantCulture, $", {year}");
            }

            message.Append(')');
        }

        message.Append('.');
        return message.ToString();
    }
}
