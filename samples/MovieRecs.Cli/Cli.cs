using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.Json.Nodes;
using MovieRecs.Internal;

namespace MovieRecs.Cli;

/// <summary>The <c>movierecs</c> tool. <see cref="Run"/> is the whole program, so tests call it in-process.</summary>
internal static partial class Cli
{
    /// <summary>The width help text is wrapped at, whatever the terminal, so that docs/cli.md can show it exactly.</summary>
    private const int HelpWidth = 110;

    /// <summary>The command tree, for tests that walk every command and option.</summary>
    internal static RootCommand CommandTree() => new Cli.Commands(TextWriter.Null, CancellationToken.None).Root;

    /// <summary>
    /// Runs one command line: 0 success, 1 a mistake in the command line or the data, 2 no command given, 70 an
    /// unexpected failure, 130 interrupted (Ctrl+C during <c>generate</c>, or <paramref name="cancellationToken"/>).
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var json = false;
        try
        {
            var cli = new Cli.Commands(output, cancellationToken);
            args = CliOptions.KeepEmptyValues(args, cli.Root);
            var parsed = cli.Root.Parse(args);
            json = parsed.GetValue(cli.Json);
            if (CliOptions.ForgottenValue(args, cli.Root) is { } forgotten)
            {
                throw new UsageException(forgotten);
            }

            if (parsed.Action is ParseErrorAction)
            {
                if (parsed.CommandResult.Command == cli.Root && parsed.UnmatchedTokens.Count == 0)
                {
                    if (!json)
                    {
                        cli.Root.Parse("--help").Invoke(new InvocationConfiguration { Output = output, Error = error });
                    }

                    return Fail(output, error, json, "no command given (try --help)", 2);
                }

                throw new UsageException(ParseErrors.Describe(parsed));
            }

            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException e)
        {
            return Fail(output, error, json, e.Message, 130);
        }
        catch (Exception e) when (e is UsageException or InvalidDataException or IOException or ArgumentException or KeyNotFoundException
                                      or UnauthorizedAccessException or FormatException or OverflowException or ArithmeticException)
        {
            return Fail(output, error, json, OneLine(e), 1);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still one line, never a stack trace; a distinct exit code marks it as unexpected.
            return Fail(output, error, json, $"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]}", 70);
        }
    }

    /// <summary>The one-line message on standard error and, with <c>--json</c>, the same as a JSON object on standard output.</summary>
    private static int Fail(TextWriter output, TextWriter error, bool json, string message, int code)
    {
        // A path or value echoed by .NET's own messages may hold control characters; the tool's and the library's
        // messages are escaped already (a backslash is left as it is, so nothing is escaped twice).
        message = MessageText.Escape(message);
        error.WriteLine($"movierecs: {message}");
        if (json)
        {
            output.WriteLine(new JsonObject { ["error"] = message, ["exitCode"] = code }.ToJsonString(Report.JsonOptions));
        }

        return code;
    }

    // The message's first line, without the " (Parameter 'name')" that ArgumentException appends: the name is the
    // library's, not an option of the tool, and the message already says what is wrong.
    private static string OneLine(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
        {
            message = message[..^$" (Parameter '{name}')".Length];
        }

        return message.Split('\n')[0].TrimEnd('\r');
    }

    /// <summary>
    /// System.CommandLine's help, wrapped at a fixed width, naming the tool <c>movierecs</c> however it was started
    /// (<c>dotnet MovieRecs.Cli.dll</c>, a test host), and followed by the command's examples.
    /// </summary>
    private sealed class HelpWithExamples(IReadOnlyDictionary<Command, string[]> examples) : SynchronousCommandLineAction
    {
        private readonly HelpAction _help = new() { MaxWidth = HelpWidth };

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            var text = new StringWriter();
            configuration.Output = text;
            try
            {
                _help.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }

            var lines = text.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            var usage = Array.IndexOf(lines, "Usage:") + 1;
            var executable = RootCommand.ExecutableName;
            if (usage > 0 && usage < lines.Length && lines[usage].StartsWith($"  {executable}", StringComparison.Ordinal))
            {
                lines[usage] = "  movierecs" + lines[usage][(executable.Length + 2)..];
            }

            foreach (var line in lines)
            {
                output.WriteLine(line.TrimEnd());
            }

            if (examples.TryGetValue(parseResult.CommandResult.Command, out var commandExamples))
            {
                output.WriteLine();
                output.WriteLine("Examples:");
                foreach (var example in commandExamples)
                {
                    output.WriteLine($"  {example}");
                }
            }

            return 0;
        }
    }
}
