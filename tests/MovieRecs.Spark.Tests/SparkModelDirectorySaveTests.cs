using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParquetSharp;

namespace MovieRecs.Spark.Tests;

/// <summary>
/// Saved directories have Spark's layout: the fixture's schema and metadata fields, files that two independent
/// readers (DuckDB, ParquetSharp) read back to the model's rows, valid Hadoop checksums, and a lossless round trip.
/// </summary>
public sealed class SparkModelDirectorySaveTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Property(MaxTest = 25)]
    public Property SaveLoad_AnyModel_GivesIdenticalFactorsAndIds(PositiveInt users, PositiveInt items, PositiveInt rank, NonNegativeInt parts)
    {
        var (u, i, k) = (1 + (users.Get % 40), 1 + (items.Get % 60), 1 + (rank.Get % 20));
        var (model, userIds, itemIds) = TestModels.Random(u, i, k, seed: users.Get ^ (items.Get << 8));
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "m");

        SparkModelDirectory.Save(model, path, userIds, itemIds, new SparkModelSaveOptions { PartCount = parts.Get % 12 });
        var (loaded, loadedUsers, loadedItems) = SparkModelDirectory.Load(path);

        // Loading numbers rows by ascending id: compare through the ids.
        var ok = loaded.Factors == k && loaded.UserCount == u && loaded.ItemCount == i
            && Enumerable.Range(0, u).All(r => loaded.GetUserFactors(loadedUsers!.IndexOf(userIds[r])).SequenceEqual(model.GetUserFactors(r)))
            && Enumerable.Range(0, i).All(r => loaded.GetItemFactors(loadedItems!.IndexOf(itemIds[r])).SequenceEqual(model.GetItemFactors(r)));
        return ok.Label($"{u} users, {i} items, rank {k}");
    }

    [Fact]
    public void Save_TwoIndependentReaders_ReadTheModelsRows()
    {
        var (model, users, items) = TestModels.Random(70, 90, 12, seed: 3);
        var path = Path.Combine(_temp.Path, "m");

        SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 4 });

        foreach (var (side, ids, count) in new[] { ("userFactors", users, model.UserCount), ("itemFactors", items, model.ItemCount) })
        {
            var duck = IndependentReader.ReadWithDuckDb(Path.Combine(path, side));
            var sharp = IndependentReader.ReadWithParquetSharp(Path.Combine(path, side));
            Assert.Equal(count, duck.Count);
            Assert.Equal(count, sharp.Count);
            for (var row = 0; row < count; row++)
            {
                var expected = side == "userFactors" ? model.GetUserFactors(row).ToArray() : model.GetItemFactors(row).ToArray();
                Assert.Equal(expected, duck[ids[row]]);
                Assert.Equal(expected, sharp[ids[row]]);
            }
        }
    }

    [Fact]
    public void Save_LargeSide_SpansSeveralPagesThatIndependentReadersRead()
    {
        // 3,000 rows of rank 100 in one part: more than one features page (about 2^18 values each).
        var (model, users, items) = TestModels.Random(3000, 5, 100, seed: 11);
        var path = Path.Combine(_temp.Path, "m");

        SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 1 });

        var part = Directory.GetFiles(Path.Combine(path, "userFactors"), "part-*").Single();
        using (var reader = new ParquetFileReader(part))
        using (var group = reader.RowGroup(0))
        {
            Assert.Equal(3000 * 100, group.MetaData.GetColumnChunkMetaData(1).NumValues);
        }

        var duck = IndependentReader.ReadWithDuckDb(Path.Combine(path, "userFactors"));
        Assert.All(Enumerable.Range(0, 3000), row => Assert.Equal(model.GetUserFactors(row).ToArray(), duck[users[row]]));
    }

    [SparkFixtureFact]
    public void Save_PartFiles_HaveTheFixturesParquetSchemaAndLayout()
    {
        var fixturePart = Directory.GetFiles(Path.Combine(SparkTestData.Fixture!, "itemFactors"), "part-*").Order(StringComparer.Ordinal).First();
        var (model, users, items) = TestModels.Random(40, 40, 50, seed: 2);
        var path = Path.Combine(_temp.Path, "m");
        SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 2 });

        foreach (var written in Directory.GetFiles(Path.Combine(path, "itemFactors"), "part-*"))
        {
            Assert.Equal(Describe(fixturePart), Describe(written));
        }
    }

    [SparkFixtureFact]
    public void Save_Metadata_HasTheFixturesFieldsInItsOrder()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(SparkTestData.Fixture!, "metadata", "part-00000")));
        var (model, users, items) = TestModels.Random(5, 6, 50, seed: 1);
        var path = Path.Combine(_temp.Path, "m");
        var options = new SparkModelSaveOptions { UserColumn = "userId", ItemColumn = "movieId", ColdStartStrategy = "drop" };

        SparkModelDirectory.Save(model, path, users, items, options);

        var text = File.ReadAllText(Path.Combine(path, "metadata", "part-00000"));
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        using var written = JsonDocument.Parse(text);
        Assert.Equal(Names(fixture.RootElement), Names(written.RootElement));
        Assert.Equal(Names(fixture.RootElement.GetProperty("paramMap")), Names(written.RootElement.GetProperty("paramMap")));
        Assert.Equal(fixture.RootElement.GetProperty("paramMap").GetRawText(), written.RootElement.GetProperty("paramMap").GetRawText());
        Assert.Equal(fixture.RootElement.GetProperty("defaultParamMap").GetRawText(), written.RootElement.GetProperty("defaultParamMap").GetRawText());
        Assert.Equal(fixture.RootElement.GetProperty("class").GetString(), written.RootElement.GetProperty("class").GetString());
        Assert.Equal(fixture.RootElement.GetProperty("sparkVersion").GetString(), written.RootElement.GetProperty("sparkVersion").GetString());
        Assert.Matches("^ALS_[0-9a-f]{12}$", written.RootElement.GetProperty("uid").GetString());
    }

    [SparkFixtureFact]
    public void SaveLoad_Fixture_RoundTripsAndKeepsSparksLayout()
    {
        var fixture = SparkTestData.Fixture!;
        var (model, users, items) = SparkModelDirectory.Load(fixture);
        var path = Path.Combine(_temp.Path, "again");

        SparkModelDirectory.Save(model, path, users!, items!, new SparkModelSaveOptions { PartCount = 10, UserColumn = "userId", ItemColumn = "movieId" });
        var (loaded, loadedUsers, loadedItems) = SparkModelDirectory.Load(path);

        Assert.Equal(users!.Keys.ToArray(), loadedUsers!.Keys.ToArray());
        Assert.Equal(items!.Keys.ToArray(), loadedItems!.Keys.ToArray());
        Assert.Equal(model.CopyUserFactors(), loaded.CopyUserFactors());
        Assert.Equal(model.CopyItemFactors(), loaded.CopyItemFactors());

        // Spark's hash partitioning: the same ids land in the same part numbers as in the fixture.
        Assert.Equal(IdsByPart(Path.Combine(fixture, "userFactors")), IdsByPart(Path.Combine(path, "userFactors")));
    }

    [Fact]
    public void Save_EveryFile_HasAHadoopChecksumFileThatMatches()
    {
        var (model, users, items) = TestModels.Random(20, 30, 8, seed: 4);
        var path = Path.Combine(_temp.Path, "m");

        SparkModelDirectory.Save(model, path, users, items);

        var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".crc", StringComparison.Ordinal)).ToArray();
        Assert.Contains(files, f => Path.GetFileName(f) == "_SUCCESS");
        Assert.All(files, file =>
        {
            var crc = File.ReadAllBytes(HadoopChecksum.PathOf(file));
            var data = File.ReadAllBytes(file);
            Assert.Equal("crc\0"u8.ToArray(), crc[..4]);
            Assert.Equal(512, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(crc.AsSpan(4)));
            Assert.Equal((data.Length + 511) / 512, (crc.Length - 8) / 4);
            for (var chunk = 0; chunk * 512 < data.Length; chunk++)
            {
                var bytes = data.AsSpan(chunk * 512, Math.Min(512, data.Length - (chunk * 512)));
                Assert.Equal(BitwiseCrc32(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(crc.AsSpan(8 + (4 * chunk))));
            }
        });
    }

    [Fact]
    public void Save_Parts_HoldIdsByModuloInAscendingOrder()
    {
        var (model, users, items) = TestModels.Random(100, 10, 3, seed: 8);
        var path = Path.Combine(_temp.Path, "m");

        SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 7 });

        foreach (var (part, ids) in IdsByPart(Path.Combine(path, "userFactors")))
        {
            Assert.Equal(ids.Order(), ids);
            Assert.All(ids, id => Assert.Equal(part, ((id % 7) + 7) % 7));
        }
    }

    [Fact]
    public void Save_ExistingDirectory_FailsUnlessOverwriteAndLeavesNothingBehind()
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        var path = Path.Combine(_temp.Path, "m");
        SparkModelDirectory.Save(model, path, users, items);
        var (other, otherUsers, otherItems) = TestModels.Random(5, 6, 3, seed: 10);

        Assert.Throws<IOException>(() => SparkModelDirectory.Save(other, path, otherUsers, otherItems));
        Assert.Equal(2, SparkModelDirectory.Load(path).Model.Factors);
        SparkModelDirectory.Save(other, path, otherUsers, otherItems, new SparkModelSaveOptions { Overwrite = true });

        Assert.Equal(3, SparkModelDirectory.Load(path).Model.Factors);
        Assert.Equal(["m"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Save_TwoOverwritingAtOnce_BothSucceedAndOneCompleteModelRemains()
    {
        var (first, firstUsers, firstItems) = TestModels.Random(3, 4, 2, seed: 9);
        var (second, secondUsers, secondItems) = TestModels.Random(5, 6, 3, seed: 10);
        var path = Path.Combine(_temp.Path, "m");
        var overwrite = new SparkModelSaveOptions { Overwrite = true };
        for (var round = 0; round < 20; round++)
        {
            using var start = new Barrier(2);
            var saves = new[]
            {
                Task.Run(() => { start.SignalAndWait(); SparkModelDirectory.Save(first, path, firstUsers, firstItems, overwrite); }),
                Task.Run(() => { start.SignalAndWait(); SparkModelDirectory.Save(second, path, secondUsers, secondItems, overwrite); }),
            };

            await Task.WhenAll(saves);
            Assert.Contains(SparkModelDirectory.Load(path).Model.Factors, new[] { 2, 3 });
            Assert.Equal(["m"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void Save_Cancelled_LeavesNothingBehind()
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "m"), users, items, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Theory]
    [InlineData("part-")]
    [InlineData("_SUCCESS")]
    public void Save_CancelledAsTheLastFilesAreWritten_IsCancelledAndLeavesTheEarlierModel(string cancelAfter)
    {
        var (earlier, earlierUsers, earlierItems) = TestModels.Random(3, 4, 2, seed: 9);
        var (model, users, items) = TestModels.Random(5, 6, 3, seed: 10);
        var path = Path.Combine(_temp.Path, "m");
        SparkModelDirectory.Save(earlier, path, earlierUsers, earlierItems);
        using var cancel = new CancellationTokenSource();
        var written = new List<string>();
        SparkModelWriter.FileWritten.Value = file =>
        {
            written.Add(file);
            // The item side is written last: cancel once its last part (or the marker after it) is on disk.
            var itemFiles = written.Count(f => f.Contains("itemFactors", StringComparison.Ordinal));
            if (file.Contains("itemFactors", StringComparison.Ordinal) && Path.GetFileName(file).StartsWith(cancelAfter, StringComparison.Ordinal)
                && (cancelAfter != "part-" || itemFiles == 2))
            {
                cancel.Cancel();
            }
        };

        try
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
                SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { PartCount = 2, Overwrite = true }, cancel.Token));
        }
        finally
        {
            SparkModelWriter.FileWritten.Value = null;
        }

        Assert.True(cancel.IsCancellationRequested, string.Join(", ", written.Select(Path.GetFileName)));
        Assert.Equal(2, SparkModelDirectory.Load(path).Model.Factors);
        Assert.Equal(["m"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_UnfinishedFolderOfAKilledSave_IsRemovedOnceStale()
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        string Leftover(string name, string suffix, TimeSpan age)
        {
            var folder = Path.Combine(_temp.Path, $".{name}.{Guid.NewGuid():N}{suffix}");
            Directory.CreateDirectory(Path.Combine(folder, "userFactors"));
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
            return folder;
        }

        var stale = Leftover("m", ".tmp", SparkModelDirectory.StaleAfter + TimeSpan.FromMinutes(1));
        var young = Leftover("m", ".tmp", TimeSpan.FromMinutes(5));
        var old = Leftover("m", ".old", TimeSpan.FromDays(2));
        var other = Leftover("other", ".tmp", TimeSpan.FromDays(2));

        SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "m"), users, items);

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(young), "a save in progress may own it");
        Assert.True(Directory.Exists(old), "it may hold the only copy of a model");
        Assert.True(Directory.Exists(other), "it belongs to another target");
        Assert.Equal(2, SparkModelDirectory.Load(Path.Combine(_temp.Path, "m")).Model.Factors);
    }

    [Fact]
    public void Save_NameUpToTheSystemsLimit_IsSavedAndLeavesNothingElse()
    {
        // 255 bytes is what Linux and macOS take in a name; the temporary folder's name adds 38 to the target's.
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        var name = new string('m', 240);

        SparkModelDirectory.Save(model, Path.Combine(_temp.Path, name), users, items);
        SparkModelDirectory.Save(model, Path.Combine(_temp.Path, name), users, items, new SparkModelSaveOptions { Overwrite = true });

        Assert.Equal(2, SparkModelDirectory.Load(Path.Combine(_temp.Path, name)).Model.Factors);
        Assert.Equal([name], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_ParentMissingOrAFile_FailsNamingTheDirectoryAndCreatesNothing()
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        var file = Path.Combine(_temp.Path, "file");
        File.WriteAllText(file, "text");

        foreach (var path in new[] { Path.Combine(_temp.Path, "missing", "m"), Path.Combine(file, "m") })
        {
            var error = Assert.ThrowsAny<IOException>(() => SparkModelDirectory.Save(model, path, users, items));

            Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal([file], Directory.GetFileSystemEntries(_temp.Path));
    }

    [LinuxTheory]
    [InlineData("fifo", "a FIFO (named pipe)")]
    [InlineData("dangling", "a symbolic link that leads to no folder")]
    [InlineData("link to a file", "a symbolic link that leads to no folder")]
    [InlineData("file", "a file")]
    public void Save_TargetThatIsNoFolder_SaysWhatItIsAndLeavesItAlone(string what, string described)
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        var path = Path.Combine(_temp.Path, "m");
        var file = Path.Combine(_temp.Path, "file");
        switch (what)
        {
            case "fifo":
                MovieRecs.Tests.UnixFiles.MakeFifo(path);
                break;
            case "dangling":
                File.CreateSymbolicLink(path, Path.Combine(_temp.Path, "nothing"));
                break;
            case "link to a file":
                File.WriteAllText(file, "text");
                File.CreateSymbolicLink(path, file);
                break;
            default:
                File.WriteAllText(path, "text");
                break;
        }

        var before = Directory.GetFileSystemEntries(_temp.Path).Order().ToArray();
        var error = Assert.Throws<IOException>(() => SparkModelDirectory.Save(model, path, users, items, new SparkModelSaveOptions { Overwrite = true }));

        Assert.Equal($"'{path}' is {described}; a Spark model is saved as a directory.", error.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(_temp.Path).Order());
    }

    [LinuxTheory]
    [InlineData("movierecs-model")]
    public void Save_FolderThatRefusesNewEntries_ErrorNamesTheDirectoryNotTheTemporaryFolder(string name)
    {
        // The kernel's process folder takes no new entry, even from root (who may write to any read-only folder).
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);
        var path = Path.Combine("/proc", name);

        var error = Assert.ThrowsAny<IOException>(() => SparkModelDirectory.Save(model, path, users, items));

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Save_FixedTimestampAndUid_IsByteForByteReproducibleExceptPartNames()
    {
        var (model, users, items) = TestModels.Random(10, 12, 5, seed: 12);
        var options = new SparkModelSaveOptions { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Uid = "ALS_0123456789ab" };

        SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "a"), users, items, options);
        SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "b"), users, items, options);

        Assert.Equal(Contents(Path.Combine(_temp.Path, "a")), Contents(Path.Combine(_temp.Path, "b")));
    }

    [Fact]
    public void Save_IdsOfAnotherCount_Throws()
    {
        var (model, users, items) = TestModels.Random(3, 4, 2, seed: 9);

        Assert.Throws<ArgumentException>(() => SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "m"), items, items));
        Assert.Throws<ArgumentException>(() => SparkModelDirectory.Save(model, Path.Combine(_temp.Path, "m"), users, users));
    }

    /// <summary>What a reader sees of a part file's layout (not its data): schema nodes, physical and logical types,
    /// repetition, codecs, encodings, row groups and Spark's key-value metadata.</summary>
    private static string Describe(string file)
    {
        using var reader = new ParquetFileReader(file);
        var metadata = reader.FileMetaData;
        var lines = new List<string> { $"version {metadata.Version}", $"row groups {metadata.NumRowGroups}" };
        lines.AddRange(metadata.KeyValueMetadata.Select(kv => $"kv {kv.Key} = {kv.Value}"));
        Walk(metadata.Schema.GroupNode, string.Empty, lines);
        for (var c = 0; c < metadata.NumColumns; c++)
        {
            var column = metadata.Schema.Column(c);
            lines.Add($"column {column.Path.ToDotString()} {column.PhysicalType} {column.LogicalType} def {column.MaxDefinitionLevel} rep {column.MaxRepetitionLevel}");
            using var group = reader.RowGroup(0);
            var chunk = group.MetaData.GetColumnChunkMetaData(c);
            lines.Add($"chunk {c} {chunk.Compression} [{string.Join(",", chunk.Encodings)}] statistics {chunk.IsStatsSet}");
        }

        return string.Join('\n', lines);
    }

    private static void Walk(ParquetSharp.Schema.Node node, string indent, List<string> lines)
    {
        var physical = node is ParquetSharp.Schema.PrimitiveNode primitive ? primitive.PhysicalType.ToString() : "group";
        lines.Add($"{indent}{node.Repetition} {physical} {node.Name} {node.LogicalType}");
        if (node is ParquetSharp.Schema.GroupNode group)
        {
            foreach (var field in group.Fields)
            {
                Walk(field, indent + "  ", lines);
            }
        }
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static SortedDictionary<int, int[]> IdsByPart(string folder)
    {
        var result = new SortedDictionary<int, int[]>();
        foreach (var file in Directory.GetFiles(folder, "part-*"))
        {
            var part = int.Parse(Path.GetFileName(file).AsSpan(5, 5), System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new ParquetFileReader(file);
            using var group = reader.RowGroup(0);
            result[part] = group.Column(0).LogicalReader<int>().ReadAll(checked((int)group.MetaData.NumRows));
        }

        return result;
    }

    private static List<string> Contents(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => System.Text.RegularExpressions.Regex.Replace(Path.GetRelativePath(folder, f), "[0-9a-f]{8}-[0-9a-f-]{27}", "UUID") + " " + Convert.ToBase64String(File.ReadAllBytes(f)))
            .Order(StringComparer.Ordinal)];

    /// <summary>zlib's CRC-32, bit by bit: a reference independent of System.IO.Hashing.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
