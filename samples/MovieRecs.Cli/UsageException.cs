namespace MovieRecs.Cli;

/// <summary>A mistake on the command line: reported as one line, exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
