using System.Globalization;

namespace MovieRecs.Cli;

/// <summary>A command, its positional arguments and its <c>--name value...</c> options (an option may take several values).</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["json", "help"];
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

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) =>
        _options.TryGetValue(name, out var values) ? values.Count == 1 ? values[0] : throw new UsageException($"--{name} takes one value") : null;

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var values) ? values : [];

    public string Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new UsageException($"{Command} needs {what} (try --help)");

    public int Int(string name, int fallback) => Get(name) is { } text ? Parse(name, text, int.Parse) : fallback;

    public float Float(string name, float fallback) => Get(name) is { } text ? Parse(name, text, float.Parse) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } text ? Parse(name, text, double.Parse) : fallback;

    private static T Parse<T>(string name, string text, Func<string, NumberStyles, IFormatProvider, T> parse)
    {
        try
        {
            return parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new UsageException($"--{name} expects a number, not '{text}'");
        }
    }
}
