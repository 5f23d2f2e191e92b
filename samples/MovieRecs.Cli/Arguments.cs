using System.Globalization;
using System.Text;
using MovieRecs.Als;

namespace MovieRecs.Cli;

/// <summary>A command, its positional arguments and its <c>--name value...</c> options (an option may take several values).</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["json", "help"];

    /// <summary>The numeric options of every command and the values each accepts (<c>--plot-size</c> and <c>--sweep</c> have their own syntax).</summary>
    private static readonly Dictionary<string, NumberOption> Numbers = new(StringComparer.Ordinal)
    {
        ["user"] = Whole(0),
        ["movie"] = Whole(0),
        ["count"] = Whole(1),
        ["k"] = Whole(1),
        ["seed"] = Whole(int.MinValue),
        ["factors"] = Whole(1, AlsOptions.MaxFactors),
        ["iterations"] = Whole(0),
        ["cg-steps"] = Whole(1),
        ["threads"] = new(NumberKind.Whole, value => value is -1 or (>= 1 and <= int.MaxValue), "-1 (all cores) or a whole number from 1 to 2147483647"),
        ["regularization"] = new(NumberKind.Double, value => value >= 0, "a finite number, 0 or more"),
        ["alpha"] = new(NumberKind.Double, value => value > 0, "a finite number above 0"),
        ["min-rating"] = new(NumberKind.Single, _ => true, "a finite number"),
        ["test-fraction"] = new(NumberKind.Double, value => value is >= 0 and <= 1, "a number from 0 to 1"),
    };

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    private Arguments()
    {
    }

    public string? Command { get; private set; }

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        string? current = null;
        foreach (var arg in args)
        {
            if (arg is "-h")
            {
                parsed._options["help"] = [];
                current = null;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                parsed._options[name] = [];
                current = Flags.Contains(name) ? null : name;
            }
            else if (current is not null)
            {
                parsed._options[current].Add(arg);
            }
            else if (parsed.Command is null)
            {
                parsed.Command = arg;
            }
            else
            {
                parsed._positional.Add(arg);
            }
        }

        if (parsed.Command is not null && !parsed.Has("help"))
        {
            parsed.CheckNumbers();
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) =>
        _options.TryGetValue(name, out var values) ? values.Count == 1 ? values[0] : throw new UsageException($"--{name} takes one value") : null;

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var values) ? values : [];

    public string Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new UsageException($"{Command} needs {what} (try --help)");

    public int Int(string name, int fallback) => Get(name) is { } text ? (int)Number(name, text) : fallback;

    public float Float(string name, float fallback) => Get(name) is { } text ? (float)Number(name, text) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } text ? Number(name, text) : fallback;

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

    /// <summary>Checks every numeric option given, so that a mistake is reported before any data is read.</summary>
    private void CheckNumbers()
    {
        foreach (var name in _options.Keys)
        {
            if (Numbers.ContainsKey(name))
            {
                Number(name, Get(name)!);
            }
        }
    }

    /// <summary>The value of a numeric option, or a <see cref="UsageException"/> naming the option, the value and what it accepts.</summary>
    private static double Number(string name, string text)
    {
        var option = Numbers.TryGetValue(name, out var found) ? found : throw new InvalidOperationException($"--{name} is not a numeric option");

        // No white space, thousands separators or hex; whole numbers are digits only (no point, exponent, NaN). A number
        // beyond the type's range still parses (as a double, or infinity), so that it is reported as out of range.
        var whole = option.Kind == NumberKind.Whole;
        var styles = whole ? NumberStyles.AllowLeadingSign : NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if ((whole && text.AsSpan().TrimStart("+-").ContainsAnyExceptInRange('0', '9'))
            || !double.TryParse(text, styles, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"--{name} expects {option.Expected}, not {Quote(text)}");
        }

        value = option.Kind == NumberKind.Single ? float.Parse(text, styles, CultureInfo.InvariantCulture) : value;
        return double.IsFinite(value) && option.Accepts(value)
            ? value
            : throw new UsageException($"--{name} {Quote(text)} is out of range: expected {option.Expected}");
    }

    private static NumberOption Whole(int minimum, int maximum = int.MaxValue) =>
        new(NumberKind.Whole, value => value >= minimum && value <= maximum, string.Create(CultureInfo.InvariantCulture, $"a whole number from {minimum} to {maximum}"));

    private enum NumberKind
    {
        Whole,
        Single,
        Double,
    }

    /// <summary>How a numeric option is parsed, the (finite) values it accepts and how they are described.</summary>
    private sealed record NumberOption(NumberKind Kind, Func<double, bool> Accepts, string Expected);
}
