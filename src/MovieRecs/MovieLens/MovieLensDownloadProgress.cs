namespace MovieRecs.MovieLens;

/// <summary>Progress of <see cref="MovieLensDownloader.EnsureAsync"/>.</summary>
/// <param name="Release">The release being made available.</param>
/// <param name="Stage">What is happening now.</param>
/// <param name="BytesDone">Bytes downloaded (while downloading) or extracted (while extracting) so far.</param>
/// <param name="BytesTotal">The total when known (the HTTP content length, or the zip's declared size), else <see langword="null"/>.</param>
public readonly record struct MovieLensDownloadProgress(
    MovieLensRelease Release,
    MovieLensDownloadStage Stage,
    long BytesDone,
    long? BytesTotal);
