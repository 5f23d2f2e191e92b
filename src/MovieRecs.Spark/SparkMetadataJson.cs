using System.Text.Json;
using MovieRecs.Als;

namespace MovieRecs.Spark;

/// <summary>
/// Reads and writes the JSON line of <c>metadata/part-00000</c>: <c>class</c>, <c>timestamp</c>,
/// <c>sparkVersion</c>, <c>uid</c>, <c>paramMap</c>, <c>defaultParamMap</c> and, for an ALSModel, <c>rank</c>.
/// </summary>
internal static class SparkMetadataJson
{
    /// <summary>Metadata is a few hundred bytes; a larger file is not metadata.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The Spark release whose layout <see cref="Write"/> produces.</summary>
    public const string WrittenSparkVersion = "3.5.5";

    public static SparkModelMetadata Parse(ReadOnlySpan<byte> utf8, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw SparkErrors.Create(SparkModelError.InvalidMetadata, sourceName, $"not a JSON object: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"the metadata is a JSON {root.ValueKind}, not an object.");
            }

            var className = RequiredString(root, "class", sourceName);
            if (className != SparkModelDirectory.AlsModelClass)
            {
                SparkErrors.Throw(
                    SparkModelError.NotAlsModel,
                    sourceName,
                    $"the metadata describes a {className}, not an {SparkModelDirectory.AlsModelClass} (save the fitted model, not the estimator).");
            }

            var sparkVersion = RequiredString(root, "sparkVersion", sourceName);
            var uid = RequiredString(root, "uid", sourceName);
            var timestamp = RequiredInteger(root, "timestamp", sourceName, long.MinValue, long.MaxValue);
            var rank = (int)RequiredInteger(root, "rank", sourceName, 1, AlsOptions.MaxFactors);
            if (!root.TryGetProperty("paramMap", out var paramMap) || paramMap.ValueKind != JsonValueKind.Object)
            {
                SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, "the metadata has no \"paramMap\" object.");
            }

            var defaults = root.TryGetProperty("defaultParamMap", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            DateTimeOffset time;
            try
            {
                time = DateTimeOffset.FromUnixTimeMilliseconds(timestamp);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw SparkErrors.Create(SparkModelError.InvalidMetadata, sourceName, $"the timestamp {timestamp} is not a time.", e);
            }

            return new SparkModelMetadata
            {
                ClassName = className,
                SparkVersion = sparkVersion,
                Uid = uid,
                Timestamp = time,
                Rank = rank,
                UserColumn = Param(paramMap, defaults, "userCol", "user", sourceName),
                ItemColumn = Param(paramMap, defaults, "itemCol", "item", sourceName),
                ColdStartStrategy = Param(paramMap, defaults, "coldStartStrategy", "nan", sourceName),
            };
        }
    }

    /// <summary>The metadata line (with Spark's trailing newline) of a model saved with <paramref name="options"/>.</summary>
    public static byte[] Write(int rank, SparkModelSaveOptions options, DateTimeOffset timestamp, string uid)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("class", SparkModelDirectory.AlsModelClass);
            json.WriteNumber("timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteString("sparkVersion", WrittenSparkVersion);
            json.WriteString("uid", uid);
            json.WriteStartObject("paramMap");
            json.WriteNumber("blockSize", 4096);
            json.WriteString("coldStartStrategy", options.ColdStartStrategy);
            json.WriteString("userCol", options.UserColumn);
            json.WriteString("itemCol", options.ItemColumn);
            json.WriteEndObject();
            json.WriteStartObject("defaultParamMap");
            json.WriteNumber("blockSize", 4096);
            json.WriteString("coldStartStrategy", "nan");
            json.WriteString("predictionCol", "prediction");
            json.WriteString("userCol", "user");
            json.WriteString("itemCol", "item");
            json.WriteEndObject();
            json.WriteNumber("rank", rank);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>A new uid in Spark's form: the class's short name and 12 hexadecimal digits.</summary>
    public static string NewUid() =>
        "ALS_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));

    private static string RequiredString(JsonElement root, string name, string sourceName)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"the metadata has no \"{name}\".");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"\"{name}\" is a JSON {value.ValueKind}, not a string.");
        }

        return value.GetString()!;
    }

    private static long RequiredInteger(JsonElement root, string name, string sourceName, long min, long max)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"the metadata has no \"{name}\".");
        }

        long number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out number))
        {
            SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"\"{name}\" is {Describe(value)}, not an integer.");
        }

        if (number < min || number > max)
        {
            SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"\"{name}\" is {number}; it must be between {min} and {max}.");
        }

        return number;
    }

    private static string Param(JsonElement paramMap, JsonElement defaults, string name, string fallback, string sourceName)
    {
        if (paramMap.TryGetProperty(name, out var value) || (defaults.ValueKind == JsonValueKind.Object && defaults.TryGetProperty(name, out value)))
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                SparkErrors.Throw(SparkModelError.InvalidMetadata, sourceName, $"the parameter \"{name}\" is {Describe(value)}, not a string.");
            }

            return value.GetString()!;
        }

        return fallback;
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return value.ValueKind + " " + (text.Length > 40 ? text[..40] + "..." : text);
    }
}
