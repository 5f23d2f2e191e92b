using System.Runtime.InteropServices;
using MovieRecs.Persistence;

namespace MovieRecs.Fuzz;

/// <summary>
/// numpy files: a <c>.npy</c> array (<see cref="NpyArray.Read(Stream, NpyReadOptions?, string?, CancellationToken)"/>),
/// an <c>.npz</c> archive (<see cref="NpzArchive"/>), and implicit's saved model (<see cref="ImplicitModelFile"/>,
/// <see cref="ImplicitModelFile.Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/>). Every file is read from a seekable stream and from a
/// forward-only one; both must agree. A file that reads must write back and read again unchanged.
/// </summary>
internal static class NpyTargets
{
    private static readonly NpyReadOptions ToSingle = new() { ConvertFloatsToSingle = true };

    public static void Npy(byte[] input)
    {
        var seekable = Documented.BinaryFile(() => NpyArray.Read(new MemoryStream(input), null, Documented.BinaryFileName));
        var forwardOnly = Documented.BinaryFile(() => NpyArray.Read(new ForwardOnlyStream(input, ChunkSize(input)), null, Documented.BinaryFileName));
        var converted = Documented.BinaryFile(() => NpyArray.Read(new MemoryStream(input), ToSingle, Documented.BinaryFileName));
        if ((seekable is null) != (forwardOnly is null) || (seekable is null) != (converted is null))
        {
            throw new FuzzFindingException($"outcomes differ: seekable {seekable}, forward-only {forwardOnly}, converted {converted}");
        }

        if (seekable is null || forwardOnly is null || converted is null)
        {
            return;
        }

        if (!seekable.ContentEquals(forwardOnly))
        {
            throw new FuzzFindingException($"seekable and forward-only reads differ: {seekable} and {forwardOnly}");
        }

        CheckConverted(seekable, converted);
        CheckRoundTrip(seekable);
    }

    public static void Npz(byte[] input)
    {
        var seekable = Documented.BinaryFile(() => ReadArchive(new MemoryStream(input)));
        var forwardOnly = Documented.BinaryFile(() => ReadArchive(new ForwardOnlyStream(input, ChunkSize(input))));
        if ((seekable is null) != (forwardOnly is null))
        {
            throw new FuzzFindingException($"the seekable read {(seekable is null ? "failed" : "succeeded")} but the forward-only one did not");
        }

        if (seekable is null || forwardOnly is null)
        {
            return;
        }

        if (!seekable.Select(a => a.Key).SequenceEqual(forwardOnly.Select(a => a.Key))
            || seekable.Zip(forwardOnly).Any(pair => !pair.First.Value.ContentEquals(pair.Second.Value)))
        {
            throw new FuzzFindingException("seekable and forward-only reads of the archive differ");
        }

        foreach (var (_, array) in seekable)
        {
            CheckRoundTrip(array);
        }

        using var written = new MemoryStream();
        NpzArchive.Write(written, seekable);
        written.Position = 0;
        var again = ReadArchive(written);
        if (!again.Select(a => a.Key).SequenceEqual(seekable.Select(a => a.Key)) || again.Zip(seekable).Any(pair => !pair.First.Value.ContentEquals(pair.Second.Value)))
        {
            throw new FuzzFindingException("an archive written from what was read reads back different");
        }
    }

    public static void Implicit(byte[] input)
    {
        var data = Documented.BinaryFile(() => ImplicitModelFile.Read(new MemoryStream(input), null, Documented.BinaryFileName));
        var forwardOnly = Documented.BinaryFile(() => ImplicitModelFile.Read(new ForwardOnlyStream(input, ChunkSize(input)), null, Documented.BinaryFileName));
        if ((data is null) != (forwardOnly is null))
        {
            throw new FuzzFindingException($"the seekable read {(data is null ? "failed" : "succeeded")} but the forward-only one did not");
        }

        LoadAsModel(input, data is not null);
        if (data is null || forwardOnly is null)
        {
            return;
        }

        if (!SameModel(data, forwardOnly))
        {
            throw new FuzzFindingException("seekable and forward-only reads of the model differ");
        }

        using var written = new MemoryStream();
        ImplicitModelFile.Write(written, data);
        written.Position = 0;
        var again = ImplicitModelFile.Read(written, null, Documented.BinaryFileName);
        if (!SameModel(data, again))
        {
            throw new FuzzFindingException("a model written from what was read reads back different");
        }
    }

    /// <summary>The serving model from the same bytes: fails only with a classified <see cref="ModelFileException"/> naming the file.</summary>
    private static void LoadAsModel(byte[] input, bool dataRead)
    {
        try
        {
            var content = ImplicitModelFile.Load(new MemoryStream(input), null, Documented.BinaryFileName);
            if (!dataRead)
            {
                throw new FuzzFindingException("ImplicitModelFile.Load accepted a file that ImplicitModelFile.Read rejects");
            }

            if (content.Model.Factors < 1)
            {
                throw new FuzzFindingException($"a model of {content.Model.Factors} factors");
            }
        }
        catch (ModelFileException e)
        {
            Documented.CheckNpyError(e, Documented.BinaryFileName);
            Documented.Rejected(e);
        }
    }

    private static List<KeyValuePair<string, NpyArray>> ReadArchive(Stream stream)
    {
        using var archive = NpzArchive.Open(stream, null, leaveOpen: false, Documented.BinaryFileName);
        var all = archive.ReadAll();
        if (!all.Keys.Order(StringComparer.Ordinal).SequenceEqual(archive.Names.Order(StringComparer.Ordinal)))
        {
            throw new FuzzFindingException("ReadAll and Names disagree");
        }

        return [.. archive.Names.Select(name => new KeyValuePair<string, NpyArray>(name, all[name]))];
    }

    private static void CheckConverted(NpyArray original, NpyArray converted)
    {
        if (!original.Shape.SequenceEqual(converted.Shape))
        {
            throw new FuzzFindingException($"converting floats changed the shape: {original} and {converted}");
        }

        if (original.DataType is not (NpyDataType.Float64 or NpyDataType.Float16))
        {
            if (!original.ContentEquals(converted))
            {
                throw new FuzzFindingException($"converting floats changed a {original.DataType} array");
            }

            return;
        }

        if (converted.DataType != NpyDataType.Float32
            || !MemoryMarshal.AsBytes(converted.AsSpan<float>()).SequenceEqual(MemoryMarshal.AsBytes(original.ToSingleArray().AsSpan())))
        {
            throw new FuzzFindingException($"floats converted while reading differ from floats converted after: {original} and {converted}");
        }
    }

    private static void CheckRoundTrip(NpyArray array)
    {
        using var written = new MemoryStream();
        array.Write(written);
        written.Position = 0;
        var again = NpyArray.Read(written, null, "written");
        if (!array.ContentEquals(again))
        {
            throw new FuzzFindingException($"{array} written and read back differs");
        }
    }

    private static bool SameModel(ImplicitModelData a, ImplicitModelData b) =>
        a.Factors == b.Factors && a.UserCount == b.UserCount && a.ItemCount == b.ItemCount
        && a.UserFactors.SequenceEqual(b.UserFactors) && a.ItemFactors.SequenceEqual(b.ItemFactors)
        && a.Regularization.Equals(b.Regularization) && a.Alpha.Equals(b.Alpha) && a.Iterations == b.Iterations
        && a.HasUserIds == b.HasUserIds && a.UserIds.SequenceEqual(b.UserIds)
        && a.HasItemIds == b.HasItemIds && a.ItemIds.SequenceEqual(b.ItemIds)
        && a.Options.Count == b.Options.Count && a.Options.All(o => b.Options.TryGetValue(o.Key, out var v) && o.Value.ContentEquals(v));

    /// <summary>Reads of 1 to 4096 bytes, chosen by the input so that the fuzzer explores partial reads too.</summary>
    private static int ChunkSize(byte[] input) => input.Length == 0 ? 1 : 1 + (input[^1] * 16 % 4096);
}
