using FsCheck.Xunit;
using MovieRecs.Neighbors;
using MovieRecs.Persistence;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Persistence;

/// <summary>The item-item model's own file format: round trips and damaged files.</summary>
public class ItemKnnModelFileTests
{
    [Property(MaxTest = 50, Arbitrary = new[] { typeof(KnnArbitraries) })]
    public bool SaveLoad_RoundTrip_ServesTheSame(KnnCase c)
    {
        var model = ItemKnnModel.Fit(c.Matrix.ToCsr(), c.Options);
        using var stream = new MemoryStream();
        ItemKnnModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = ItemKnnModelFile.Load(stream);
        return stream.Position == stream.Length
            && loaded.Similarity.ContentEquals(model.Similarity)
            && loaded.UserItems.ContentEquals(model.UserItems)
            && loaded.Options == model.Options
            && Enumerable.Range(0, model.UserCount).All(u => loaded.Recommend(u, 5).SequenceEqual(model.Recommend(u, 5)));
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsModelFileException()
    {
        var bytes = SavedBytes();
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<ModelFileException>(() => ItemKnnModelFile.Load(new MemoryStream(bytes, 0, length), "cut.knn"));
            Assert.Equal("cut.knn", e.SourceName);
            Assert.True(e.Kind is ModelFileError.Truncated or ModelFileError.InvalidHeader, $"length {length}: {e.Kind}");
        }
    }

    [Fact]
    public void Load_EveryFlippedByte_ThrowsModelFileException()
    {
        var bytes = SavedBytes();
        for (var at = 0; at < bytes.Length; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            Assert.Throws<ModelFileException>(() => ItemKnnModelFile.Load(new MemoryStream(damaged), "flip.knn"));
        }
    }

    [Fact]
    public void Load_File_TrailingBytes_ThrowsTrailingData()
    {
        var folder = Directory.CreateTempSubdirectory("movierecs-knn-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.knn");
            var bytes = SavedBytes();
            File.WriteAllBytes(path, [.. bytes, 0]);
            Assert.Equal(ModelFileError.TrailingData, Assert.Throws<ModelFileException>(() => ItemKnnModelFile.Load(path)).Kind);

            ItemKnnModelFile.Save(ItemKnnModelFile.Load(new MemoryStream(bytes)), path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static byte[] SavedBytes()
    {
        var matrix = MovieRecs.Sparse.CsrMatrix.FromDense(new float[,] { { 5, 3, 0 }, { 4, 0, 1 }, { 0, 2, 2 } });
        var model = ItemKnnModel.Fit(matrix, new ItemKnnOptions { K = 2 });
        using var stream = new MemoryStream();
        ItemKnnModelFile.Save(model, stream);
        return stream.ToArray();
    }
}
