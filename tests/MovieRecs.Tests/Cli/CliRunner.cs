namespace MovieRecs.Tests.Cli;

/// <summary>Runs the <c>movierecs</c> tool in-process, capturing what it writes.</summary>
internal static class CliRunner
{
    /// <summary>The exit code and the standard output and error text of one command line.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = MovieRecs.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
