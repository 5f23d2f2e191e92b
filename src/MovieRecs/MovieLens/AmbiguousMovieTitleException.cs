using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using MovieRecs.Internal;

namespace MovieRecs.MovieLens;

/// <summary>
/// Thrown by <see cref="MovieTitleIndex.Find"/> when a title without a year (or a loosely spelled one) fits several
/// movies, or begins several titles; the message (the first ten) and <see cref="Candidates"/> (all) list them with
/// their years and ids so the caller can give the full title or add the year.
/// </summary>
public sealed class AmbiguousMovieTitleException : ArgumentException
{
    /// <summary>How many candidates the message lists at most (<see cref="Candidates"/> holds them all).</summary>
    internal const int MessageCandidates = 10;

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

    /// <summary>The movies the title fits, in the order <see cref="MovieTitleIndex"/> lists them (see its remarks).</summary>
    public IReadOnlyList<Movie> Candidates { get; }

    /// <summary>The message for <paramref name="title"/> fitting <paramref name="candidates"/>; the texts are escaped
    /// (<see cref="MessageText.Escape"/>) and at most <see cref="MessageCandidates"/> candidates are listed.</summary>
    internal static string BuildMessage(string title, IReadOnlyList<Movie> candidates)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(candidates);
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"The title '{MessageText.Escape(title)}' fits {candidates.Count} movies; give the full title with its year: ");
        var listed = Math.Min(candidates.Count, MessageCandidates);
        for (var i = 0; i < listed; i++)
        {
            var movie = candidates[i];
            message.Append(i == 0 ? "" : ", ");
            message.Append(CultureInfo.InvariantCulture, $"'{MessageText.Escape(movie.Title)}' (id {movie.Id}");
            if (movie.Year is int year && !movie.Title.Contains(string.Create(CultureInfo.InvariantCulture, $"({year})"), StringComparison.Ordinal))
            {
                message.Append(CultureInfo.InvariantCulture, $", {year}");
            }

            message.Append(')');
        }

        if (candidates.Count > listed)
        {
            message.Append(CultureInfo.InvariantCulture, $" and {candidates.Count - listed} more");
        }

        message.Append('.');
        return message.ToString();
    }
}
