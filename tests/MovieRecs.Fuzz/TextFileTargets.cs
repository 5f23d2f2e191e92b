using MovieRecs.MovieLens;

namespace MovieRecs.Fuzz;

/// <summary>
/// The small MovieLens text files, each read in every layout the library knows: movies (ml-100k <c>u.item</c>,
/// ml-1m and ml-10m <c>movies.dat</c>, <c>movies.csv</c>), users (<c>u.user</c>, <c>users.dat</c>), tags
/// (<c>tags.dat</c>, <c>tags.csv</c>) and links (<c>links.csv</c>). A reader either returns at most one record per
/// line or throws the documented <see cref="InvalidDataException"/> naming file and line. Ids are keys in movies,
/// users and links files: a repeated one is a documented rejection, so a file that reads holds each id once.
/// </summary>
internal static class TextFileTargets
{
    public static void Movies(byte[] input)
    {
        foreach (var release in (ReadOnlySpan<MovieLensRelease>)[MovieLensRelease.Ml100k, MovieLensRelease.Ml1m, MovieLensRelease.Ml10m, MovieLensRelease.Ml20m])
        {
            var movies = Documented.TextFile(() => MovieLensReader.ReadMovies(new MemoryStream(input), release, Documented.TextFileName));
            if (movies is null)
            {
                continue;
            }

            CheckCount(movies.Count, input, release.ToString());
            CheckUnique(movies.Select(m => m.Id), release + " movie ids");
            foreach (var movie in movies)
            {
                if (movie.Id < 0 || movie.Title is null || movie.Genres is null || movie.Genres.Any(g => g is null))
                {
                    throw new FuzzFindingException($"{release}: an incomplete movie {movie}");
                }

                if (movie.Year is { } year && (year < 0 || year > 9999))
                {
                    throw new FuzzFindingException($"{release}: year {year} from \"{movie.Title}\"");
                }
            }
        }
    }

    public static void Users(byte[] input)
    {
        foreach (var release in (ReadOnlySpan<MovieLensRelease>)[MovieLensRelease.Ml100k, MovieLensRelease.Ml1m])
        {
            var users = Documented.TextFile(() => MovieLensReader.ReadUsers(new MemoryStream(input), release, Documented.TextFileName));
            if (users is null)
            {
                continue;
            }

            CheckCount(users.Count, input, release.ToString());
            CheckUnique(users.Select(u => u.Id), release + " user ids");
            foreach (var user in users)
            {
                if (user.Id < 0 || user.Age < 0 || string.IsNullOrEmpty(user.Gender) || user.Occupation is null || user.ZipCode is null)
                {
                    throw new FuzzFindingException($"{release}: an incomplete user {user}");
                }
            }
        }
    }

    public static void Tags(byte[] input)
    {
        foreach (var release in (ReadOnlySpan<MovieLensRelease>)[MovieLensRelease.Ml10m, MovieLensRelease.Ml20m])
        {
            var tags = Documented.TextFile(() => MovieLensReader.ReadTags(new MemoryStream(input), release, Documented.TextFileName));
            if (tags is null)
            {
                continue;
            }

            CheckCount(tags.Count, input, release.ToString());
            foreach (var tag in tags)
            {
                if (tag.UserId < 0 || tag.MovieId < 0 || tag.Timestamp < 0 || tag.Text is null)
                {
                    throw new FuzzFindingException($"{release}: an incomplete tag {tag}");
                }
            }
        }
    }

    public static void Links(byte[] input)
    {
        var links = Documented.TextFile(() => MovieLensReader.ReadLinks(new MemoryStream(input), Documented.TextFileName));
        if (links is null)
        {
            return;
        }

        CheckCount(links.Count, input, "links");
        CheckUnique(links.Select(l => l.MovieId), "links movie ids");
        foreach (var link in links)
        {
            if (link.MovieId < 0 || link.ImdbId < 0 || link.TmdbId < 0)
            {
                throw new FuzzFindingException($"an impossible link {link}");
            }
        }
    }

    private static void CheckUnique(IEnumerable<int> ids, string what)
    {
        var seen = new HashSet<int>();
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                throw new FuzzFindingException($"{what}: {id} read twice");
            }
        }
    }

    /// <summary>Records never outnumber lines (a quoted CSV field may join lines, never split one).</summary>
    private static void CheckCount(int records, byte[] input, string layout)
    {
        var lines = input.AsSpan().Count((byte)'\n') + 1;
        if (records > lines)
        {
            throw new FuzzFindingException($"{layout}: {records} records from {lines} lines");
        }
    }
}
