using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using MovieRecs.Als;

namespace MovieRecs.Cli;

/// <summary>
/// Typed options whose values are checked while the command line is parsed, before any data is read: a mistake
/// names the option, the value as given (control characters escaped) and what the option accepts.
/// </summary>
internal static class CliOptions
{
    public static Option<int> Id(string name, string description) =>
        Whole(name, description, "ID", 0);

    public static Option<int> Count(string name, string description, int fallback) =>
        Whole(name, description, "N", 1, fallback: fallback);

    public static Option<int> Seed(string description) =>
        Whole("--seed", description, "N", int.MinValue, fallback: 42);

    public static Option<int> Factors() =>
        Whole("--factors", "Latent factors per user and movie.", "N", 1, AlsOptions.MaxFactors, fallback: 100);

    public static Option<int> Iterations() =>
        Whole("--iterations", "ALS iterations.", "N", 0, fallback: 15);

    public static Option<int> CgSteps() =>
        Whole("--cg-steps", "Conjugate-gradient steps per row and iteration.", "N", 1, fallback: 3);

    public static Option<int> Threads() =>
        Number("--threads", "Parallel degree, -1 for all cores; results are bit-identical for any count.", "N", NumberKind.Whole,
            value => value is -1 or (>= 1 and <= int.MaxValue), "-1 (all cores) or a whole number from 1 to 2147483647", -1, value => (int)value);

    public static Option<double> Regularization() =>
        Number("--regularization", "L2 penalty on the factors.", "X", NumberKind.Double, value => value >= 0, "a finite number, 0 or more", 0.01, value => value);

    public static Option<double> LearningRate() =>
        Number("--learning-rate", "BPR and logistic MF (lmf): the step size (default 0.01 for BPR, 1.0 for lmf). For BPR --iterations defaults to 100; for lmf --factors, --regularization and --iterations default to 30, 0.6 and 30, as implicit.", "X", NumberKind.Double,
            value => value > 0 && float.IsFinite((float)value) && (float)value > 0, "a finite number above 0", 0.01, value => value);

    public static Option<double> Alpha() =>
        Number("--alpha", "Confidence per unit of rating.", "X", NumberKind.Double, value => value > 0, "a finite number above 0", 1.0, value => value);

    public static Option<float> MinRating(string description) =>
        Number("--min-rating", description, "X", NumberKind.Single, _ => true, "a finite number", 3f, value => (float)value);

    public static Option<double> TestFraction() =>
        Number("--test-fraction", "Fraction of each user's ratings held out at random (the default split).", "X", NumberKind.Double,
            value => value is >= 0 and <= 1, "a number from 0 to 1", 0.2, value => value);

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object (values and stage timings) instead of tables.", Recursive = true };

    /// <summary>An option that takes one of <paramref name="values"/>, offered as completions.</summary>
    public static Option<string> Choice(string name, string description, string[] values, string? fallback = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', values),
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : fallback;
                if (text is null || Array.IndexOf(values, text) >= 0)
                {
                    return text;
                }

                result.AddError($"{name} expects {string.Join(", ", values[..^1])} or {values[^1]}, not {Quote(text)}");
                return null;
            },
        };
        option.CompletionSources.Add(values);
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return option;
    }

    /// <summary>An option whose text is turned into a value by <paramref name="parse"/>, which throws a <see cref="UsageException"/> on a mistake.</summary>
    public static Option<T> Parsed<T>(string name, string description, string helpName, Func<string, T> parse)
    {
        return new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                try
                {
                    return result.Tokens.Count == 0 ? default : parse(result.Tokens[0].Value);
                }
                catch (UsageException e)
                {
                    result.AddError(e.Message);
                    return default;
                }
            },
        };
    }

    /// <summary>Refuses an empty or blank value (a path or a title), which .NET would report without naming the option.</summary>
    public static TOption NotEmpty<TOption>(TOption option)
        where TOption : Option
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError($"{option.Name} needs a value, not {Quote(result.Tokens.First(token => string.IsNullOrWhiteSpace(token.Value)).Value)}");
            }
        });
        return option;
    }

    /// <summary>Refuses an empty or blank argument (a path), which .NET would report without naming it.</summary>
    public static Argument<string> NotEmpty(Argument<string> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Any(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError($"{argument.Name} needs a path, not {Quote(result.Tokens[0].Value)}");
            }
        });
        return argument;
    }

    /// <summary>True when <paramref name="option"/> was given on the command line (not merely defaulted).</summary>
    public static bool Given(this CommandResult command, Option option) => command.GetResult(option) is { Implicit: false };

    /// <summary>True when <paramref name="option"/> was given on the command line (not merely defaulted).</summary>
    public static bool Given(this ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The one value <paramref name="option"/> was given as typed, or null: for a command's validator, where
    /// <c>GetValue</c> throws for an option given without its value (<c>--model</c> last, <c>--out=</c>), which the
    /// parser reports on its own.
    /// </summary>
    public static string? GivenText(this CommandResult command, Option option) =>
        command.GetResult(option) is { Tokens: [var only] } ? only.Value : null;

    /// <summary>
    /// <paramref name="args"/> with each <c>--name=</c> or <c>--name:</c> of an option that takes a value split into
    /// the name and an empty value. System.CommandLine drops an empty value after '=' or ':' and takes the next word
    /// instead (<c>--data= --user 1</c> read <c>--user</c> as the data and <c>1</c> as a stray argument); kept, the
    /// empty value is refused as <c>--data ''</c> is. Words after <c>--</c> are arguments and stay as they are.
    /// </summary>
    public static string[] KeepEmptyValues(string[] args, Command root)
    {
        var names = OptionNames(root, valuesOnly: true);
        var kept = new List<string>(args.Length);
        var arguments = false;
        foreach (var arg in args)
        {
            if (!arguments && arg.Length > 1 && arg[^1] is '=' or ':' && names.Contains(arg[..^1]))
            {
                kept.Add(arg[..^1]);
                kept.Add(string.Empty);
                continue;
            }

            arguments |= arg == "--";
            kept.Add(arg);
        }

        return [.. kept];
    }

    /// <summary>
    /// The error for an option that needs a value but is followed by another option, its own value forgotten
    /// (<c>--data --user 1</c>, <c>--count --json</c>): System.CommandLine gives such an option the next word, whatever
    /// it is, so the other option was lost and the word after it reported as a stray argument. Also one last on the
    /// line, where a check of the command could otherwise be reported instead. Words after <c>--</c> are arguments.
    /// Null when there is none.
    /// </summary>
    public static string? ForgottenValue(string[] args, Command root)
    {
        var names = OptionNames(root, valuesOnly: false);
        var takeValues = OptionNames(root, valuesOnly: true);
        for (var i = 0; i < args.Length && args[i] != "--"; i++)
        {
            if (!takeValues.Contains(args[i]))
            {
                continue;
            }

            if (i + 1 == args.Length)
            {
                return $"{args[i]} needs a value";
            }

            var next = args[i + 1];
            var end = next.AsSpan().IndexOfAny('=', ':');
            if (names.Contains(next) || (end > 0 && names.Contains(next[..end])))
            {
                return $"{args[i]} needs a value, not the option {Quote(next)}";
            }
        }

        return null;
    }

    /// <summary>The names and aliases of the options of <paramref name="root"/> and of every command under it (with
    /// <paramref name="valuesOnly"/>, of those that take a value).</summary>
    private static HashSet<string> OptionNames(Command root, bool valuesOnly)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Add(root);
        return names;

        void Add(Command command)
        {
            foreach (var option in command.Options.Where(option => !valuesOnly || option.Arity.MinimumNumberOfValues > 0))
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (var subcommand in command.Subcommands)
            {
                Add(subcommand);
            }
        }
    }

    /// <summary><paramref name="text"/> in single quotes, its control characters escaped, for echoing in a one-line message.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('\'').ToString();
    }

    private static Option<int> Whole(string name, string description, string helpName, int minimum, int maximum = int.MaxValue, int? fallback = null) =>
        Number(name, description, helpName, NumberKind.Whole, value => value >= minimum && value <= maximum,
            string.Create(CultureInfo.InvariantCulture, $"a whole number from {minimum} to {maximum}"), fallback, value => (int)value);

    private static Option<T> Number<T>(
        string name, string description, string helpName, NumberKind kind, Func<double, bool> accepts, string expected, T? fallback, Func<double, T> convert)
        where T : struct
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return fallback ?? default;
                }

                var text = result.Tokens[0].Value;
                if (TryParse(text, kind, out var value, out var outOfRange) && accepts(value))
                {
                    return convert(value);
                }

                result.AddError(outOfRange || double.IsFinite(value)
                    ? $"{name} {Quote(text)} is out of range: expected {expected}"
                    : $"{name} expects {expected}, not {Quote(text)}");
                return default;
            },
        };
        if (fallback is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    /// <summary>
    /// Parses a plain number: no white space, thousands separators or hex; whole numbers are digits only (no point,
    /// exponent, NaN). A number beyond the type's range still parses (as a double, or infinity) so that it is
    /// reported as out of range, as are NaN and infinities where fractions are allowed.
    /// </summary>
    private static bool TryParse(string text, NumberKind kind, out double value, out bool outOfRange)
    {
        outOfRange = false;
        var whole = kind == NumberKind.Whole;
        var styles = whole ? NumberStyles.AllowLeadingSign : NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if ((whole && text.AsSpan().TrimStart("+-").ContainsAnyExceptInRange('0', '9'))
            || !double.TryParse(text, styles, CultureInfo.InvariantCulture, out value))
        {
            value = double.NaN;
            return false;
        }

        value = kind == NumberKind.Single ? float.Parse(text, styles, CultureInfo.InvariantCulture) : value;
        outOfRange = !double.IsFinite(value);
        return !outOfRange;
    }

    private enum NumberKind
    {
        Whole,
        Single,
        Double,
    }
}
