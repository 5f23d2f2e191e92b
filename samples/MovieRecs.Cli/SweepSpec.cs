using System.Globalization;
using MovieRecs.Als;

namespace MovieRecs.Cli;

/// <summary>
/// What <c>evaluate --sweep</c> varies: <c>iterations=1..15</c> or <c>factors=16,32,64,128</c>; a list may mix single
/// values and ranges (<c>iterations=0..5,10,15</c>). Values are whole numbers in increasing order.
/// </summary>
internal sealed record SweepSpec(string Parameter, IReadOnlyList<int> Values)
{
    public const string Iterations = "iterations";
    public const string Factors = "factors";
    public const int MaxPoints = 200;
    public const int MaxIterations = 10_000;

    public static SweepSpec Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw new UsageException($"--sweep expects iterations=FROM..TO or factors=N,N,... (e.g. iterations=1..15), not {CliOptions.Quote(text)}");
        }

        var name = text[..equals].Trim();
        var (minimum, maximum) = name switch
        {
            Iterations => (0, MaxIterations),
            Factors => (1, AlsOptions.MaxFactors),
            _ => throw new UsageException($"--sweep varies iterations or factors, not {CliOptions.Quote(name)}"),
        };

        var values = new List<int>();
        foreach (var item in text[(equals + 1)..].Split(','))
        {
            var range = item.Split("..");
            if (range.Length > 2)
            {
                throw new UsageException($"--sweep {name}: {CliOptions.Quote(item)} is not a number or a range FROM..TO");
            }

            var from = Number(name, range[0], item, minimum, maximum);
            var to = range.Length == 2 ? Number(name, range[1], item, minimum, maximum) : from;
            if (to < from)
            {
                throw new UsageException($"--sweep {name}: the range {item} runs backwards");
            }

            if (values.Count + ((long)to - from + 1) > MaxPoints)
            {
                throw new UsageException($"--sweep {name}: at most {MaxPoints} points");
            }

            for (var value = from; value <= to; value++)
            {
                if (values.Count > 0 && value <= values[^1])
                {
                    throw new UsageException($"--sweep {name}: values must increase, but {value} follows {values[^1]}");
                }

                values.Add(value);
            }
        }

        return new SweepSpec(name, values);
    }

    private static int Number(string name, string text, string item, int minimum, int maximum)
    {
        text = text.Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException(text.Length > 0 && text.All(char.IsAsciiDigit)
                ? $"--sweep {name}: {text} is outside {minimum}..{maximum}"
                : $"--sweep {name}: {CliOptions.Quote(item)} is not a whole number or a range FROM..TO");
        }

        return value >= minimum && value <= maximum
            ? value
            : throw new UsageException($"--sweep {name}: {value} is outside {minimum}..{maximum}");
    }
}
