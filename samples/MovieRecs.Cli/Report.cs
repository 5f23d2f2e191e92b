using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MovieRecs.Evaluation;

namespace MovieRecs.Cli;

/// <summary>
/// What a command prints: tables and lines (text mode) or values (JSON mode, camelCase keys), and in both the time
/// of each stage in seconds; written once, at the end.
/// </summary>
internal sealed class Report(bool json)
{
    /// <summary>JSON as it reads: quotes, apostrophes and letters beyond ASCII written as themselves.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<string> _lines = [];
    private readonly JsonObject _values = [];
    private readonly JsonObject _stages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public bool Json => json;

    /// <summary>Ends a stage: the time since the previous one.</summary>
    public void Stage(string name)
    {
        Stage(name, _clock.Elapsed);
        _clock.Restart();
    }

    public void Stage(string name, TimeSpan elapsed) => _stages[name] = Math.Round(elapsed.TotalSeconds, 4);

    /// <summary>Starts timing afresh, leaving out what came before (time already reported another way).</summary>
    public void Restart() => _clock.Restart();

    public void Value(string name, JsonNode? value) => _values[name] = value;

    public void Line(string text) => _lines.Add(text);

    public void Table(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Format(string[] cells) => string.Join("  ", cells.Select((c, i) =>
            i == cells.Length - 1 ? c : double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? c.PadLeft(widths[i]) : c.PadRight(widths[i])));
        _lines.Add(Format(header));
        _lines.Add(string.Join("  ", widths.Select(w => new string('-', w))));
        _lines.AddRange(rows.Select(Format));
    }

    public void Flush(TextWriter output)
    {
        if (json)
        {
            _values["stageSeconds"] = _stages;
            output.WriteLine(_values.ToJsonString(JsonOptions));
            return;
        }

        _lines.ForEach(output.WriteLine);
        output.WriteLine(string.Join(", ", _stages.Select(s => $"{s.Key} {s.Value!.GetValue<double>().ToString("F2", CultureInfo.InvariantCulture)} s")));
    }

    /// <summary>A number for JSON, or null where it is not finite (JSON has no NaN or infinity).</summary>
    public static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>Ranking metrics with camelCase keys.</summary>
    public static JsonObject Metrics(RankingMetrics m) => new()
    {
        ["k"] = m.K,
        ["userCount"] = m.UserCount,
        ["hits"] = m.Hits,
        ["implicitPrecision"] = Number(m.ImplicitPrecision),
        ["precision"] = Number(m.Precision),
        ["recall"] = Number(m.Recall),
        ["meanAveragePrecision"] = Number(m.MeanAveragePrecision),
        ["ndcg"] = Number(m.Ndcg),
        ["auc"] = Number(m.Auc),
    };
}
