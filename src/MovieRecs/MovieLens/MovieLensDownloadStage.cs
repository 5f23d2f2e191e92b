namespace MovieRecs.MovieLens;

/// <summary>The stage a <see cref="MovieLensDownloader"/> reports in a <see cref="MovieLensDownloadProgress"/>.</summary>
public enum MovieLensDownloadStage
{
    /// <summary>The zip file is being downloaded.</summary>
    Downloading,

    /// <summary>The download is being checked against its MD5 checksum.</summary>
    Verifying,

    /// <summary>The zip file is being extracted.</summary>
    Extracting,

    /// <summary>The release folder is in place.</summary>
    Completed,
}
