using System.Buffers.Binary;
using MovieRecs.Persistence;

namespace MovieRecs.Fuzz;

/// <summary>
/// MovieRecs' own model file (<see cref="AlsModelFile.Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/>),
/// from a seekable stream and from a forward-only one: both fail with a <see cref="ModelFileException"/> that
/// <see cref="ModelFileException.Kind"/> classifies and that names the file, or both load the same model, which saves
/// and loads again unchanged. The input is also loaded with both its checksums made right (the header's CRC-32 over
/// bytes 0..75, the file's over all bytes but the last four), so that the fuzzer reaches the checks behind them.
/// </summary>
internal static class ModelTarget
{
    private const int HeaderSize = 80;

    private const int HeaderCrcOffset = 76;

    public static void Run(byte[] input)
    {
        LoadBothWays(input);
        if (input.Length >= HeaderSize + 4)
        {
            var repaired = (byte[])input.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(repaired.AsSpan(HeaderCrcOffset), System.IO.Hashing.Crc32.HashToUInt32(repaired.AsSpan(0, HeaderCrcOffset)));
            BinaryPrimitives.WriteUInt32LittleEndian(repaired.AsSpan(repaired.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(repaired.AsSpan(0, repaired.Length - 4)));
            LoadBothWays(repaired);
        }
    }

    private static void LoadBothWays(byte[] input)
    {
        var seekable = Load(new MemoryStream(input));
        var forwardOnly = Load(new ForwardOnlyStream(input, input.Length == 0 ? 1 : 1 + (input[^1] * 16 % 4096)));
        if ((seekable is null) != (forwardOnly is null))
        {
            throw new FuzzFindingException($"the seekable load {(seekable is null ? "failed" : "succeeded")} but the forward-only one did not");
        }

        if (seekable is null || forwardOnly is null)
        {
            return;
        }

        if (!Same(seekable, forwardOnly))
        {
            throw new FuzzFindingException("seekable and forward-only loads differ");
        }

        using var saved = new MemoryStream();
        AlsModelFile.Save(seekable.Model, saved, seekable.Users, seekable.Items);
        saved.Position = 0;
        if (!Same(seekable, AlsModelFile.Load(saved, null, "saved")))
        {
            throw new FuzzFindingException("a model saved from what was loaded loads back different");
        }
    }

    private static ModelFileContent? Load(Stream stream) =>
        Documented.BinaryFile(() => AlsModelFile.Load(stream, null, Documented.BinaryFileName));

    private static bool Same(ModelFileContent a, ModelFileContent b)
    {
        if (a.Model.UserCount != b.Model.UserCount || a.Model.ItemCount != b.Model.ItemCount || a.Model.Factors != b.Model.Factors
            || a.Model.Options != b.Model.Options || a.Model.TrainingLoss != b.Model.TrainingLoss
            || !SameIds(a.Users, b.Users) || !SameIds(a.Items, b.Items))
        {
            return false;
        }

        for (var u = 0; u < a.Model.UserCount; u++)
        {
            if (!a.Model.GetUserFactors(u).SequenceEqual(b.Model.GetUserFactors(u)))
            {
                return false;
            }
        }

        for (var i = 0; i < a.Model.ItemCount; i++)
        {
            if (!a.Model.GetItemFactors(i).SequenceEqual(b.Model.GetItemFactors(i)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameIds(IdIndex<int>? a, IdIndex<int>? b) =>
        a is null ? b is null : b is not null && a.Keys.SequenceEqual(b.Keys);
}
