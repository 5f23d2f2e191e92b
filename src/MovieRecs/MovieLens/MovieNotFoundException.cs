using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// Thrown by <see cref="MovieTitleIndex.Find"/> when no movie has the title; the message and
/// <see cref="Suggestions"/> list the closest titles, so a typo never silently becomes a new, unknown movie.
/// </summary>
public sealed class MovieNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception with a default message.</summary>
    public MovieNotFoundException()
        : this("The movie was not found.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MovieNotFoundException(string message)
        : base(message)
    {
        Title = string.Empty;
        Suggestions = ReadOnlyCollection<Movie>.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MovieNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Title = string.Empty;
        Suggestions = ReadOnlyCollection<Movie>.Empty;
    }

    /// <summary>Creates the exception for a title that matched nothing.</summary>
    /// <param name="title">The title that was looked up.</param>
    /// <param name="suggestions">The closest titles, best first (may be empty).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public MovieNotFoundException(string title, IReadOnlyList<Movie> suggestions)
        : base(BuildMessage(title, suggestions))
    {
        Title = title;
        Suggestions = new ReadOnlyCollection<Movie>([.. suggestions]);
    }

    /// <summary>The title that was looked up, as given.</summary>
    public string Title { get; }

    /// <summary>The closest titles, best first.</summary>
    public IReadOnlyList<Movie> Suggestions { get; }

    /// <summary>The message for <paramref name="title"/> with <paramref name="suggestions"/>; the texts are escaped
    /// (<see cref="MessageText.Escape"/>).</summary>
    internal static string BuildMessage(string title, IReadOnlyList<Movie> suggestions)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(suggestions);
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"No movie is titled '{MessageText.Escape(title)}'.");
        if (suggestions.Count > 0)
        {
            message.Append(" Did you mean ");
            for (var i = 0; i < suggestions.Count; i++)
            {
                message.Append(i == 0 ? "" : i == suggestions.Count - 1 ? " or " : ", ");
                message.Append(CultureInfo.InvariantCulture, $"'{MessageText.Escape(suggestions[i].Title)}'");
            }

            message.Append('?');
        }

        return message.ToString();
    }
}
