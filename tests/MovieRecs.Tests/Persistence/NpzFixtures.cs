using System.Text.Json;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>
/// The .npy/.npz fixtures written by numpy (tests/fixtures-src/make_npz_fixtures.py) and the expected.json that
/// lists, for each, numpy's dtype, shape and C-order values or the error kind it must raise.
/// </summary>
internal static class NpzFixtures
{
    private static readonly Lazy<JsonDocument> ExpectedDocument = new(() =>
        JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz");

    public static string PathOf(string name) => Path.Combine(Folder, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonElement Expected(string name) => ExpectedDocument.Value.RootElement.GetProperty(name);

    public static IEnumerable<string> Names(string kind) =>
        ExpectedDocument.Value.RootElement.EnumerateObject()
            .Where(p => p.Value.GetProperty("kind").GetString() == kind)
            .Select(p => p.Name);

    public static TheoryData<string> NamesData(string kind) => new(Names(kind));

    /// <summary>The array a fixture record describes, built from its values alone (not by any reader).</summary>
    public static NpyArray CreateExpected(JsonElement record, bool floatsToSingle = false)
    {
        var shape = record.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var values = record.GetProperty("values").EnumerateArray().ToArray();
        var dtype = record.GetProperty("dtype").GetString();
        if (floatsToSingle && dtype is "float64" or "float16")
        {
            dtype = "float32";
        }

        return dtype switch
        {
            "bool" => NpyArray.Create<bool>(values.Select(v => v.GetBoolean()).ToArray(), shape),
            "int8" => NpyArray.Create<sbyte>(values.Select(v => v.GetSByte()).ToArray(), shape),
            "uint8" => NpyArray.Create<byte>(values.Select(v => v.GetByte()).ToArray(), shape),
            "int16" => NpyArray.Create<short>(values.Select(v => v.GetInt16()).ToArray(), shape),
            "uint16" => NpyArray.Create<ushort>(values.Select(v => v.GetUInt16()).ToArray(), shape),
            "int32" => NpyArray.Create<int>(values.Select(v => v.GetInt32()).ToArray(), shape),
            "uint32" => NpyArray.Create<uint>(values.Select(v => v.GetUInt32()).ToArray(), shape),
            "int64" => NpyArray.Create<long>(values.Select(v => v.GetInt64()).ToArray(), shape),
            "uint64" => NpyArray.Create<ulong>(values.Select(v => v.GetUInt64()).ToArray(), shape),
            "float16" => NpyArray.Create<Half>(values.Select(v => (Half)v.GetDouble()).ToArray(), shape),
            "float32" => NpyArray.Create<float>(values.Select(v => (float)v.GetDouble()).ToArray(), shape),
            "float64" => NpyArray.Create<double>(values.Select(v => v.GetDouble()).ToArray(), shape),
            "str" => NpyArray.Create<string>(values.Select(v => v.GetString()!).ToArray(), shape),
            _ => throw new InvalidOperationException($"Unknown fixture dtype {dtype}."),
        };
    }

    /// <summary>Asserts that a reader call throws the documented exception with the given kind and source.</summary>
    public static ModelFileException AssertRejected(ModelFileError expected, Action read, string? source = null)
    {
        var exception = Assert.Throws<ModelFileException>(read);
        Assert.Equal(expected, exception.Kind);
        Assert.Contains(expected.ToString(), exception.Message, StringComparison.Ordinal);
        if (source is not null)
        {
            Assert.Equal(source, exception.SourceName);
            Assert.StartsWith(source + ":", exception.Message, StringComparison.Ordinal);
        }

        return exception;
    }
}

/// <summary>Hand-made .npy bytes for hostile-input tests.</summary>
internal static class NpyBytes
{
    /// <summary>Magic, version, little-endian header length, the header text as given, then the payload.</summary>
    public static byte[] Build(string header, ReadOnlySpan<byte> payload = default, byte major = 1, byte minor = 0, long? declaredLength = null)
    {
        var text = major == 3 ? System.Text.Encoding.UTF8.GetBytes(header) : System.Text.Encoding.Latin1.GetBytes(header);
        var lengthBytes = major == 1 ? 2 : 4;
        var result = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, minor };
        var length = declaredLength ?? text.Length;
        for (var i = 0; i < lengthBytes; i++)
        {
            result.Add((byte)(length >> (8 * i)));
        }

        result.AddRange(text);
        result.AddRange(payload.ToArray());
        return [.. result];
    }

    public static string Dict(string descr, string shape, string fortran = "False") =>
        $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}\n";

    public static byte[] Write(NpyArray array)
    {
        using var stream = new MemoryStream();
        array.Write(stream);
        return stream.ToArray();
    }
}
