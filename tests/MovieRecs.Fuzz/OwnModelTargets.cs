using System.Buffers.Binary;
using MovieRecs.Bpr;
using MovieRecs.LogisticMf;
using MovieRecs.Neighbors;
using MovieRecs.Persistence;
using MovieRecs.Recommendations;

namespace MovieRecs.Fuzz;

/// <summary>
/// The own files of the models beyond ALS: <see cref="ItemKnnModelFile"/> (<c>knn</c>), <see cref="BprModelFile"/>
/// (<c>bpr</c>) and <see cref="LogisticMfModelFile"/> (<c>lmf</c>). Each input is loaded from a seekable and from a
/// forward-only stream: both fail with a <see cref="ModelFileException"/> of a defined kind naming the file, or both
/// load the same model, which serves a first recommendation and similar items without throwing and saves and loads
/// again unchanged. Each input is also loaded with its checksums made right, so that the fuzzer reaches the checks
/// behind them: the item-item file's CRC-32 over all bytes but the last four; for BPR and logistic MF the options
/// header's (bytes 0..47, at 48), then those of the factor rows that follow in the ALS format (its header's over its
/// bytes 0..75, at 76; its own over all its bytes but the last four).
/// </summary>
internal static class OwnModelTargets
{
    /// <summary>The options header of the BPR and logistic MF files: 48 checked bytes and their CRC-32.</summary>
    private const int OptionsHeaderLength = 52;

    /// <summary>The ALS format's header: 76 checked bytes and their CRC-32.</summary>
    private const int AlsHeaderLength = 80;

    public static void Knn(byte[] input) => Run(input, RepairKnn, ItemKnnModelFile.Load, (m, s) => ItemKnnModelFile.Save(m, s), SameKnn, m => Serve(m, m.SimilarItems));

    public static void Bpr(byte[] input) => Run(input, RepairFactorFile, BprModelFile.Load, (m, s) => BprModelFile.Save(m, s), SameBpr, m => Serve(m, m.SimilarItems));

    public static void Lmf(byte[] input) => Run(input, RepairFactorFile, LogisticMfModelFile.Load, (m, s) => LogisticMfModelFile.Save(m, s), SameLmf, m => Serve(m, m.SimilarItems));

    private static void Run<TModel>(
        byte[] input,
        Func<byte[], byte[]?> repair,
        Func<Stream, string?, CancellationToken, TModel> load,
        Action<TModel, Stream> save,
        Func<TModel, TModel, bool> same,
        Action<TModel> serve)
        where TModel : class
    {
        LoadBothWays(input, load, save, same, serve);
        if (repair(input) is { } repaired)
        {
            LoadBothWays(repaired, load, save, same, serve);
        }
    }

    private static void LoadBothWays<TModel>(
        byte[] input, Func<Stream, string?, CancellationToken, TModel> load, Action<TModel, Stream> save, Func<TModel, TModel, bool> same, Action<TModel> serve)
        where TModel : class
    {
        var seekable = Documented.BinaryFile(() => load(new MemoryStream(input), Documented.BinaryFileName, default));
        var forwardOnly = Documented.BinaryFile(() => load(new ForwardOnlyStream(input, input.Length == 0 ? 1 : 1 + (input[^1] * 16 % 4096)), Documented.BinaryFileName, default));
        if ((seekable is null) != (forwardOnly is null))
        {
            throw new FuzzFindingException($"the seekable load {(seekable is null ? "failed" : "succeeded")} but the forward-only one did not");
        }

        if (seekable is null || forwardOnly is null)
        {
            return;
        }

        if (!same(seekable, forwardOnly))
        {
            throw new FuzzFindingException("seekable and forward-only loads differ");
        }

        serve(seekable);
        using var saved = new MemoryStream();
        save(seekable, saved);
        saved.Position = 0;
        if (!same(seekable, load(saved, "saved", default)))
        {
            throw new FuzzFindingException("a model saved from what was loaded loads back different");
        }
    }

    private static byte[]? RepairKnn(byte[] input)
    {
        if (input.Length < 4)
        {
            return null;
        }

        var repaired = (byte[])input.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(repaired.AsSpan(repaired.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(repaired.AsSpan(0, repaired.Length - 4)));
        return repaired;
    }

    private static byte[]? RepairFactorFile(byte[] input)
    {
        if (input.Length < OptionsHeaderLength + AlsHeaderLength + 4)
        {
            return null;
        }

        var repaired = (byte[])input.Clone();
        Crc(repaired, 0, OptionsHeaderLength - 4);
        Crc(repaired, OptionsHeaderLength, AlsHeaderLength - 4);
        Crc(repaired, OptionsHeaderLength, repaired.Length - 4 - OptionsHeaderLength);
        return repaired;

        static void Crc(byte[] bytes, int start, int length) =>
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(start + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(start, length)));
    }

    /// <summary>A first recommendation (through <see cref="IRecommender"/>) and similar items of a loaded model.</summary>
    private static void Serve(IRecommender model, Func<int, int, RecommendOptions?, ScoredItem[]> similarItems)
    {
        if (model.UserCount > 0)
        {
            Span<int> items = stackalloc int[3];
            Span<float> scores = stackalloc float[3];
            model.Recommend(0, [], items, scores);
        }

        if (model.ItemCount > 0)
        {
            similarItems(0, 3, null);
        }
    }

    private static bool SameKnn(ItemKnnModel a, ItemKnnModel b) =>
        a.Options == b.Options && a.Similarity.ContentEquals(b.Similarity) && a.UserItems.ContentEquals(b.UserItems);

    private static bool SameBpr(BprModel a, BprModel b) =>
        a.Options == b.Options && SameFactors(a.UserCount, a.ItemCount, a.GetUserFactors, a.GetItemFactors, b.UserCount, b.ItemCount, b.GetUserFactors, b.GetItemFactors);

    private static bool SameLmf(LogisticMfModel a, LogisticMfModel b) =>
        a.Options == b.Options && SameFactors(a.UserCount, a.ItemCount, a.GetUserFactors, a.GetItemFactors, b.UserCount, b.ItemCount, b.GetUserFactors, b.GetItemFactors);

    private static bool SameFactors(
        int usersA, int itemsA, Func<int, ReadOnlySpan<float>> userA, Func<int, ReadOnlySpan<float>> itemA,
        int usersB, int itemsB, Func<int, ReadOnlySpan<float>> userB, Func<int, ReadOnlySpan<float>> itemB)
    {
        if (usersA != usersB || itemsA != itemsB)
        {
            return false;
        }

        for (var u = 0; u < usersA; u++)
        {
            if (!userA(u).SequenceEqual(userB(u)))
            {
                return false;
            }
        }

        for (var i = 0; i < itemsA; i++)
        {
            if (!itemA(i).SequenceEqual(itemB(i)))
            {
                return false;
            }
        }

        return true;
    }
}
