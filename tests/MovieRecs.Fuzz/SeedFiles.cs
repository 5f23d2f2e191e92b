using System.Buffers.Binary;
using System.Text;
using MovieRecs.Als;
using MovieRecs.Bpr;
using MovieRecs.LogisticMf;
using MovieRecs.Neighbors;
using MovieRecs.Persistence;
using MovieRecs.Sparse;

namespace MovieRecs.Fuzz;

/// <summary>
/// Writes the binary seed files of the corpus (<c>npy</c>, <c>npz</c>, <c>implicit</c>, <c>model</c>, <c>knn</c>, <c>bpr</c>, <c>lmf</c>): small valid
/// files in each layout the readers take, plus a few that exercise a rejection path (an object array). The text
/// seeds are written by hand in the corpus folders.
/// </summary>
internal static class SeedFiles
{
    public static void Write(string corpus)
    {
        WriteNpy(Path.Combine(corpus, "npy"));
        WriteNpz(Path.Combine(corpus, "npz"));
        WriteImplicit(Path.Combine(corpus, "implicit"));
        WriteModel(Path.Combine(corpus, "model"));
        WriteOwnModels(corpus);
    }

    private static void WriteNpy(string folder)
    {
        Directory.CreateDirectory(folder);
        Save(folder, "float32-matrix.npy", NpyArray.Create<float>([1.5f, -2f, 0f, 3.25f, 1e-3f, 7f], 2, 3));
        Save(folder, "float64-vector.npy", NpyArray.Create<double>([0.5, -1, 2.75, 1e10]));
        Save(folder, "int64-scalar.npy", NpyArray.Scalar(42L));
        Save(folder, "bool-vector.npy", NpyArray.Create<bool>([true, false, true]));
        Save(folder, "unicode-vector.npy", NpyArray.Create<string>(["ab", "\u00e9z", ""]));

        // Layouts numpy writes but this library never does: big-endian, Fortran order, format versions 2.0 and 3.0.
        var bigEndian = new byte[24];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bigEndian.AsSpan(i * 4), (i * 7) - 10);
        }

        File.WriteAllBytes(Path.Combine(folder, "int32-bigendian-fortran.npy"), Npy(1, "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", bigEndian));
        var halves = new byte[12];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(halves.AsSpan(i * 2), (Half)(i - 2.5f));
        }

        File.WriteAllBytes(Path.Combine(folder, "float16-fortran-v2.npy"), Npy(2, "{'descr': '<f2', 'fortran_order': True, 'shape': (3, 2), }", halves));
        File.WriteAllBytes(Path.Combine(folder, "uint16-empty-v3.npy"), Npy(3, "{\"descr\": \"<u2\", \"fortran_order\": False, \"shape\": (0,)}", []));
        File.WriteAllBytes(Path.Combine(folder, "object-array.npy"), Npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", [0x80, 0x02, (byte)']', (byte)'q', 0x00, (byte)'.']));
    }

    private static void WriteNpz(string folder)
    {
        Directory.CreateDirectory(folder);
        KeyValuePair<string, NpyArray>[] arrays =
        [
            new("matrix", NpyArray.Create<float>([1f, 2f, 3f, 4f], 2, 2)),
            new("ids", NpyArray.Create<long>([7, 3, 11])),
            new("name", NpyArray.Scalar("seed")),
        ];
        SaveArchive(folder, "stored.npz", arrays, NpzCompression.Stored);
        SaveArchive(folder, "deflated.npz", [new("values", NpyArray.Create<double>([0.25, 0.5, 0.75, 1.0]))], NpzCompression.Deflated);
    }

    private static void WriteImplicit(string folder)
    {
        Directory.CreateDirectory(folder);
        float[] users = [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f];
        float[] items = [1f, 0f, 0f, 1f, 0.5f, 0.5f, -1f, 2f];
        var withIds = new ImplicitModelData(users, items, 2, regularization: 0.1, alpha: 2, iterations: 3, userIds: [10, 20, 30], itemIds: [5, 6, 7, 8]);
        SaveModel(folder, "model-with-ids.npz", withIds, NpzCompression.Stored);
        SaveModel(folder, "model-deflated.npz", new ImplicitModelData(users, items, 2), NpzCompression.Deflated);
    }

    private static void WriteModel(string folder)
    {
        Directory.CreateDirectory(folder);
        var options = new AlsOptions { Factors = 2, Iterations = 3 };
        var model = AlsModel.FromFactors(options, [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f], [1f, 0f, 0f, 1f, 0.5f, 0.5f, -1f, 2f], trainingLoss: 0.5);
        using (var stream = File.Create(Path.Combine(folder, "model-with-ids.bin")))
        {
            AlsModelFile.Save(model, stream, IdIndex.Create([10, 20, 30]), IdIndex.Create([5, 6, 7, 8]));
        }

        using (var stream = File.Create(Path.Combine(folder, "model.bin")))
        {
            AlsModelFile.Save(AlsModel.FromFactors(options with { Factors = 1 }, [1f], [2f, -3f]), stream);
        }

        // The header of a small file claiming 50 million users, its checksum made right: what made the loader
        // before the 80-byte header allocate from the header alone when the stream had no length.
        var huge = File.ReadAllBytes(Path.Combine(folder, "model-with-ids.bin"));
        BinaryPrimitives.WriteInt32LittleEndian(huge.AsSpan(16), 50_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(76), System.IO.Hashing.Crc32.HashToUInt32(huge.AsSpan(0, 76)));
        File.WriteAllBytes(Path.Combine(folder, "huge-user-count.bin"), huge);
    }

    /// <summary>Small files of the item-item, BPR and logistic MF formats, one per similarity for the item-item one.</summary>
    private static void WriteOwnModels(string corpus)
    {
        var userItems = CsrMatrix.FromDense(new float[,] { { 5, 3, 0, 1 }, { 4, 0, 1, 0 }, { 0, 2, 2, 5 } });
        var knn = Directory.CreateDirectory(Path.Combine(corpus, "knn")).FullName;
        foreach (var similarity in Enum.GetValues<ItemSimilarity>())
        {
            using var stream = File.Create(Path.Combine(knn, similarity.ToString().ToLowerInvariant() + ".knn"));
            ItemKnnModelFile.Save(ItemKnnModel.Fit(userItems, new ItemKnnOptions { K = 2, Similarity = similarity }), stream);
        }

        // A small file whose similarity matrix claims two billion non-zeros, its checksum made right: what made the
        // loader allocate 16 GB from the sizes alone when the stream had no length.
        var huge = File.ReadAllBytes(Path.Combine(knn, "cosine.knn"));
        BinaryPrimitives.WriteInt64LittleEndian(huge.AsSpan(8 + 28 + 8), 2_000_000_000L);
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(huge.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(huge.AsSpan(0, huge.Length - 4)));
        File.WriteAllBytes(Path.Combine(knn, "huge-non-zero-count.knn"), huge);

        var bpr = Directory.CreateDirectory(Path.Combine(corpus, "bpr")).FullName;
        using (var stream = File.Create(Path.Combine(bpr, "model.bpr")))
        {
            BprModelFile.Save(BprModel.Fit(userItems, new BprOptions { Factors = 2, Iterations = 2, Seed = 1, MaxDegreeOfParallelism = 1 }), stream);
        }

        var lmf = Directory.CreateDirectory(Path.Combine(corpus, "lmf")).FullName;
        using (var stream = File.Create(Path.Combine(lmf, "model.lmf")))
        {
            LogisticMfModelFile.Save(LogisticMfModel.Fit(userItems, new LogisticMfOptions { Factors = 2, Iterations = 2, Seed = 1 }), stream);
        }
    }

    /// <summary>A .npy file with the header text given, padded as numpy pads it (the prefix and header end on a multiple of 64).</summary>
    private static byte[] Npy(int major, string header, byte[] payload)
    {
        var prefixLength = major == 1 ? 10 : 12;
        var text = Encoding.UTF8.GetBytes(header);
        var padded = ((prefixLength + text.Length + 1 + 63) / 64 * 64) - prefixLength;
        var bytes = new byte[prefixLength + padded + payload.Length];
        ((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']).CopyTo(bytes);
        bytes[6] = (byte)major;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)padded);
        }

        var headerArea = bytes.AsSpan(prefixLength, padded);
        headerArea.Fill((byte)' ');
        text.CopyTo(headerArea);
        headerArea[^1] = (byte)'\n';
        payload.CopyTo(bytes.AsSpan(prefixLength + padded));
        return bytes;
    }

    private static void Save(string folder, string name, NpyArray array)
    {
        using var stream = File.Create(Path.Combine(folder, name));
        array.Write(stream);
    }

    private static void SaveArchive(string folder, string name, KeyValuePair<string, NpyArray>[] arrays, NpzCompression compression)
    {
        using var stream = File.Create(Path.Combine(folder, name));
        NpzArchive.Write(stream, arrays, compression);
    }

    private static void SaveModel(string folder, string name, ImplicitModelData data, NpzCompression compression)
    {
        using var stream = File.Create(Path.Combine(folder, name));
        ImplicitModelFile.Write(stream, data, compression);
    }
}
