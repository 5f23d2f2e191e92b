using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MovieRecs.Persistence;

namespace MovieRecs.MovieLens;

/// <summary>
/// Checks that a saved model belongs to a MovieLens data set, before it is served with it: the movie and user ids
/// the model was saved with (<see cref="ModelFileContent.Items"/> and <see cref="ModelFileContent.Users"/>) must be
/// the data's. A model trained on one release and served with another would otherwise give confident but
/// meaningless answers, or fail later on an unknown id.
/// </summary>
/// <remarks>
/// <para>The rules, in order; the first that fails throws an <see cref="InvalidDataException"/> whose message says
/// which, how many ids and a few of them, and asks whether the model was trained on another release:</para>
/// <list type="number">
/// <item><description>The model holds its movie ids.</description></item>
/// <item><description>Every movie of the model is in the movie list.</description></item>
/// <item><description>With ratings: every user of the model (when it holds user ids) has ratings in them.</description></item>
/// <item><description>With ratings: the model lacks no user and no movie it would have had if trained on them. A
/// model trained on an <see cref="InteractionMatrix"/> of these ratings, at any
/// <see cref="InteractionOptions.MinRating"/>, holds every user and movie with a rating at or above it; so a user
/// (movie) of the ratings that the model lacks must have a highest rating below the lowest highest rating of the
/// users (movies) it has. Movies of the model without ratings (the columns that
/// <see cref="InteractionMatrix.Build"/> adds for the whole movie list) are allowed.</description></item>
/// </list>
/// <para>A model trained on part of the ratings (a training split, a sample) does not pass rule 4 against all of
/// them: check it against the part it was trained on. O(ratings + ids) time and O(ids) memory; thread-safe.</para>
/// </remarks>
public static class ModelDataCheck
{
    private const int ExampleCount = 3;

    /// <summary>Throws unless the model's ids are those of <paramref name="dataset"/> (its movies and ratings).</summary>
    /// <param name="content">The model and its ids, as <see cref="AlsModelFile"/> or <see cref="ImplicitModelFile"/> loaded them.</param>
    /// <param name="dataset">The data set to serve the model with; its folder names it in messages.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The model does not belong to the data set; the message says why.</exception>
    public static void ThrowIfMismatched(ModelFileContent content, MovieLensDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowIfMismatched(content, dataset.Movies, dataset.Ratings, dataset.Folder);
    }

    /// <summary>Throws unless the model's ids are those of the given movies and, when given, ratings.</summary>
    /// <param name="content">The model and its ids, as <see cref="AlsModelFile"/> or <see cref="ImplicitModelFile"/> loaded them.</param>
    /// <param name="movies">The movie list of the data (e.g. <see cref="MovieLensReader.ReadMovies(string, MovieLensRelease)"/>).</param>
    /// <param name="ratings">The ratings of the data, or <see langword="null"/> to check the movies only (when only titles are needed).</param>
    /// <param name="dataName">How messages name the data, e.g. its folder or ratings file.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/>, <paramref name="movies"/> or <paramref name="dataName"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The model does not belong to the data; the message says why.</exception>
    public static void ThrowIfMismatched(ModelFileContent content, IReadOnlyList<Movie> movies, RatingsTable? ratings, string dataName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(movies);
        ArgumentNullException.ThrowIfNull(dataName);
        var items = content.Items ?? throw new InvalidDataException(
            "The model holds no movie ids, so its columns cannot be matched with movies: save it with its ids (the users and items arguments of AlsModelFile.Save or ImplicitModelFile.Save).");

        var movieIds = new HashSet<int>(movies.Count);
        foreach (var movie in movies)
        {
            movieIds.Add(movie.Id);
        }

        var unknownMovies = new List<int>();
        foreach (var id in items.Keys)
        {
            if (!movieIds.Contains(id))
            {
                unknownMovies.Add(id);
            }
        }

        if (unknownMovies.Count > 0)
        {
            unknownMovies.Sort();
            Throw($"The model's {N(items.Count)} movies include {N(unknownMovies.Count)} that {(unknownMovies.Count == 1 ? "is" : "are")} not in {dataName} ({Examples("movie", unknownMovies)})");
        }

        if (ratings is not null)
        {
            CheckRatings(content.Users, items, ratings, dataName);
        }
    }

    private static void CheckRatings(IdIndex<int>? users, IdIndex<int> items, RatingsTable ratings, string dataName)
    {
        // The highest rating of each user and movie, split into those the model has (by row or column) and the others.
        var userHighest = HighestByIndex(users?.Count ?? 0);
        var itemHighest = HighestByIndex(items.Count);
        var otherUsers = new Dictionary<int, float>();
        var otherItems = new Dictionary<int, float>();
        var userIds = ratings.UserIds;
        var movieIds = ratings.MovieIds;
        var values = ratings.Ratings;
        for (var i = 0; i < ratings.Count; i++)
        {
            var value = values[i];
            if (users is not null)
            {
                Keep(users, userHighest, otherUsers, userIds[i], value);
            }

            Keep(items, itemHighest, otherItems, movieIds[i], value);
        }

        if (users is not null)
        {
            var unrated = new List<int>();
            for (var row = 0; row < users.Count; row++)
            {
                if (float.IsNegativeInfinity(userHighest[row]))
                {
                    unrated.Add(users[row]);
                }
            }

            if (unrated.Count > 0)
            {
                Throw($"The model's {N(users.Count)} users include {N(unrated.Count)} without ratings in {dataName} ({Examples("user", unrated)})");
            }

            ThrowIfLacking(userHighest, otherUsers, "user", dataName);
        }

        ThrowIfLacking(itemHighest, otherItems, "movie", dataName);
    }

    private static float[] HighestByIndex(int count)
    {
        var highest = new float[count];
        highest.AsSpan().Fill(float.NegativeInfinity);
        return highest;
    }

    private static void Keep(IdIndex<int> index, float[] highest, Dictionary<int, float> others, int id, float value)
    {
        if (index.TryGetIndex(id, out var at))
        {
            highest[at] = Math.Max(highest[at], value);
        }
        else if (!others.TryGetValue(id, out var seen) || value > seen)
        {
            others[id] = value;
        }
    }

    /// <summary>Throws when a user or movie absent from the model rated (was rated) at least as high as the lowest of those it has.</summary>
    private static void ThrowIfLacking(float[] highest, Dictionary<int, float> others, string what, string dataName)
    {
        var threshold = float.PositiveInfinity;
        foreach (var value in highest)
        {
            if (!float.IsNegativeInfinity(value))
            {
                threshold = Math.Min(threshold, value);
            }
        }

        var lacking = new List<int>();
        foreach (var (id, value) in others)
        {
            if (value >= threshold)
            {
                lacking.Add(id);
            }
        }

        if (lacking.Count > 0)
        {
            lacking.Sort();
            Throw($"{dataName} has {N(lacking.Count)} {what}{(lacking.Count == 1 ? "" : "s")} that the model lacks, with ratings as high as those of the {what}s it has ({Examples(what, lacking)})");
        }
    }

    private static string Examples(string what, List<int> ids)
    {
        var text = new StringBuilder(what).Append(ids.Count == 1 ? " " : "s ");
        for (var i = 0; i < Math.Min(ids.Count, ExampleCount); i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(ids.Count > ExampleCount ? ", ..." : "").ToString();
    }

    private static string N(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    [DoesNotReturn]
    private static void Throw(string problem) =>
        throw new InvalidDataException($"{problem}: was the model trained on another release?");
}
