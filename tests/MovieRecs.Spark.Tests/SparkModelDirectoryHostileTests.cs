using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MovieRecs.Tests;
using ParquetSharp;

namespace MovieRecs.Spark.Tests;

/// <summary>Damaged, incomplete and lying directories fail with their documented kind, never with anything else.</summary>
public sealed class SparkModelDirectoryHostileTests : IDisposable
{
    private const int Rank = 4;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_PartDeletedButItsChecksumKept_IsMissingFile()
    {
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[1];
        File.Delete(part);

        var error = LoadFails(model, SparkModelError.MissingFile);

        Assert.Equal(part, error.SourceName);
    }

    [Fact]
    public void Load_PartDeletedWithItsChecksum_LoadsTheOtherParts()
    {
        // Documented limitation: Spark lists no parts, so a part removed with its checksum file is not noticed.
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[1];
        var rows = new ParquetFileReader(part).Using(r => r.FileMetaData.NumRows);
        File.Delete(part);
        File.Delete(HadoopChecksum.PathOf(part));

        var (loaded, _, _) = SparkModelDirectory.Load(model);

        Assert.Equal(50 - rows, loaded.ItemCount);
    }

    [Theory]
    [InlineData("metadata/part-00000")]
    [InlineData("metadata")]
    [InlineData("userFactors")]
    [InlineData("itemFactors")]
    public void Load_RequiredFileOrFolderMissing_IsMissingFile(string relative)
    {
        var model = SaveSmallModel();
        var path = Path.Combine(model, relative);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
            File.Delete(HadoopChecksum.PathOf(path));
        }

        LoadFails(model, SparkModelError.MissingFile);
    }

    [Fact]
    public void Load_SideWithoutParts_IsMissingFile()
    {
        var model = SaveSmallModel();
        foreach (var file in Directory.GetFiles(Path.Combine(model, "userFactors")))
        {
            File.Delete(file);
        }

        LoadFails(model, SparkModelError.MissingFile);
    }

    [Fact]
    public void Load_SuccessMarkerDeletedButItsChecksumKept_IsMissingFile()
    {
        var model = SaveSmallModel();
        File.Delete(Path.Combine(model, "userFactors", "_SUCCESS"));

        LoadFails(model, SparkModelError.MissingFile);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(100)]
    [InlineData(-1)]
    [InlineData(-8)]
    public void Load_TruncatedPartWithItsChecksum_IsTruncated(int keep)
    {
        var model = SaveSmallModel();
        var part = Parts(model, "userFactors")[0];
        Truncate(part, keep);

        var error = LoadFails(model, SparkModelError.Truncated, SparkModelError.InvalidParquet);

        Assert.Equal(part, error.SourceName);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(100)]
    [InlineData(-1)]
    [InlineData(-9)]
    public void Load_TruncatedPartWithoutChecksum_IsTruncated(int keep)
    {
        var model = SaveSmallModel();
        var part = Parts(model, "userFactors")[0];
        Truncate(part, keep);
        File.Delete(HadoopChecksum.PathOf(part));

        LoadFails(model, SparkModelError.Truncated);
    }

    [Fact]
    public void Load_FlippedByte_IsChecksumMismatch()
    {
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[0];
        var bytes = File.ReadAllBytes(part);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(part, bytes);

        var error = LoadFails(model, SparkModelError.ChecksumMismatch);

        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlippedByteWithChecksumsOff_IsNotNoticedByTheChecksum()
    {
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[0];
        var bytes = File.ReadAllBytes(part);
        bytes[^12] ^= 0x01;
        File.WriteAllBytes(part, bytes);

        var error = Record.Exception(() => SparkModelDirectory.Load(model, new SparkModelLoadOptions { VerifyChecksums = false }));

        Assert.True(error is null or SparkModelException { Kind: not SparkModelError.ChecksumMismatch });
    }

    [Theory]
    [InlineData("not a checksum file")]
    [InlineData("crc\0\0\0\0\0")]
    [InlineData("crc\0\0\0\u0002\0\0\0")]
    public void Load_MalformedChecksumFile_IsChecksumMismatch(string content)
    {
        var model = SaveSmallModel();
        File.WriteAllBytes(HadoopChecksum.PathOf(Parts(model, "userFactors")[0]), System.Text.Encoding.Latin1.GetBytes(content));

        LoadFails(model, SparkModelError.ChecksumMismatch);
    }

    [Property(MaxTest = 60)]
    public Property Load_AnySingleByteDamageWithoutChecksums_LoadsOrFailsWithAKind(PositiveInt position, byte mask)
    {
        using var temp = new TempFolder();
        var model = SaveSmallModel(temp);
        var part = Parts(model, "itemFactors")[0];
        var bytes = File.ReadAllBytes(part);
        var at = position.Get % bytes.Length;
        bytes[at] ^= (byte)(mask | 1);
        File.WriteAllBytes(part, bytes);
        File.Delete(HadoopChecksum.PathOf(part));

        var error = Record.Exception(() => SparkModelDirectory.Load(model));

        return (error is null or SparkModelException).Label($"byte {at} of {bytes.Length}: {error}");
    }

    [Theory]
    [InlineData(Rank - 1)]
    [InlineData(Rank + 1)]
    [InlineData(4096)]
    public void Load_MetadataRankOtherThanTheVectors_IsWrongVectorLength(int rank)
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, json => json.Replace($"\"rank\":{Rank}", $"\"rank\":{rank}", StringComparison.Ordinal));

        LoadFails(model, SparkModelError.WrongVectorLength);
    }

    [Theory]
    [InlineData("\"rank\":0")]
    [InlineData("\"rank\":-4")]
    [InlineData("\"rank\":4097")]
    [InlineData("\"rank\":99999999999")]
    [InlineData("\"rank\":4.5")]
    [InlineData("\"rank\":\"4\"")]
    [InlineData("\"rankk\":4")]
    public void Load_MetadataRankInvalid_IsInvalidMetadata(string replacement)
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, json => json.Replace($"\"rank\":{Rank}", replacement, StringComparison.Ordinal));

        LoadFails(model, SparkModelError.InvalidMetadata);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"class\":")]
    [InlineData("{\"class\":\"org.apache.spark.ml.recommendation.ALSModel\",\"rank\":4}")]
    [InlineData("\u0089PNG\r\n")]
    public void Load_MetadataNotSparksJson_IsInvalidMetadata(string content)
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, _ => content);

        LoadFails(model, SparkModelError.InvalidMetadata);
    }

    [Fact]
    public void Load_MetadataLargerThanMetadataEverIs_IsInvalidMetadata()
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, json => json + new string(' ', 2 << 20));

        LoadFails(model, SparkModelError.InvalidMetadata);
    }

    [Theory]
    [InlineData("org.apache.spark.ml.recommendation.ALS")]
    [InlineData("org.apache.spark.ml.classification.LogisticRegressionModel")]
    public void Load_MetadataOfAnotherClass_IsNotAlsModel(string className)
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, json => json.Replace(SparkModelDirectory.AlsModelClass, className, StringComparison.Ordinal));

        LoadFails(model, SparkModelError.NotAlsModel);
    }

    [Fact]
    public void Load_MetadataClassWithControlCharacters_IsEscapedInTheMessage()
    {
        var model = SaveSmallModel();
        RewriteMetadata(model, json => json.Replace(SparkModelDirectory.AlsModelClass, "evil\\u001b[2J\\u0007\\u202e", StringComparison.Ordinal));

        var error = LoadFails(model, SparkModelError.NotAlsModel);

        Assert.DoesNotContain(error.Message, c => c < ' ' || c is '\u007f' or '\u202e');
        Assert.Contains("evil\\x1b[2J\\x07\\u202e", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PartCopiedUnderAnotherName_IsDuplicateId()
    {
        var model = SaveSmallModel();
        var part = Parts(model, "userFactors")[0];
        var copy = Path.Combine(Path.GetDirectoryName(part)!, "part-00099-copy.snappy.parquet");
        File.Copy(part, copy);
        File.Copy(HadoopChecksum.PathOf(part), HadoopChecksum.PathOf(copy));

        var error = LoadFails(model, SparkModelError.DuplicateId);

        Assert.Equal(copy, error.SourceName);
    }

    [Fact]
    public void Load_IdRepeatedInOnePart_IsDuplicateId()
    {
        var model = SaveSmallModel();
        ReplaceParts(model, "userFactors", [7, 8, 7], new float[3 * Rank]);

        LoadFails(model, SparkModelError.DuplicateId);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Load_NonFiniteFactor_IsInvalidValue(float value)
    {
        var model = SaveSmallModel();
        var factors = new float[2 * Rank];
        factors[Rank + 2] = value;
        ReplaceParts(model, "itemFactors", [1, 2], factors);

        var error = LoadFails(model, SparkModelError.InvalidValue);

        Assert.Contains("id 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FactorsBeyondTheLimit_IsTooManyElements()
    {
        var model = SaveSmallModel();

        var error = Assert.Throws<SparkModelException>(() => SparkModelDirectory.Load(model, new SparkModelLoadOptions { MaxElementCount = 79 * Rank }));

        Assert.Equal(SparkModelError.TooManyElements, error.Kind);
    }

    [Theory]
    [InlineData(1L << 40)]
    [InlineData(1L << 29)]
    [InlineData(int.MaxValue)]
    public void Load_FooterDeclaringHugeRowCount_IsTooManyElementsBeforeAllocating(long rows)
    {
        var model = SaveSmallModel();
        ClearParts(model, "itemFactors");
        TestModels.WriteLyingPart(Path.Combine(model, "itemFactors", "part-00000-lie.snappy.parquet"), [1, 2], new float[2 * Rank], Rank, declaredRows: rows);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        LoadFails(model, SparkModelError.TooManyElements);

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20, "nothing of the declared size was allocated");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 30)]
    [InlineData(4 << 20)]
    public void Load_PageDeclaringHugeUncompressedSize_IsTooManyElementsBeforeInflating(int pageBytes)
    {
        var model = SaveSmallModel();
        ClearParts(model, "itemFactors");
        TestModels.WriteLyingPart(Path.Combine(model, "itemFactors", "part-00000-lie.snappy.parquet"), [1, 2], new float[2 * Rank], Rank, declaredRows: 2, pageBytes);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        LoadFails(model, SparkModelError.TooManyElements);

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20, "no page of the declared size was allocated");
    }

    [Fact]
    public void Load_FooterNestedThousandsDeep_IsInvalidParquet()
    {
        // The Parquet reader skips unknown fields recursively: 100,000 nested lists overflowed its stack (a crash).
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[0];
        File.Delete(Path.Combine(model, "itemFactors", $".{Path.GetFileName(part)}.crc"));
        TestModels.RewriteFooter(part, footer => [.. footer.AsSpan(0, footer.Length - 1), .. TestModels.DeeplyNestedListField(100, 100_000), 0]);

        var error = LoadFails(model, SparkModelError.InvalidParquet);

        Assert.Contains("footer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0, 0, 0, 0 })] // 2^31 - 1 schema elements
    [InlineData(new byte[] { 0x15, 0x02, 0x19, 0x1C, 0x48, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x78, 0x78 })] // a name of 2^31 - 1 bytes
    public void Load_FooterClaimingMoreThanItHolds_IsInvalidParquetBeforeAllocating(byte[] footer)
    {
        // The Parquet reader allocated a list or string of the claimed size: an OutOfMemoryException escaped.
        var model = SaveSmallModel();
        var part = Parts(model, "itemFactors")[0];
        File.Delete(Path.Combine(model, "itemFactors", $".{Path.GetFileName(part)}.crc"));
        TestModels.RewriteFooter(part, _ => footer);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        LoadFails(model, SparkModelError.InvalidParquet);

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20, "nothing of the claimed size was allocated");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 28)]
    [InlineData(-1L)]
    public void Load_IdColumnDeclaringOtherThanItsRows_IsInvalidParquetBeforeAllocating(long declaredValues)
    {
        // The Parquet reader allocates the id column's declared value count up front (1 GiB for 2^28 values).
        var model = SaveSmallModel();
        ClearParts(model, "itemFactors");
        TestModels.WritePartWithLyingIdColumn(
            Path.Combine(model, "itemFactors", "part-00000-lie.snappy.parquet"), [1, 2, 3], new float[3 * Rank], Rank, declaredValues, idPageValues: 3, afterIdChunk: []);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = LoadFails(model, SparkModelError.InvalidParquet);

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20, "nothing of the declared size was allocated");
        Assert.Contains("column id", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_IdPagesHoldingFewerValuesThanTheColumn_IsInvalidParquet(bool deeplyNestedBytesAfterTheChunk)
    {
        // The Parquet reader reads page headers until it has the column's value count, past the end of the chunk:
        // into the features chunk (its floats read as ids), or into bytes no chunk claims, which were never checked
        // (a page header nested 100,000 deep overflowed its stack).
        var model = SaveSmallModel();
        ClearParts(model, "itemFactors");
        byte[] after = deeplyNestedBytesAfterTheChunk ? [0x15, 0x00, .. TestModels.DeeplyNestedListField(50, 100_000), 0] : [];
        TestModels.WritePartWithLyingIdColumn(
            Path.Combine(model, "itemFactors", "part-00000-lie.snappy.parquet"), [1, 2, 3, 4], new float[4 * Rank], Rank, idChunkValues: 4, idPageValues: 2, after);

        var error = LoadFails(model, SparkModelError.InvalidParquet);

        Assert.Contains("hold 2 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IdOfAnotherType_IsInvalidSchema()
    {
        var model = SaveSmallModel();
        ClearParts(model, "userFactors");
        using (var writer = new ParquetFileWriter(Path.Combine(model, "userFactors", "part-00000.parquet"), [new Column<long>("id"), new Column<float[]>("features")]))
        {
            using var group = writer.AppendRowGroup();
            group.NextColumn().LogicalWriter<long>().WriteBatch([1L]);
            group.NextColumn().LogicalWriter<float[]>().WriteBatch([new float[Rank]]);
            writer.Close();
        }

        LoadFails(model, SparkModelError.InvalidSchema);
    }

    [Fact]
    public void Load_VectorsOfDoubles_IsInvalidSchema()
    {
        var model = SaveSmallModel();
        ClearParts(model, "userFactors");
        using (var writer = new ParquetFileWriter(Path.Combine(model, "userFactors", "part-00000.parquet"), [new Column<int>("id"), new Column<double[]>("features")]))
        {
            using var group = writer.AppendRowGroup();
            group.NextColumn().LogicalWriter<int>().WriteBatch([1]);
            group.NextColumn().LogicalWriter<double[]>().WriteBatch([new double[Rank]]);
            writer.Close();
        }

        LoadFails(model, SparkModelError.InvalidSchema);
    }

    [LinuxTheory]
    [InlineData("itemFactors/part-99999-planted.snappy.parquet", false)]
    [InlineData("itemFactors/part-99999-planted.snappy.parquet", true)]
    [InlineData("metadata/part-00000", false)]
    [InlineData("userFactors/.part-00000-planted.snappy.parquet.crc", false)]
    public void Load_FifoInTheFolder_IsMissingFileInsteadOfWaitingForAWriter(string relative, bool throughLink)
    {
        var model = SaveSmallModel();
        var path = Path.Combine(model, relative);
        File.Delete(path);
        File.Delete(HadoopChecksum.PathOf(path));
        if (relative.EndsWith(".crc", StringComparison.Ordinal))
        {
            // A checksum file needs its part: a copy of a real one, whose checksum file is then the FIFO.
            File.Copy(Parts(model, "userFactors")[0], path[..^4].Replace("/.part-", "/part-", StringComparison.Ordinal));
        }

        var fifo = throughLink ? Path.Combine(_temp.Path, "fifo") : path;
        UnixFiles.MakeFifo(fifo);
        if (throughLink)
        {
            File.CreateSymbolicLink(path, fifo);
        }

        var load = Task.Run(() => LoadFails(model, SparkModelError.MissingFile));
        Assert.True(load.Wait(TimeSpan.FromSeconds(30)), "the load waited on the FIFO");
        Assert.Contains("a FIFO (named pipe), not a regular file", load.Result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherColumns_IsInvalidSchema()
    {
        var model = SaveSmallModel();
        ClearParts(model, "userFactors");
        using (var writer = new ParquetFileWriter(Path.Combine(model, "userFactors", "part-00000.parquet"), [new Column<int>("user"), new Column<float[]>("features")]))
        {
            using var group = writer.AppendRowGroup();
            group.NextColumn().LogicalWriter<int>().WriteBatch([1]);
            group.NextColumn().LogicalWriter<float[]>().WriteBatch([new float[Rank]]);
            writer.Close();
        }

        LoadFails(model, SparkModelError.InvalidSchema);
    }

    [Fact]
    public void Load_NullVector_IsInvalidValue()
    {
        var model = SaveSmallModel();
        WriteWithParquetSharp(model, "userFactors", [1, 2, 3], [new float[Rank], null, new float[Rank]]);

        var error = LoadFails(model, SparkModelError.InvalidValue);

        Assert.Contains("id 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OneVectorShorterThanTheRank_IsWrongVectorLength()
    {
        var model = SaveSmallModel();
        WriteWithParquetSharp(model, "userFactors", [1, 2, 3], [new float[Rank], new float[Rank - 1], new float[Rank]]);

        var error = LoadFails(model, SparkModelError.WrongVectorLength);

        Assert.Contains("id 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyVector_IsWrongVectorLength()
    {
        var model = SaveSmallModel();
        WriteWithParquetSharp(model, "userFactors", [1, 2], [[], new float[Rank]]);

        LoadFails(model, SparkModelError.WrongVectorLength);
    }

    [Fact]
    public void Load_SideWithNoRows_IsEmptyFactors()
    {
        var model = SaveSmallModel();
        WriteWithParquetSharp(model, "itemFactors", [], []);

        LoadFails(model, SparkModelError.EmptyFactors);
    }

    [Fact]
    public void Load_PartThatIsNotParquet_IsInvalidParquet()
    {
        var model = SaveSmallModel();
        ClearParts(model, "userFactors");
        File.WriteAllText(Path.Combine(model, "userFactors", "part-00000.csv"), "id,features\n1,\"[0.1]\"\n");

        LoadFails(model, SparkModelError.InvalidParquet);
    }

    [Fact]
    public void Load_PathIsAFileOrMissing_ThrowsArgumentOrDirectoryNotFound()
    {
        var file = Path.Combine(_temp.Path, "model.mrals");
        File.WriteAllText(file, "x");

        Assert.Throws<ArgumentException>(() => SparkModelDirectory.Load(file));
        Assert.Throws<DirectoryNotFoundException>(() => SparkModelDirectory.Load(Path.Combine(_temp.Path, "absent")));
    }

    private string SaveSmallModel() => SaveSmallModel(_temp);

    private static string SaveSmallModel(TempFolder temp)
    {
        var (model, users, items) = TestModels.Random(30, 50, Rank, seed: 5);
        var path = Path.Combine(temp.Path, "als");
        SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 3 });
        return path;
    }

    private static string[] Parts(string model, string side) =>
        [.. Directory.GetFiles(Path.Combine(model, side), "part-*").Order(StringComparer.Ordinal)];

    private static void ClearParts(string model, string side)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(model, side)).Where(f => Path.GetFileName(f).Contains("part-", StringComparison.Ordinal)))
        {
            File.Delete(file);
        }
    }

    private static void ReplaceParts(string model, string side, int[] ids, float[] factors)
    {
        ClearParts(model, side);
        TestModels.WritePart(Path.Combine(model, side, "part-00000-test.snappy.parquet"), ids, factors, Rank);
    }

    private static void WriteWithParquetSharp(string model, string side, int[] ids, float[]?[] vectors)
    {
        ClearParts(model, side);
        using var writer = new ParquetFileWriter(Path.Combine(model, side, "part-00000.parquet"), [new Column<int>("id"), new Column<float[]?>("features")]);
        using (var group = writer.AppendRowGroup())
        {
            group.NextColumn().LogicalWriter<int>().WriteBatch(ids);
            group.NextColumn().LogicalWriter<float[]?>().WriteBatch(vectors);
        }

        writer.Close();
    }

    private static void RewriteMetadata(string model, Func<string, string> change)
    {
        var path = Path.Combine(model, "metadata", "part-00000");
        File.WriteAllText(path, change(File.ReadAllText(path)));
        File.Delete(HadoopChecksum.PathOf(path));
    }

    private static void Truncate(string path, int keep)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);
    }

    private static SparkModelException LoadFails(string model, params SparkModelError[] kinds)
    {
        var error = Assert.Throws<SparkModelException>(() => SparkModelDirectory.Load(model));
        Assert.True(kinds.Contains(error.Kind), $"expected {string.Join(" or ", kinds)}, got {error.Kind}: {error.Message}");
        Assert.StartsWith(error.SourceName, error.Message, StringComparison.Ordinal);
        return error;
    }
}

internal static class DisposableExtensions
{
    public static TResult Using<T, TResult>(this T disposable, Func<T, TResult> use)
        where T : IDisposable
    {
        using (disposable)
        {
            return use(disposable);
        }
    }
}
