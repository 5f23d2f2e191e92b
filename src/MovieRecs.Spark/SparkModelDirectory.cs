using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Persistence;

namespace MovieRecs.Spark;

/// <summary>
/// Loads Apache Spark MLlib ALS models (the directories <c>ALSModel.write().save(path)</c> writes) into MovieRecs
/// models with their user and item ids, and saves MovieRecs models as such directories, which Spark's
/// <c>ALSModel.load(path)</c> reads.
/// </summary>
/// <remarks>
/// <para>A Spark ALSModel directory holds <c>metadata/part-00000</c> (one JSON line: <c>class</c>, <c>timestamp</c>,
/// <c>sparkVersion</c>, <c>uid</c>, <c>paramMap</c>, <c>defaultParamMap</c>, <c>rank</c>) and the folders
/// <c>userFactors</c> and <c>itemFactors</c>, each a Parquet dataset of <c>part-*</c> files with the columns
/// <c>id</c> (int32) and <c>features</c> (a list of <c>rank</c> floats), rows in no particular order, plus
/// <c>_SUCCESS</c> markers and Hadoop <c>.crc</c> checksum files.</para>
/// <para><b>Row order and ties.</b> Loading numbers the users and the items in ascending id order, whatever order the
/// part files hold them in: row <c>u</c> of the model is the <c>u</c>-th smallest user id (<see cref="ModelFileContent.Users"/>),
/// as <c>InteractionMatrix</c> numbers MovieLens ids. The core breaks score ties by the lower row index, so equal
/// scores (common in Spark models, where many items share bit-identical vectors) are ranked by ascending id: the
/// same directory always gives the same lists.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class SparkModelDirectory
{
    /// <summary>The class a loadable directory's metadata names: <c>org.apache.spark.ml.recommendation.ALSModel</c>.</summary>
    public const string AlsModelClass = "org.apache.spark.ml.recommendation.ALSModel";

    /// <summary>Loads a Spark ALSModel directory.</summary>
    /// <param name="directory">The folder <c>ALSModel.save</c> wrote (holding <c>metadata</c>, <c>userFactors</c> and <c>itemFactors</c>).</param>
    /// <param name="options">The training hyperparameters and the limits; <see cref="SparkModelLoadOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between part files and row groups.</param>
    /// <returns>The model (rank from the metadata, <see cref="SparkModelLoadOptions.Training"/> as its options) and the
    /// user and item ids, both in ascending id order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or names a file (a Spark model is a folder).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="SparkModelException">The directory is not a valid ALSModel; <see cref="SparkModelException.Kind"/>
    /// tells why (a missing file, metadata of another model, a checksum mismatch, a truncated or damaged part, another
    /// schema, vectors of the wrong length, null or non-finite factors, a repeated id, sizes beyond
    /// <see cref="SparkModelLoadOptions.MaxElementCount"/>, no users or no items) and the message names the file.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>Reads every part file's footer first (schema and row counts) and checks the declared size against
    /// <see cref="SparkModelLoadOptions.MaxElementCount"/> before allocating; then reads the parts one at a time into one
    /// id array and one factor array per side, verifying each part's checksum file and walking its page headers, so a
    /// page that declares more than the rows can need is rejected before it is inflated. Peak memory: the factors
    /// twice (as read, then laid out for serving) plus one part file.</para>
    /// <para>A part deleted together with its checksum file cannot be told from one that was never written (Spark
    /// writes no list of parts); one deleted alone is reported as <see cref="SparkModelError.MissingFile"/>.</para>
    /// </remarks>
    public static ModelFileContent Load(string directory, SparkModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckDirectory(directory);
        options ??= SparkModelLoadOptions.Default;
        options.Validate();
        var metadata = SparkModelReader.ReadMetadata(directory, options.VerifyChecksums);
        var rank = metadata.Rank;
        var userParts = SparkModelReader.ListParts(directory, SparkModelReader.UserFactors);
        var itemParts = SparkModelReader.ListParts(directory, SparkModelReader.ItemFactors);
        var userRows = SparkModelReader.ReadFooters(userParts, cancellationToken);
        var itemRows = SparkModelReader.ReadFooters(itemParts, cancellationToken);
        CheckSize(directory, userRows, itemRows, rank, options.MaxElementCount);
        var users = SparkModelReader.ReadSide(userParts, (int)userRows, rank, options.VerifyChecksums, cancellationToken);
        var items = SparkModelReader.ReadSide(itemParts, (int)itemRows, rank, options.VerifyChecksums, cancellationToken);
        var userIds = SortById(users, rank, "user");
        var itemIds = SortById(items, rank, "item");
        var model = AlsModel.FromFactors(options.Training with { Factors = rank }, users.Factors, items.Factors);
        return new ModelFileContent(model, IdIndex.Create(userIds), IdIndex.Create(itemIds));
    }

    /// <summary>
    /// Saves <paramref name="model"/> as a Spark ALSModel directory that Spark's <c>ALSModel.load</c> reads: the
    /// metadata line, and for each side snappy-compressed Parquet part files with Spark's schema, every file with its
    /// Hadoop checksum file and each folder with a <c>_SUCCESS</c> marker.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="directory">The folder to create (its parent must exist).</param>
    /// <param name="users">The Spark id of each user row (<see cref="AlsModel.UserCount"/> ids).</param>
    /// <param name="items">The Spark id of each item row (<see cref="AlsModel.ItemCount"/> ids).</param>
    /// <param name="options">Columns, cold-start strategy, part count, overwrite; <see cref="SparkModelSaveOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between part files, and once more before the finished folder is moved
    /// into place.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="directory"/>, <paramref name="users"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty, an id index has another count than the
    /// model's rows, or <paramref name="options"/> is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SparkModelSaveOptions.PartCount"/> is out of range.</exception>
    /// <exception cref="IOException"><paramref name="directory"/> exists (and <see cref="SparkModelSaveOptions.Overwrite"/> is
    /// not set) or is a file, or a file cannot be written; nothing is left behind, and the message names
    /// <paramref name="directory"/> (never the temporary folder).</exception>
    /// <exception cref="DirectoryNotFoundException">The parent folder of <paramref name="directory"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The parent folder is not writable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is left behind.</exception>
    /// <remarks>
    /// <para>The directory is written under a temporary name beside the target (<c>.NAME.GUID.tmp</c>) and renamed
    /// into place once complete, so a failed or cancelled save leaves no half-written model (an existing one being
    /// overwritten is renamed aside first, then deleted). Saves to one directory at the same time, with
    /// <see cref="SparkModelSaveOptions.Overwrite"/>, all succeed and leave one of their models, complete.</para>
    /// <para>The layout is Spark 3.5.5's, down to the Parquet schema (<c>required int32 id</c> without annotation,
    /// the three-level <c>features</c> list of required floats), PLAIN-encoded version-1 pages, snappy, statistics,
    /// and Spark's schema JSON in the key-value metadata; rows are spread over the part files by id as Spark's hash
    /// partitioner does. O(model size); one part file is held in memory at a time.</para>
    /// </remarks>
    public static void Save(
        AlsModel model, string directory, IdIndex<int> users, IdIndex<int> items, SparkModelSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        if (users.Count != model.UserCount)
        {
            throw new ArgumentException($"users has {users.Count} ids but the model has {model.UserCount} users.", nameof(users));
        }

        if (items.Count != model.ItemCount)
        {
            throw new ArgumentException($"items has {items.Count} ids but the model has {model.ItemCount} items.", nameof(items));
        }

        options ??= SparkModelSaveOptions.Default;
        options.Validate();
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{MessageText.Escape(directory)}' has no parent folder.", nameof(directory));
        var name = Path.GetFileName(target);
        var kind = FileKinds.Of(target);
        if (File.Exists(target) || (kind == FileKind.SymbolicLink && !Directory.Exists(target)))
        {
            var what = kind switch
            {
                FileKind.SymbolicLink => "a symbolic link that leads to no folder",
                FileKind.Regular or FileKind.Unknown => "a file",
                _ => FileKinds.Describe(kind),
            };
            throw new IOException($"'{MessageText.Escape(directory)}' is {what}; a Spark model is saved as a directory.");
        }

        if (Directory.Exists(target) && !options.Overwrite)
        {
            throw new IOException($"'{MessageText.Escape(directory)}' already exists; remove it or set SparkModelSaveOptions.Overwrite.");
        }

        if (!Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"Could not save the model to '{MessageText.Escape(directory)}': its parent folder does not exist.");
        }

        // Unfinished folders of killed saves; a .NAME.GUID.old folder is kept, as it may hold the only copy of a model.
        TemporaryName.RemoveStale(parent, name, StaleAfter, folders: true);
        var temporary = Path.Combine(parent, TemporaryName.For(name));
        try
        {
            SparkModelWriter.Write(model, users, items, temporary, options, cancellationToken);

            // A cancellation during the last part's write still cancels: the finished folder is not moved in.
            cancellationToken.ThrowIfCancellationRequested();
            MoveIntoPlace(temporary, target, parent, name, options.Overwrite);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            FileCleanup.TryDeleteDirectory(temporary);
            throw IOErrors.Named(error, $"Could not save the model to '{MessageText.Escape(directory)}': {MessageText.Escape(error.Message.Replace(temporary, target, StringComparison.Ordinal))}");
        }
        catch
        {
            FileCleanup.TryDeleteDirectory(temporary);
            throw;
        }
    }

    /// <summary>
    /// Renames the finished folder to the target, moving an earlier model aside first (and back, if the rename then
    /// fails). Another save to the same target may move its model in or out between the checks and the renames; with
    /// <paramref name="overwrite"/> this save then tries again (a few times), so that concurrent saves end with one
    /// complete model and no error.
    /// </summary>
    private static void MoveIntoPlace(string temporary, string target, string parent, string name, bool overwrite)
    {
        for (var attempt = 1; ; attempt++)
        {
            var retry = overwrite && attempt < 8;
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, TemporaryName.For(name)[..^".tmp".Length] + ".old");
                try
                {
                    Directory.Move(target, old);
                }
                catch (DirectoryNotFoundException) when (retry)
                {
                    // Another save moved it away first (and may have put its own in place since).
                    continue;
                }

                try
                {
                    Directory.Move(temporary, target);
                }
                catch (IOException) when (retry && Directory.Exists(target))
                {
                    // Another save put its model in place meanwhile; the earlier model was to go anyway.
                    FileCleanup.TryDeleteDirectory(old);
                    continue;
                }
                catch
                {
                    // Put the previous model back before reporting the failure.
                    TryMoveBack(old, target);
                    throw;
                }

                FileCleanup.TryDeleteDirectory(old);
                return;
            }

            try
            {
                Directory.Move(temporary, target);
                return;
            }
            catch (IOException) when (retry && Directory.Exists(target))
            {
                // Another save put its model in place first: replace it, as it would have replaced an earlier one.
            }
        }
    }

    /// <summary>How long a temporary folder of a save must have been left untouched before a later save of the same
    /// target removes it, as the core's file writers do: a live save writes into it continuously.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    private static void TryMoveBack(string old, string target)
    {
        try
        {
            Directory.Move(old, target);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Another save put its model there in the meantime; the previous one stays under its hidden name.
        }
    }

    /// <summary>Reads only the metadata of a Spark ALSModel directory (checked as <see cref="Load"/> checks it).</summary>
    /// <param name="directory">The model's folder.</param>
    /// <param name="verifyChecksum">Whether to verify the metadata's Hadoop checksum file, when present.</param>
    /// <returns>What the metadata says.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or names a file.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="SparkModelException">The metadata is missing, invalid, of another class, or fails its checksum.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SparkModelMetadata ReadMetadata(string directory, bool verifyChecksum = true)
    {
        CheckDirectory(directory);
        return SparkModelReader.ReadMetadata(directory, verifyChecksum);
    }

    private static void CheckDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(directory))
        {
            throw new ArgumentException($"'{MessageText.Escape(directory)}' is a file; a Spark model is a directory (holding metadata, userFactors and itemFactors).", nameof(directory));
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The Spark model directory '{MessageText.Escape(directory)}' does not exist.");
        }
    }

    private static void CheckSize(string directory, long userRows, long itemRows, int rank, long maxElements)
    {
        if (userRows == 0 || itemRows == 0)
        {
            SparkErrors.Throw(
                SparkModelError.EmptyFactors, directory, $"the model has {userRows} user and {itemRows} item vectors; a model has at least one of each.");
        }

        var elements = (userRows + itemRows) * (double)rank;
        if (elements > maxElements)
        {
            SparkErrors.Throw(
                SparkModelError.TooManyElements,
                directory,
                $"the part files declare {userRows} users and {itemRows} items of rank {rank}: {elements:0} floats, more than the limit of {maxElements} (SparkModelLoadOptions.MaxElementCount).");
        }

        var largest = Math.Max(userRows, itemRows) * (double)rank;
        if (largest > Array.MaxLength)
        {
            SparkErrors.Throw(
                SparkModelError.TooManyElements, directory, $"one side declares {largest:0} floats; one side holds at most {Array.MaxLength} (one .NET array).");
        }
    }

    /// <summary>Sorts a side's rows by id (moving the vectors along, in place) and checks that no id repeats.</summary>
    private static int[] SortById(SparkModelReader.Side side, int rank, string what)
    {
        var ids = side.Ids;
        var order = new int[ids.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sorted = (int[])ids.Clone();
        Array.Sort(sorted, order);
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                var first = PartOf(side, Math.Min(order[i], order[i - 1]));
                var second = PartOf(side, Math.Max(order[i], order[i - 1]));
                SparkErrors.Throw(
                    SparkModelError.DuplicateId,
                    second,
                    first == second
                        ? $"{what} id {sorted[i]} appears twice in this part file."
                        : $"{what} id {sorted[i]} appears here and in {Path.GetFileName(first)}.");
            }
        }

        Permute(side.Factors, order, rank);
        return sorted;
    }

    private static string PartOf(SparkModelReader.Side side, int row)
    {
        var p = 0;
        while (side.PartStarts[p + 1] <= row)
        {
            p++;
        }

        return side.Parts[p].SourceName;
    }

    /// <summary>Reorders rows in place so that row <c>i</c> becomes the row that was at <c>order[i]</c> (cycle by cycle, one spare row).</summary>
    private static void Permute(float[] factors, int[] order, int rank)
    {
        var spare = new float[rank];
        var done = new bool[order.Length];
        for (var start = 0; start < order.Length; start++)
        {
            if (done[start] || order[start] == start)
            {
                continue;
            }

            factors.AsSpan(start * rank, rank).CopyTo(spare);
            var target = start;
            while (true)
            {
                done[target] = true;
                var source = order[target];
                if (source == start)
                {
                    spare.CopyTo(factors.AsSpan(target * rank, rank));
                    break;
                }

                factors.AsSpan(source * rank, rank).CopyTo(factors.AsSpan(target * rank, rank));
                target = source;
            }
        }
    }
}
