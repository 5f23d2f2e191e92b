namespace MovieRecs.Web.Serving;

/// <summary>
/// The service's settings, from the <c>MovieRecs</c> configuration section: <c>--model</c> and <c>--data</c> on the
/// command line, <c>MovieRecs__Model</c> in the environment, or appsettings.json.
/// </summary>
internal sealed class ServiceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "MovieRecs";

    /// <summary>The model file (the library's format, or <c>implicit</c>'s <c>.npz</c>; see <see cref="ModelFormats"/>).</summary>
    public string? Model { get; set; }

    /// <summary>The MovieLens release folder the model was trained on: its movies give the titles, its ratings the
    /// users' liked movies.</summary>
    public string? Data { get; set; }

    /// <summary>The rating threshold the model's interaction matrix was built with (default 3, the library's and the
    /// <c>movierecs train</c> default).</summary>
    public float MinRating { get; set; } = 3f;

    /// <summary>Whether to reload the model when its file is replaced (default on).</summary>
    public bool WatchModel { get; set; } = true;

    /// <summary>How long the model file must stay unchanged before it is reloaded, in milliseconds (default 500): a
    /// file copied in place is read once, when the copy is done.</summary>
    public int ReloadDelayMilliseconds { get; set; } = 500;

    /// <summary>How long a model file that could not be loaded must stay unchanged before it is tried once more, in
    /// milliseconds (default 5000): a file still being written (a slow copy that pauses longer than
    /// <see cref="ReloadDelayMilliseconds"/>) is not rejected while it keeps changing; one that fails again after this
    /// quiet time is rejected.</summary>
    public int RetryDelayMilliseconds { get; set; } = 5000;

    /// <summary>The largest <c>count</c> a request may ask for (default 100).</summary>
    public int MaxCount { get; set; } = 100;

    /// <summary>The largest request body, in bytes (default 16 KiB); a larger one is answered 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>How many requests that match titles (<c>GET /movies/search</c>, <c>POST /recommendations</c>) run at
    /// once (default: half the processors, at least 1). Matching costs time in proportion to the titles and the
    /// catalogue, so this keeps cores for the other endpoints.</summary>
    public int MaxConcurrentTitleMatching { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How many more such requests wait for their turn (default 16); beyond that they are answered 503 with
    /// <c>Retry-After</c> at once.</summary>
    public int TitleMatchingQueue { get; set; } = 16;

    /// <summary>The most titles and movie ids one new user may like (default 100).</summary>
    public int MaxLiked { get; set; } = 100;
}
