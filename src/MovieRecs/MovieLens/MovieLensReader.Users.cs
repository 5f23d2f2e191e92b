namespace MovieRecs.MovieLens;

public static partial class MovieLensReader
{
    /// <summary>The occupations of ml-1m <c>users.dat</c> by code, as the release's README lists them.</summary>
    private static readonly string[] Ml1mOccupations =
    [
        "other", "academic/educator", "artist", "clerical/admin", "college/grad student", "customer service",
        "doctor/health care", "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer", "programmer",
        "retired", "sales/marketing", "scientist", "self-employed", "technician/engineer", "tradesman/craftsman",
        "unemployed", "writer",
    ];

    /// <summary>Reads the users file of ml-100k (<c>u.user</c>) or ml-1m (<c>users.dat</c>).</summary>
    /// <param name="path">The users file.</param>
    /// <param name="release"><see cref="MovieLensRelease.Ml100k"/> or <see cref="MovieLensRelease.Ml1m"/>.</param>
    /// <returns>The users in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="release"/> has no users file (ml-10m and later).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message names the path.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (see <see cref="ReadUsers(Stream, MovieLensRelease, string)"/>).</exception>
    public static IReadOnlyList<MovieLensUser> ReadUsers(string path, MovieLensRelease release)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateHasUsers(release);
        using var stream = MovieLensFile.OpenSequential(path);
        return ReadUsers(stream, release, path);
    }

    /// <summary>Reads users from <paramref name="stream"/> in the layout of <paramref name="release"/>.</summary>
    /// <param name="stream">A readable stream of the users file's bytes; left open.</param>
    /// <param name="release"><see cref="MovieLensRelease.Ml100k"/> or <see cref="MovieLensRelease.Ml1m"/>.</param>
    /// <param name="displayName">The name used in error messages, usually the file name.</param>
    /// <returns>The users in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="displayName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="release"/> has no users file (ml-10m and later).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="release"/> is not a defined release.</exception>
    /// <exception cref="InvalidDataException">
    /// A line is malformed: not 5 fields, an id or age that is not a non-negative integer, an empty gender, or
    /// (ml-1m) an occupation code outside 0 to 20; or a user id is repeated (the message names the line of its first
    /// definition too).
    /// </exception>
    /// <remarks>
    /// ml-100k: <c>id|age|gender|occupation|zip</c>, Latin-1. ml-1m: <c>id::gender::age::occupation::zip</c>, where age
    /// is a range code and occupation a code translated to its name (see <see cref="MovieLensUser"/>). Blank lines are
    /// skipped; an empty file gives no users.
    /// </remarks>
    public static IReadOnlyList<MovieLensUser> ReadUsers(Stream stream, MovieLensRelease release, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        ValidateHasUsers(release);
        var ml100k = release == MovieLensRelease.Ml100k;
        using var reader = new DelimitedRecordReader(stream, displayName, ml100k ? FieldSeparator.Pipe : FieldSeparator.DoubleColon, TextDecoding.Latin1, leaveOpen: true);
        var users = new List<MovieLensUser>();
        var firstLines = new Dictionary<int, long>();
        while (reader.ReadRecord())
        {
            reader.ExpectFieldCount(5, ml100k ? "id|age|gender|occupation|zip" : "id::gender::age::occupation::zip");
            var id = reader.FieldId(0, "user id");
            reader.ExpectNewId(firstLines, id, "user id");
            var age = reader.FieldId(ml100k ? 1 : 2, "age");
            var gender = reader.FieldString(ml100k ? 2 : 1);
            if (gender.Length == 0)
            {
                reader.Fail("the gender is empty");
            }

            string occupation;
            if (ml100k)
            {
                occupation = reader.FieldString(3);
            }
            else
            {
                var code = reader.FieldId(3, "occupation code");
                if (code >= Ml1mOccupations.Length)
                {
                    reader.Fail($"occupation code {code} is not one of 0 to {Ml1mOccupations.Length - 1}");
                }

                occupation = Ml1mOccupations[code];
            }

            users.Add(new MovieLensUser(id, age, gender, occupation, reader.FieldString(4)));
        }

        return users;
    }

    private static void ValidateHasUsers(MovieLensRelease release)
    {
        ReleaseFormat.Validate(release, nameof(release));
        if (ReleaseFormat.UsersFileName(release) is null)
        {
            throw new ArgumentException($"release is {release}, which has no users file; only Ml100k and Ml1m have one.", nameof(release));
        }
    }
}
