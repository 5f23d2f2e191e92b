using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using MovieRecs.MovieLens;

namespace MovieRecs.Web.Serving;

/// <summary>
/// Holds the model the service answers with and swaps in a new one atomically. The data set (titles and ratings) is
/// loaded once; each model is loaded, checked against it and indexed off to the side, and only a model that passed
/// replaces the current one, by one reference write. A request reads <see cref="Current"/> once and uses that model to
/// the end, so requests in flight finish on the old model and later ones see the new one; a file that fails is
/// logged and the old model keeps serving.
/// </summary>
internal sealed partial class ModelHost
{
    private readonly ILogger<ModelHost> _logger;
    private readonly string _modelPath;
    private readonly MovieLensDataset _dataset;
    private readonly Dictionary<int, Movie> _movies;
    private readonly InteractionOptions _interactionOptions;
    private readonly Lock _reloading = new();
    private readonly Lock _statusLock = new();
    private ServedModel _current;
    private ReloadStatus _status = new(0, 0, null, null, null);
    private ModelStamp? _rejectedStamp;

    public ModelHost(IOptions<ServiceOptions> options, ILogger<ModelHost> logger)
    {
        _logger = logger;
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Model) || string.IsNullOrWhiteSpace(settings.Data))
        {
            throw new InvalidOperationException(
                "Give the model file and the MovieLens folder it was trained on: --model <file> --data <folder> (or MovieRecs:Model and MovieRecs:Data in the configuration).");
        }

        _modelPath = Path.GetFullPath(settings.Model);
        _interactionOptions = new InteractionOptions { MinRating = settings.MinRating };
        var clock = Stopwatch.StartNew();
        _dataset = MovieLensDataset.Load(settings.Data);
        _movies = _dataset.Movies.ToDictionary(m => m.Id);
        LogDataLoaded(_dataset.Folder, _dataset.Release, _dataset.Ratings.Count, _dataset.Movies.Count, clock.Elapsed.TotalSeconds);
        _current = Load(1, null, ModelStamp.Of(_modelPath));
        LogServing(_current.Path, _current.Format, _current.Version, _current.Recommender.Interactions.Users.Count, _current.Recommender.Interactions.Items.Count, _current.Recommender.Model.Factors, _current.LoadSeconds);
    }

    /// <summary>The model file, as a full path.</summary>
    public string ModelPath => _modelPath;

    /// <summary>The model to answer with; read it once per request.</summary>
    public ServedModel Current => Volatile.Read(ref _current);

    /// <summary>What became of the files seen since the start.</summary>
    public ReloadStatus Status => Volatile.Read(ref _status);

    /// <summary>The movie of the data set with this id.</summary>
    public Movie Movie(int id) => _movies[id];

    /// <summary>Looks up a movie of the data set, whether or not the model has it.</summary>
    public bool TryGetMovie(int id, [NotNullWhen(true)] out Movie? movie) => _movies.TryGetValue(id, out movie);

    /// <summary>Records that the model path changed: <c>/health</c> says <c>loading</c> until the change is loaded,
    /// found unchanged or rejected.</summary>
    public void NoteChange()
    {
        lock (_statusLock)
        {
            if (_status.ChangedAt is null)
            {
                Volatile.Write(ref _status, _status with { ChangedAt = DateTimeOffset.UtcNow });
            }
        }
    }

    /// <summary>Loads the model file again and swaps it in if it loads and belongs to the data set; otherwise logs why,
    /// counts a rejection (once per file: the same file seen again is not tried again) and keeps the current model.
    /// One reload runs at a time.</summary>
    /// <returns>Whether a new model was swapped in.</returns>
    public bool Reload()
    {
        var attempt = TryReload();
        if (attempt.Outcome == ReloadOutcome.Failed)
        {
            Reject(attempt);
        }

        return attempt.Outcome == ReloadOutcome.Swapped;
    }

    /// <summary>Loads the model path if it holds something other than the model served and the file last rejected,
    /// and swaps it in if it loads and belongs to the data set. A failure is returned, not yet counted or reported:
    /// the caller decides whether it is final (<see cref="Reject"/>) or the file is still being written.</summary>
    public ReloadAttempt TryReload()
    {
        lock (_reloading)
        {
            var current = Current;
            var stamp = ModelStamp.Of(_modelPath);
            if (stamp == current.Stamp)
            {
                // The path holds the model served again (a rejected file was replaced by the one served before it).
                _rejectedStamp = null;
                UpdateStatus(status => status with { LastRejectedAt = null, LastRejection = null, ChangedAt = null });
                return new ReloadAttempt(ReloadOutcome.Unchanged, stamp, null);
            }

            if (stamp == _rejectedStamp)
            {
                UpdateStatus(status => status with { ChangedAt = null });
                return new ReloadAttempt(ReloadOutcome.StillRejected, stamp, null);
            }

            ServedModel next;
            try
            {
                next = Load(current.Version + 1, current, stamp);
            }

            // Whatever a new file does wrong (damaged, truncated, of another data set, unreadable, or a reader's bug),
            // the service keeps answering with the model it has.
            catch (Exception e)
            {
                return new ReloadAttempt(ReloadOutcome.Failed, stamp, e);
            }

            Volatile.Write(ref _current, next);
            _rejectedStamp = null;
            UpdateStatus(status => status with { Swapped = status.Swapped + 1, LastRejectedAt = null, LastRejection = null, ChangedAt = null });
            LogSwapped(next.Path, next.Format, next.Version, current.Version, next.LoadSeconds);
            return new ReloadAttempt(ReloadOutcome.Swapped, stamp, null);
        }
    }

    /// <summary>Counts and reports a failed attempt as the rejection of the file it read; the same file is not tried
    /// again until the path changes.</summary>
    public void Reject(ReloadAttempt attempt)
    {
        var error = attempt.Error ?? throw new ArgumentException("Only a failed attempt is rejected.", nameof(attempt));
        lock (_reloading)
        {
            _rejectedStamp = attempt.Stamp;
            UpdateStatus(status => status with { Rejected = status.Rejected + 1, LastRejectedAt = DateTimeOffset.UtcNow, LastRejection = error.Message, ChangedAt = null });
            LogRejected(error, _modelPath, error.Message, Current.Version);
        }
    }

    private void UpdateStatus(Func<ReloadStatus, ReloadStatus> change)
    {
        lock (_statusLock)
        {
            Volatile.Write(ref _status, change(_status));
        }
    }

    /// <summary>Loads the model file; a model with the ids of <paramref name="previous"/>'s (retrained on the same data)
    /// shares its interaction matrix and titles, so only the file is read.</summary>
    private ServedModel Load(int version, ServedModel? previous, ModelStamp stamp)
    {
        var clock = Stopwatch.StartNew();
        var format = ModelFormats.For(_modelPath);
        var content = format.Load(_modelPath);
        var recommender = MovieRecommender.FromModelFile(content, _dataset, _interactionOptions, previous?.Recommender);
        return new ServedModel(recommender, version, _modelPath, format.Name, DateTimeOffset.UtcNow, clock.Elapsed.TotalSeconds, stamp);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Folder} ({Release}): {Ratings} ratings, {Movies} movies in {Seconds:F2} s")]
    private partial void LogDataLoaded(string folder, MovieLensRelease release, int ratings, int movies, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Path} ({Format}) as version {Version}: {Users} users, {Movies} movies, {Factors} factors, loaded in {Seconds:F2} s")]
    private partial void LogServing(string path, string format, int version, int users, int movies, int factors, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swapped in {Path} ({Format}) as version {Version}, replacing version {Previous}; loaded in {Seconds:F2} s")]
    private partial void LogSwapped(string path, string format, int version, int previous, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rejected the new model file {Path}: {Reason} Still serving version {Version}.")]
    private partial void LogRejected(Exception exception, string path, string reason, int version);
}
