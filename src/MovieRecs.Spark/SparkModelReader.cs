using System.Buffers.Binary;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace MovieRecs.Spark;

/// <summary>
/// Reads the two factor sides of a Spark ALSModel directory: lists the part files, reads every footer first (schema
/// and row counts, so that the sizes are checked before anything is allocated), then reads the parts one at a time
/// into one id array and one row-major factor array per side, checking checksums, page sizes, vector lengths and
/// values on the way.
/// </summary>
internal static class SparkModelReader
{
    /// <summary>The side folders of an ALSModel directory.</summary>
    public const string UserFactors = "userFactors";

    /// <summary>The side folders of an ALSModel directory.</summary>
    public const string ItemFactors = "itemFactors";

    /// <summary>The fields of Parquet's <c>PageHeader</c> that hold a data page's header, version 1 and 2.</summary>
    private const short DataPageHeader = 5, DataPageHeaderV2 = 8;

    private static ReadOnlySpan<byte> ParquetMagic => "PAR1"u8;

    /// <summary>One side as read: ids and their vectors (row-major, <c>rank</c> floats per row) in file order.</summary>
    internal sealed record Side(int[] Ids, float[] Factors, PartFile[] Parts, long[] PartStarts);

    /// <summary>A part file: its path, the name errors show, and the rows its footer declares.</summary>
    internal sealed record PartFile(string Path, string SourceName)
    {
        public long DeclaredRows { get; set; }
    }

    /// <summary>Reads and checks the metadata JSON line.</summary>
    public static SparkModelMetadata ReadMetadata(string directory, bool verifyChecksums)
    {
        var folder = Path.Combine(directory, "metadata");
        var path = Path.Combine(folder, "part-00000");
        if (!Directory.Exists(folder))
        {
            SparkErrors.Throw(SparkModelError.MissingFile, directory, "not a Spark ALSModel directory: it has no metadata folder.");
        }

        if (!File.Exists(path))
        {
            SparkErrors.Throw(SparkModelError.MissingFile, path, "the metadata file is missing.");
        }

        byte[] bytes;
        using (var stream = ModelFiles.OpenRead(path, path))
        {
            if (stream.Length > SparkMetadataJson.MaxBytes)
            {
                SparkErrors.Throw(
                    SparkModelError.InvalidMetadata, path, $"the metadata file has {stream.Length} bytes; Spark's metadata is one short JSON line (at most {SparkMetadataJson.MaxBytes} bytes are read).");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        CheckOrphanChecksums(folder);
        if (verifyChecksums)
        {
            HadoopChecksum.Verify(bytes, path, path);
        }

        return SparkMetadataJson.Parse(bytes, path);
    }

    /// <summary>The part files of a side, in name order, after checking that no checksum file lacks its file.</summary>
    public static PartFile[] ListParts(string directory, string side)
    {
        var folder = Path.Combine(directory, side);
        if (!Directory.Exists(folder))
        {
            SparkErrors.Throw(SparkModelError.MissingFile, folder, $"the {side} folder is missing.");
        }

        CheckOrphanChecksums(folder);
        var names = Directory.GetFiles(folder)
            .Select(Path.GetFileName)
            .Where(name => name!.StartsWith("part-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (names.Length == 0)
        {
            SparkErrors.Throw(SparkModelError.MissingFile, folder, $"the {side} folder holds no part file.");
        }

        return [.. names.Select(name => new PartFile(Path.Combine(folder, name!), Path.Combine(folder, name!)))];
    }

    /// <summary>Reads every part's footer: checks the file's frame and schema and records its row count.</summary>
    /// <returns>The rows of the side.</returns>
    public static long ReadFooters(PartFile[] parts, CancellationToken cancellationToken)
    {
        long rows = 0;
        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = ModelFiles.OpenRead(part.Path, part.SourceName);
            CheckFrame(stream, part.SourceName);
            stream.Position = 0;
            part.DeclaredRows = Guard(part.SourceName, () =>
            {
                var reader = Sync.Wait(ParquetReader.CreateAsync(stream, leaveStreamOpen: true));
                try
                {
                    CheckSchema(reader, part.SourceName);
                    long declared = 0;
                    for (var g = 0; g < reader.RowGroupCount; g++)
                    {
                        var groupRows = reader.Metadata!.RowGroups[g].NumRows;
                        if (groupRows < 0)
                        {
                            SparkErrors.Throw(SparkModelError.InvalidParquet, part.SourceName, $"row group {g} declares {groupRows} rows.");
                        }

                        declared = checked(declared + groupRows);
                    }

                    return declared;
                }
                finally
                {
                    Sync.Wait(reader.DisposeAsync());
                }
            });
            rows = checked(rows + part.DeclaredRows);
        }

        return rows;
    }

    /// <summary>Reads the parts of a side into arrays sized by <paramref name="rows"/> (the footers' total).</summary>
    public static Side ReadSide(PartFile[] parts, int rows, int rank, bool verifyChecksums, CancellationToken cancellationToken)
    {
        var ids = new int[rows];
        var factors = new float[(long)rows * rank];
        var starts = new long[parts.Length + 1];
        long row = 0;
        for (var p = 0; p < parts.Length; p++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            starts[p] = row;
            var part = parts[p];
            var bytes = ReadAll(part);
            if (verifyChecksums)
            {
                HadoopChecksum.Verify(bytes, part.Path, part.SourceName);
            }

            using (var frame = new MemoryStream(bytes, writable: false))
            {
                CheckFrame(frame, part.SourceName);
            }

            var first = (int)row;
            row += Guard(part.SourceName, () => ReadPart(bytes, part, ids, first, factors, rank, cancellationToken));
        }

        starts[parts.Length] = row;
        return new Side(ids, factors, parts, starts);
    }

    /// <summary>Throws <see cref="SparkModelError.MissingFile"/> when a checksum file <c>.NAME.crc</c> has no <c>NAME</c>.</summary>
    private static void CheckOrphanChecksums(string folder)
    {
        foreach (var crc in Directory.GetFiles(folder, ".*.crc"))
        {
            var name = Path.GetFileName(crc);
            var file = Path.Combine(folder, name[1..^4]);
            if (!File.Exists(file))
            {
                SparkErrors.Throw(
                    SparkModelError.MissingFile,
                    file,
                    $"the file is missing but its checksum file {name} is there: the directory lost a file after Spark wrote it.");
            }
        }
    }

    private static byte[] ReadAll(PartFile part)
    {
        using var stream = ModelFiles.OpenRead(part.Path, part.SourceName);
        if (stream.Length > Array.MaxLength)
        {
            SparkErrors.Throw(SparkModelError.TooManyElements, part.SourceName, $"the part file has {stream.Length} bytes; parts of up to {Array.MaxLength} bytes are read.");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Checks the magic at both ends and the footer length, before the Parquet reader sees the file.</summary>
    private static void CheckFrame(Stream stream, string sourceName)
    {
        var length = stream.Length;
        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        if (length < 4 || stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || !head.SequenceEqual(ParquetMagic))
        {
            SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, length == 0 ? "the part file is empty." : "not a Parquet file (it does not start with PAR1).");
        }

        if (length < 12)
        {
            SparkErrors.Throw(SparkModelError.Truncated, sourceName, $"truncated: {length} bytes cannot hold a Parquet footer.");
        }

        stream.Position = length - 8;
        stream.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(ParquetMagic))
        {
            SparkErrors.Throw(SparkModelError.Truncated, sourceName, "truncated: the file does not end with a Parquet footer and PAR1.");
        }

        var footer = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footer <= 0 || footer > length - 12)
        {
            SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, $"the footer length {footer} does not fit the file of {length} bytes.");
        }

        CheckFooter(stream, length - 8 - footer, footer, sourceName);
    }

    /// <summary>
    /// Walks the footer's Thrift structure before the Parquet reader parses it: a list or string claiming more bytes
    /// than the footer holds would make that reader allocate from the claim (an <see cref="OutOfMemoryException"/>),
    /// and values nested thousands deep would overflow its recursive skipping of unknown fields (a crash).
    /// </summary>
    private static void CheckFooter(Stream stream, long start, int footerLength, string sourceName)
    {
        var footer = new byte[footerLength];
        stream.Position = start;
        stream.ReadExactly(footer);
        var reader = new ThriftCompactReader(footer);
        try
        {
            reader.Skip(ThriftCompactReader.TypeStruct);
        }
        catch (InvalidDataException e)
        {
            throw SparkErrors.Create(SparkModelError.InvalidParquet, sourceName, $"the footer at byte {start} is damaged: {e.Message}", e);
        }
    }

    private static (DataField Id, DataField Element, ListField Features) CheckSchema(ParquetReader reader, string sourceName)
    {
        var fields = reader.Schema.Fields;
        var names = string.Join(", ", fields.Select(f => f.Name));
        if (fields.Count != 2 || fields[0].Name != "id" || fields[1].Name != "features")
        {
            SparkErrors.Throw(SparkModelError.InvalidSchema, sourceName, $"the columns are ({names}); Spark's factors are (id, features).");
        }

        if (fields[0] is not DataField { IsArray: false } id || id.ClrType != typeof(int) || id.SchemaElement?.Type != Parquet.Meta.Type.INT32)
        {
            throw SparkErrors.Create(SparkModelError.InvalidSchema, sourceName, $"the id column is {Describe(fields[0])}; Spark writes a 32-bit integer (INT32).");
        }

        if (fields[1] is not ListField { Item: DataField { IsArray: false } element } features
            || element.ClrType != typeof(float) || element.SchemaElement?.Type != Parquet.Meta.Type.FLOAT)
        {
            throw SparkErrors.Create(SparkModelError.InvalidSchema, sourceName, $"the features column is {Describe(fields[1])}; Spark writes a list of FLOAT.");
        }

        return (id, element, features);
    }

    private static string Describe(Field field) => field switch
    {
        ListField list => $"a list of {Describe(list.Item)}",
        DataField data => $"{data.SchemaElement?.Type?.ToString() ?? "?"} ({data.ClrType.Name}{(data.IsArray ? "[]" : string.Empty)})",
        _ => field.SchemaType.ToString(),
    };

    /// <summary>Reads one part (in memory) into its share of the side's arrays.</summary>
    /// <returns>The rows read (equal to the footer's).</returns>
    private static long ReadPart(byte[] bytes, PartFile part, int[] sideIds, int firstRow, float[] sideFactors, int rank, CancellationToken cancellationToken)
    {
        var ids = sideIds.AsSpan(firstRow, (int)part.DeclaredRows);
        var factors = sideFactors.AsSpan(firstRow * rank, ids.Length * rank);
        using var stream = new MemoryStream(bytes, writable: false);
        var reader = Sync.Wait(ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken));
        try
        {
            var (idField, elementField, featuresField) = CheckSchema(reader, part.SourceName);
            var written = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var group = reader.OpenRowGroupReader(g);
                var rows = group.RowCount;
                if (rows > ids.Length - written)
                {
                    SparkErrors.Throw(SparkModelError.InvalidParquet, part.SourceName, $"row group {g} holds more rows than the footer declared when the load began: the file changed.");
                }

                var groupRows = (int)rows;
                CheckPages(bytes, group, idField, groupRows * 4L, groupRows, part.SourceName);
                CheckPages(bytes, group, elementField, groupRows * 5L * rank, maxValues: null, part.SourceName);
                var groupIds = ids.Slice(written, groupRows);
                ReadIds(group, idField, groupIds, part.SourceName, cancellationToken);
                ReadVectors(group, elementField, featuresField, groupIds, factors.Slice(written * rank, groupRows * rank), rank, part.SourceName, cancellationToken);
                written += groupRows;
            }

            if (written != ids.Length)
            {
                SparkErrors.Throw(SparkModelError.InvalidParquet, part.SourceName, $"the file holds {written} rows but declared {ids.Length} when the load began: the file changed.");
            }

            return written;
        }
        finally
        {
            Sync.Wait(reader.DisposeAsync());
        }
    }

    /// <summary>
    /// Walks the pages of one column chunk (their Thrift headers) and checks every declared size against the chunk and
    /// against what the rows can need, so that no page makes the Parquet reader allocate more than the model's size.
    /// The data pages must hold the chunk's value count between them: the Parquet reader allocates that count up front
    /// and reads page headers until it has that many values, past the chunk's end if the pages hold fewer.
    /// </summary>
    /// <remarks><paramref name="maxValues"/> is the most values the chunk may declare (the rows, for a column that is
    /// not a list), or <see langword="null"/> when the caller checks the count itself.</remarks>
    private static void CheckPages(byte[] bytes, ParquetRowGroupReader group, DataField field, long expectedBytes, long? maxValues, string sourceName)
    {
        var chunk = group.GetMetadata(field)?.MetaData;
        if (chunk is null)
        {
            SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, $"the column {field.Path} has no chunk metadata.");
        }

        if (chunk.NumValues < 0 || chunk.NumValues > maxValues)
        {
            SparkErrors.Throw(
                SparkModelError.InvalidParquet,
                sourceName,
                $"the column {field.Path} declares {chunk.NumValues} values{(maxValues is { } max ? $" for {max} rows" : string.Empty)}.");
        }

        var limit = (2 * expectedBytes) + (1 << 20);
        var start = chunk.DataPageOffset;
        if (chunk.DictionaryPageOffset is { } dictionary && dictionary > 0 && dictionary < start)
        {
            start = dictionary;
        }

        var end = start + chunk.TotalCompressedSize;
        var dataEnd = bytes.Length - 8L;
        if (start < 4 || chunk.TotalCompressedSize < 0 || end > dataEnd)
        {
            SparkErrors.Throw(
                SparkModelError.InvalidParquet,
                sourceName,
                $"the column {field.Path} claims bytes {start}..{end} of a file whose data ends at byte {dataEnd}.");
        }

        if (chunk.TotalUncompressedSize < 0 || chunk.TotalUncompressedSize > limit)
        {
            SparkErrors.Throw(
                SparkModelError.TooManyElements,
                sourceName,
                $"the column {field.Path} declares {chunk.TotalUncompressedSize} bytes uncompressed; its rows need at most {limit}.");
        }

        long uncompressed = 0;
        long values = 0;
        var position = start;
        while (position < end)
        {
            var region = bytes.AsSpan((int)position, (int)(end - position));
            var reader = new ThriftCompactReader(region);
            int pageUncompressed = -1, pageCompressed = -1, pageValues = 0;
            try
            {
                short last = 0;
                while (true)
                {
                    reader.ReadFieldHeader(ref last, out var type, out var id);
                    if (type == ThriftCompactReader.TypeStop)
                    {
                        break;
                    }

                    if (id == 2 && type == ThriftCompactReader.TypeI32)
                    {
                        pageUncompressed = reader.ReadI32();
                    }
                    else if (id == 3 && type == ThriftCompactReader.TypeI32)
                    {
                        pageCompressed = reader.ReadI32();
                    }
                    else if (id is DataPageHeader or DataPageHeaderV2 && type == ThriftCompactReader.TypeStruct)
                    {
                        pageValues = ReadPageValueCount(ref reader);
                    }
                    else
                    {
                        reader.Skip(type);
                    }
                }
            }
            catch (InvalidDataException e)
            {
                throw SparkErrors.Create(SparkModelError.InvalidParquet, sourceName, $"a page header of column {field.Path} at byte {position} is damaged: {e.Message}", e);
            }

            var body = position + reader.Position;
            if (pageCompressed < 0 || pageUncompressed < 0 || pageCompressed > end - body)
            {
                SparkErrors.Throw(
                    SparkModelError.InvalidParquet,
                    sourceName,
                    $"the page of column {field.Path} at byte {position} declares {pageCompressed} bytes, but its chunk has {end - body} left.");
            }

            if (pageValues < 0)
            {
                SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, $"the page of column {field.Path} at byte {position} declares {pageValues} values.");
            }

            values += pageValues;
            uncompressed += pageUncompressed;
            if (uncompressed > limit)
            {
                SparkErrors.Throw(
                    SparkModelError.TooManyElements,
                    sourceName,
                    $"the pages of column {field.Path} declare {uncompressed} bytes uncompressed (the page at byte {position}: {pageUncompressed}); the rows need at most {limit}.");
            }

            position = body + pageCompressed;
        }

        if (values != chunk.NumValues)
        {
            SparkErrors.Throw(
                SparkModelError.InvalidParquet,
                sourceName,
                $"the pages of column {field.Path} hold {values} values but the column declares {chunk.NumValues}.");
        }
    }

    /// <summary>Reads a data page header (version 1 or 2) and returns its <c>num_values</c> (field 1), 0 if absent.</summary>
    private static int ReadPageValueCount(ref ThriftCompactReader reader)
    {
        var count = 0;
        short last = 0;
        while (true)
        {
            reader.ReadFieldHeader(ref last, out var type, out var id);
            if (type == ThriftCompactReader.TypeStop)
            {
                return count;
            }

            if (id == 1 && type == ThriftCompactReader.TypeI32)
            {
                count = reader.ReadI32();
            }
            else
            {
                reader.Skip(type, depth: 1);
            }
        }
    }

    private static void ReadIds(ParquetRowGroupReader group, DataField field, Span<int> ids, string sourceName, CancellationToken cancellationToken)
    {
        using var column = Sync.Wait(group.ReadRawColumnDataBaseAsync(field, cancellationToken));
        var values = ((RawColumnData<int>)column).Values;
        if (values.Length != ids.Length)
        {
            SparkErrors.Throw(
                values.Length < ids.Length && field.IsNullable ? SparkModelError.InvalidValue : SparkModelError.InvalidParquet,
                sourceName,
                $"the id column holds {values.Length} ids for {ids.Length} rows{(field.IsNullable ? " (null ids?)" : string.Empty)}.");
        }

        values.CopyTo(ids);
    }

    private static void ReadVectors(
        ParquetRowGroupReader group, DataField element, ListField features, ReadOnlySpan<int> ids, Span<float> factors, int rank, string sourceName,
        CancellationToken cancellationToken)
    {
        var rows = ids.Length;
        var expected = (long)rows * rank;
        var declared = group.GetMetadata(element)!.MetaData!.NumValues;
        if (declared > expected)
        {
            SparkErrors.Throw(
                SparkModelError.WrongVectorLength,
                sourceName,
                $"the features column holds {declared} values for {rows} rows; vectors of rank {rank} make {expected} (the vectors are longer than the metadata's rank).");
        }

        using var column = Sync.Wait(group.ReadRawColumnDataBaseAsync(element, cancellationToken));
        var values = ((RawColumnData<float>)column).Values;
        var definitions = column.DefinitionLevels;
        var repetitions = column.RepetitionLevels;
        if (values.Length == expected && repetitions.Length == expected && IsRegular(repetitions, rank))
        {
            // Every row has exactly rank non-null values: copy the block, then check the values.
            values.CopyTo(factors);
            for (var k = 0; k < factors.Length; k++)
            {
                if (!float.IsFinite(factors[k]))
                {
                    SparkErrors.Throw(
                        SparkModelError.InvalidValue, sourceName, $"the vector of id {ids[k / rank]} holds {factors[k]} at position {k % rank}; factors must be finite.");
                }
            }

            return;
        }

        DescribeIrregular(values, definitions, repetitions, element, features, ids, rank, sourceName);
    }

    private static bool IsRegular(ReadOnlySpan<int> repetitions, int rank)
    {
        for (var k = 0; k < repetitions.Length; k++)
        {
            if ((repetitions[k] == 0) != (k % rank == 0))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds the first row whose vector is null, holds a null, or has another length than the rank, and throws.</summary>
    private static void DescribeIrregular(
        ReadOnlySpan<float> values, ReadOnlySpan<int> definitions, ReadOnlySpan<int> repetitions, DataField element, ListField features,
        ReadOnlySpan<int> ids, int rank, string sourceName)
    {
        var maxDefinition = element.MaxDefinitionLevel;
        var row = -1;
        var length = 0;
        for (var k = 0; k < repetitions.Length; k++)
        {
            if (repetitions[k] == 0)
            {
                if (row >= 0 && length != rank)
                {
                    ThrowLength(ids, row, length, rank, sourceName);
                }

                row++;
                length = 0;
                if (row >= ids.Length)
                {
                    SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, $"the features column holds more vectors than the {ids.Length} rows.");
                }
            }
            else if (row < 0)
            {
                SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, "the features column does not start with a new vector.");
            }

            var definition = k < definitions.Length ? definitions[k] : maxDefinition;
            if (definition == maxDefinition)
            {
                length++;
            }
            else if (element.IsNullable && definition == maxDefinition - 1)
            {
                SparkErrors.Throw(SparkModelError.InvalidValue, sourceName, $"the vector of id {ids[row]} holds a null at position {length}.");
            }
            else if (features.IsNullable && definition == 0)
            {
                SparkErrors.Throw(SparkModelError.InvalidValue, sourceName, $"the vector of id {ids[row]} is null.");
            }
        }

        if (row >= 0 && length != rank)
        {
            ThrowLength(ids, row, length, rank, sourceName);
        }

        if (row + 1 != ids.Length)
        {
            SparkErrors.Throw(SparkModelError.InvalidParquet, sourceName, $"the features column holds {row + 1} vectors for {ids.Length} rows.");
        }

        SparkErrors.Throw(
            SparkModelError.InvalidParquet, sourceName, $"the features column holds {values.Length} values in {repetitions.Length} levels for {ids.Length} rows of rank {rank}.");
    }

    private static void ThrowLength(ReadOnlySpan<int> ids, int row, int length, int rank, string sourceName) =>
        SparkErrors.Throw(
            SparkModelError.WrongVectorLength,
            sourceName,
            $"the vector of id {ids[row]} has {length} values; the metadata's rank is {rank}.");

    /// <summary>Runs a read, turning the Parquet reader's own failures on damaged input into <see cref="SparkModelError.InvalidParquet"/>.</summary>
    private static T Guard<T>(string sourceName, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (SparkModelException or OperationCanceledException or OutOfMemoryException))
        {
            throw SparkErrors.Create(SparkModelError.InvalidParquet, sourceName, $"the Parquet reader rejects the file: {e.Message}", e);
        }
    }
}
