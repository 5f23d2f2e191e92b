using System.CommandLine;
using System.CommandLine.Parsing;

namespace MovieRecs.Cli;

/// <summary>
/// The one line that reports a command line System.CommandLine could not parse: an unknown command or option with
/// the nearest known one ("did you mean"), a stray argument, or the first error of an option.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var isRoot = result.CommandResult.Parent is null;
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (isRoot)
            {
                return $"unknown command {CliOptions.Quote(token)} ({Suggest(token, command.Subcommands.Select(c => c.Name)) ?? "try --help"})";
            }

            var arguments = string.Join(" ", command.Arguments.Select(a => a.Name));
            var takes = $"{command.Name} takes {(arguments.Length == 0 ? "no arguments" : arguments)} and options (see movierecs {command.Name} --help)";
            if (token.StartsWith('-') && token.Length > 1 && !double.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                var name = token.Split('=', ':')[0];
                if (OptionNames(result.CommandResult).Contains(name))
                {
                    // A known option left unmatched can only have come after "--".
                    return $"unexpected argument {CliOptions.Quote(token)} after '--' (every word after '--' is an argument): {takes}";
                }

                return $"unknown option {CliOptions.Quote(name)} for {command.Name} ({Suggest(name, OptionNames(result.CommandResult)) ?? $"see movierecs {command.Name} --help"})";
            }

            return $"unexpected argument {CliOptions.Quote(token)}: {takes}";
        }

        // An option given without its value, at the end of the line (.NET says "Required argument missing for
        // option"), comes first: a check of the command that reads it would only add to the confusion.
        foreach (var error in result.Errors)
        {
            if (error.SymbolResult is OptionResult { Implicit: false, Tokens.Count: 0 } given && given.Option.Arity.MinimumNumberOfValues > 0)
            {
                return $"{given.Option.Name} needs a value";
            }
        }

        return result.Errors[0].Message.ReplaceLineEndings(" ");
    }

    /// <summary>"did you mean 'x'?" for the known name nearest <paramref name="typed"/>, or null when none is near.</summary>
    private static string? Suggest(string typed, IEnumerable<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: Distance(typed, name)))
            .Where(c => c.Distance <= Math.Max(2, typed.Length / 3) || c.Name.StartsWith(typed, StringComparison.Ordinal) && typed.Length > 3)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return best is null ? null : $"did you mean {CliOptions.Quote(best)}?";
    }

    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        for (SymbolResult? at = command; at is CommandResult result; at = at.Parent)
        {
            foreach (var option in result.Command.Options)
            {
                if (at == command || option.Recursive)
                {
                    yield return option.Name;
                }
            }
        }
    }

    /// <summary>The Levenshtein distance: inserted, deleted and replaced characters.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
