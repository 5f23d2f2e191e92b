using System.Diagnostics.CodeAnalysis;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <content>The archive as stored: <see cref="ImplicitModelData"/> read from and written to an <c>.npz</c>, every
/// entry kept, for the loader and saver above and for tests that compare files with numpy's.</content>
public static partial class ImplicitModelFile
{
    /// <summary>The key of the user factor matrix (users x factors).</summary>
    internal const string UserFactorsKey = "user_factors";

    /// <summary>The key of the item factor matrix (items x factors).</summary>
    internal const string ItemFactorsKey = "item_factors";

    /// <summary>The key of the number of factors (int64 scalar).</summary>
    internal const string FactorsKey = "factors";

    /// <summary>The key of the regularization (float64 scalar).</summary>
    internal const string RegularizationKey = "regularization";

    /// <summary>The key of alpha (float64 scalar).</summary>
    internal const string AlphaKey = "alpha";

    /// <summary>The key of the number of iterations (int64 scalar).</summary>
    internal const string IterationsKey = "iterations";

    /// <summary>The key of the factors' dtype name (string scalar, e.g. <c>float32</c>).</summary>
    internal const string DataTypeKey = "dtype";

    /// <summary>The key of the external user ids (this library's addition; int32 vector).</summary>
    internal const string UserIdsKey = "user_ids";

    /// <summary>The key of the external item ids (this library's addition; int32 vector).</summary>
    internal const string ItemIdsKey = "item_ids";

    /// <summary>The options implicit saves between <c>factors</c> and <c>alpha</c>, in the order it saves them.</summary>
    private static readonly string[] ImplicitOptionOrder =
        ["num_threads", IterationsKey, "use_native", "use_cg", "cg_steps", "calculate_training_loss", DataTypeKey, "random_state"];

    /// <summary>Reads a model from an <c>.npz</c> archive in <paramref name="stream"/>.</summary>
    /// <param name="stream">The archive (seekable streams avoid buffering it in memory).</param>
    /// <param name="options">Limits; <see cref="NpyReadOptions.Default"/> when null. <see cref="NpyReadOptions.MaxElementCount"/>
    /// bounds each array and also all the arrays of the model together. Factor matrices are always converted to
    /// float32 as they are read, whatever <see cref="NpyReadOptions.ConvertFloatsToSingle"/> says.</param>
    /// <param name="sourceName">The name shown in error messages; the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <returns>The model data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The archive or an entry is invalid, a factor matrix is missing
    /// (<see cref="ModelFileError.MissingEntry"/>), the arrays together hold more than
    /// <see cref="NpyReadOptions.MaxElementCount"/> elements (<see cref="ModelFileError.TooManyElements"/>), or the entries do not form a valid model
    /// (<see cref="ModelFileError.InvalidModel"/>: factor matrices that are not 2-D floats with the same number of
    /// columns, <c>factors</c> different from that number, non-finite factors, a hyperparameter of the wrong type
    /// or range, ids of the wrong length or repeated). The message names the file and the key.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>Every size is checked before the bytes it describes are inflated or anything is allocated for them: each
    /// entry's declared size and array header against the limits, both factor matrices' shapes (and types) from
    /// their headers before either is read, and every other entry's shape against what the limit leaves. So a small
    /// archive of highly compressed entries (a zip bomb) is rejected for what it would take, not after taking it.</para>
    /// <para>float64 and float16 factors are converted to float32 block by block as they stream in; the result
    /// takes the arrays as read, without a further copy. O(file size).</para>
    /// </remarks>
    internal static ImplicitModelData Read(Stream stream, NpyReadOptions? options = null, string? sourceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        sourceName ??= stream is FileStream file ? file.Name : "stream";
        return Read(stream, options ?? NpyReadOptions.Default, sourceName, checkFactors: null, cancellationToken);
    }

    /// <summary>Reads a model file.</summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <param name="options">Limits for every array; <see cref="NpyReadOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <returns>The model data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder (the message says a model file is expected).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">As for <see cref="Read(Stream, NpyReadOptions?, string?, CancellationToken)"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>See <see cref="Read(Stream, NpyReadOptions?, string?, CancellationToken)"/>.</remarks>
    internal static ImplicitModelData Read(string path, NpyReadOptions? options = null, CancellationToken cancellationToken = default) =>
        Read(path, options ?? NpyReadOptions.Default, checkFactors: null, cancellationToken);

    /// <summary>
    /// Writes <paramref name="model"/> as implicit's <c>save()</c> would, so that implicit's
    /// <c>AlternatingLeastSquares.load()</c> reads it: the factor matrices as float32, <c>regularization</c> and
    /// <c>alpha</c> as float64, <c>factors</c> and <c>iterations</c> as int64, <c>dtype</c> = <c>"float32"</c>, the
    /// options as stored, in implicit's key order, then <c>user_ids</c> and <c>item_ids</c> when present.
    /// </summary>
    /// <param name="stream">The destination (need not be seekable). It is left open.</param>
    /// <param name="model">The model.</param>
    /// <param name="compression">Stored (as implicit writes, the default) or deflated entries.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="compression"/> is not defined.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>The factor matrices are written straight from the model's storage, without a copy.</remarks>
    internal static void Write(Stream stream, ImplicitModelData model, NpzCompression compression = NpzCompression.Stored, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        NpzArchive.Write(stream, Entries(model), compression, cancellationToken);
    }

    /// <summary>Writes <paramref name="model"/> to a file, replacing it atomically if it exists (see <see cref="Write(Stream, ImplicitModelData, NpzCompression, CancellationToken)"/>).</summary>
    /// <param name="path">The <c>.npz</c> file. Unlike numpy, no <c>.npz</c> suffix is appended.</param>
    /// <param name="model">The model.</param>
    /// <param name="compression">Stored (as implicit writes, the default) or deflated entries.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="compression"/> is not defined.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>Atomic, as <see cref="AlsModelFile"/> saves: the archive goes to a temporary file beside
    /// <paramref name="path"/>, flushed to the disk, then renamed over it, so a failure or cancellation leaves the
    /// previous file as it was and no temporary file; stale temporary files of <paramref name="path"/> that a killed
    /// process left are removed; a symbolic link is followed and kept.</remarks>
    internal static void Write(string path, ImplicitModelData model, NpzCompression compression = NpzCompression.Stored, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        NpzArchive.CheckCompression(compression);
        AtomicFileWriter.Write(path, "the model", stream => NpzArchive.Write(stream, Entries(model), compression, cancellationToken), cancellationToken);
    }

    /// <summary>Whether <paramref name="key"/> is held by a typed member of <see cref="ImplicitModelData"/> rather than its options.</summary>
    internal static bool IsReservedKey(string key) => key is UserFactorsKey or ItemFactorsKey or FactorsKey or RegularizationKey
        or AlphaKey or IterationsKey or DataTypeKey or UserIdsKey or ItemIdsKey;

    /// <summary>The index of the first NaN or infinity, or -1.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the first id equal to an earlier one, or -1.</summary>
    internal static int FirstDuplicate(ReadOnlySpan<int> ids)
    {
        var seen = new HashSet<int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!seen.Add(ids[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static IEnumerable<KeyValuePair<string, NpyArray>> Entries(ImplicitModelData model)
    {
        yield return new(UserFactorsKey, NpyArray.Wrap(model.UserFactorArray, model.UserCount, model.Factors));
        yield return new(ItemFactorsKey, NpyArray.Wrap(model.ItemFactorArray, model.ItemCount, model.Factors));
        yield return new(RegularizationKey, NpyArray.Scalar(model.Regularization));
        yield return new(FactorsKey, NpyArray.Scalar((long)model.Factors));
        foreach (var key in ImplicitOptionOrder)
        {
            if (key == IterationsKey)
            {
                yield return new(IterationsKey, NpyArray.Scalar((long)model.Iterations));
            }
            else if (key == DataTypeKey)
            {
                yield return new(DataTypeKey, NpyArray.Scalar("float32"));
            }
            else if (model.Options.TryGetValue(key, out var value))
            {
                yield return new(key, value);
            }
        }

        yield return new(AlphaKey, NpyArray.Scalar(model.Alpha));
        foreach (var key in model.OptionOrder)
        {
            if (Array.IndexOf(ImplicitOptionOrder, key) < 0)
            {
                yield return new(key, model.Options[key]);
            }
        }

        if (model.HasUserIds)
        {
            yield return new(UserIdsKey, NpyArray.Create(model.UserIds));
        }

        if (model.HasItemIds)
        {
            yield return new(ItemIdsKey, NpyArray.Create(model.ItemIds));
        }
    }

    /// <summary>Reads a model from <paramref name="stream"/>, letting <paramref name="checkFactors"/> reject the
    /// factor shapes (users, items, factors) before either matrix is inflated or allocated.</summary>
    internal static ImplicitModelData Read(Stream stream, NpyReadOptions options, string sourceName, Action<int, int, int>? checkFactors, CancellationToken cancellationToken)
    {
        using var archive = NpzArchive.Open(stream, options, leaveOpen: true, sourceName);
        return Read(archive, options, sourceName, checkFactors, cancellationToken);
    }

    /// <inheritdoc cref="Read(Stream, NpyReadOptions, string, Action{int, int, int}?, CancellationToken)"/>
    internal static ImplicitModelData Read(string path, NpyReadOptions options, Action<int, int, int>? checkFactors, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options.Validate();
        using var stream = InputFile.OpenRead(path, "a model file");
        return Read(stream, options, path, checkFactors, cancellationToken);
    }

    private static ImplicitModelData Read(NpzArchive archive, NpyReadOptions options, string sourceName, Action<int, int, int>? checkFactors, CancellationToken cancellationToken)
    {
        foreach (var required in (ReadOnlySpan<string>)[UserFactorsKey, ItemFactorsKey])
        {
            if (!archive.Contains(required))
            {
                NpyErrors.Throw(
                    ModelFileError.MissingEntry,
                    sourceName,
                    $"'{required}' is missing (the archive holds: {string.Join(", ", archive.Names)}); implicit leaves the factors out only for a model that was never fitted.");
            }
        }

        // Both shapes come from the entries' headers before either matrix is read, so that what the pair would take
        // is known before anything is inflated or allocated for it; the limit applies to the pair, below.
        var factorOptions = options with { ConvertFloatsToSingle = true };
        var shapeOptions = factorOptions with { MaxElementCount = long.MaxValue };
        var (users, factors) = FactorShape(archive, UserFactorsKey, shapeOptions, sourceName);
        var (items, itemColumns) = FactorShape(archive, ItemFactorsKey, shapeOptions, sourceName);
        if (itemColumns != factors)
        {
            Invalid(sourceName, ItemFactorsKey, $"has {itemColumns} columns but {UserFactorsKey} has {factors}; both hold one column per factor");
        }

        checkFactors?.Invoke(users, items, factors);
        var budget = new ElementBudget(options.MaxElementCount, sourceName);
        budget.TakeFactors(users, items, factors);
        var userFactors = ReadFactors(archive, UserFactorsKey, factorOptions, sourceName, cancellationToken);
        var itemFactors = ReadFactors(archive, ItemFactorsKey, factorOptions, sourceName, cancellationToken);
        var regularization = DefaultedDouble(archive, RegularizationKey, ImplicitModelData.DefaultRegularization, options, budget, cancellationToken);
        if (regularization < 0)
        {
            Invalid(sourceName, RegularizationKey, $"is {regularization}; it must be at least 0");
        }

        var alpha = DefaultedDouble(archive, AlphaKey, ImplicitModelData.DefaultAlpha, options, budget, cancellationToken);
        var iterations = ImplicitModelData.DefaultIterations;
        if (archive.Contains(IterationsKey))
        {
            var value = ReadInteger(archive, IterationsKey, options, budget, cancellationToken);
            if (value is < 0 or > int.MaxValue)
            {
                Invalid(sourceName, IterationsKey, $"is {value}; it must be in [0, {int.MaxValue}]");
            }

            iterations = (int)value;
        }

        if (archive.Contains(FactorsKey))
        {
            var value = ReadInteger(archive, FactorsKey, options, budget, cancellationToken);
            if (value != factors)
            {
                Invalid(sourceName, FactorsKey, $"is {value} but the factor matrices have {factors} columns");
            }
        }

        if (archive.Contains(DataTypeKey))
        {
            var dtype = budget.Read(archive, DataTypeKey, options, cancellationToken);
            if (dtype.DataType != NpyDataType.Unicode || dtype.Length != 1 || dtype.GetString() is not ("float16" or "float32" or "float64"))
            {
                Invalid(sourceName, DataTypeKey, $"must name a float dtype (float16, float32 or float64); found {Describe(dtype)}");
            }
        }

        var userIds = ReadIds(archive, UserIdsKey, users, options, budget, cancellationToken);
        var itemIds = ReadIds(archive, ItemIdsKey, items, options, budget, cancellationToken);
        var others = new List<KeyValuePair<string, NpyArray>>();
        foreach (var name in archive.Names)
        {
            if (!IsReservedKey(name))
            {
                others.Add(new(name, budget.Read(archive, name, options, cancellationToken)));
            }
        }

        return new ImplicitModelData(userFactors, itemFactors, factors, regularization, alpha, iterations, others, userIds, itemIds);
    }

    /// <summary>The rows and columns of a factor matrix, from its entry's header: it must be a 2-D float array with at least one column.</summary>
    private static (int Rows, int Columns) FactorShape(NpzArchive archive, string key, NpyReadOptions options, string sourceName)
    {
        var header = archive.ReadHeader(key, options);
        if (header.Format.DataType is not (NpyDataType.Float16 or NpyDataType.Float32 or NpyDataType.Float64) || header.Shape.Length != 2)
        {
            Invalid(sourceName, key, $"must be a 2-D float array; found {header.Format.DataType} {NpyHeader.FormatShape(header.Shape)}");
        }

        if (header.Shape[1] < 1)
        {
            Invalid(sourceName, key, $"has shape {NpyHeader.FormatShape(header.Shape)}; a model has at least one factor");
        }

        return (header.Shape[0], header.Shape[1]);
    }

    /// <summary>Reads a factor matrix whose shape <see cref="FactorShape"/> has accepted, and checks its values.</summary>
    private static float[] ReadFactors(NpzArchive archive, string key, NpyReadOptions options, string sourceName, CancellationToken cancellationToken)
    {
        var array = archive.Read(key, options, cancellationToken);
        if (array.DataType != NpyDataType.Float32 || array.Rank != 2)
        {
            Invalid(sourceName, key, $"must be a 2-D float array; found {Describe(array)}");
        }

        var columns = array.Shape[1];
        var values = (float[])array.Data;
        var bad = FirstNonFinite(values);
        if (bad >= 0)
        {
            Invalid(sourceName, key, $"[{bad / columns}, {bad % columns}] = {values[bad]} is not finite");
        }

        return values;
    }

    private static double DefaultedDouble(NpzArchive archive, string key, double fallback, NpyReadOptions options, ElementBudget budget, CancellationToken cancellationToken)
    {
        if (!archive.Contains(key))
        {
            return fallback;
        }

        var sourceName = budget.SourceName;
        var array = budget.Read(archive, key, options, cancellationToken);
        if (array.Length != 1 || array.DataType is NpyDataType.Unicode or NpyDataType.Bool)
        {
            Invalid(sourceName, key, $"must be a numeric scalar; found {Describe(array)}");
        }

        var value = array.GetDouble();
        if (!double.IsFinite(value))
        {
            Invalid(sourceName, key, $"is {value}; it must be finite");
        }

        return value;
    }

    private static long ReadInteger(NpzArchive archive, string key, NpyReadOptions options, ElementBudget budget, CancellationToken cancellationToken)
    {
        var sourceName = budget.SourceName;
        var array = budget.Read(archive, key, options, cancellationToken);
        if (array.Length != 1 || !IsInteger(array.DataType) || (array.DataType == NpyDataType.UInt64 && array.AsSpan<ulong>()[0] > long.MaxValue))
        {
            Invalid(sourceName, key, $"must be an integer scalar; found {Describe(array)}");
        }

        return array.GetInt64();
    }

    private static int[]? ReadIds(NpzArchive archive, string key, int count, NpyReadOptions options, ElementBudget budget, CancellationToken cancellationToken)
    {
        if (!archive.Contains(key))
        {
            return null;
        }

        var sourceName = budget.SourceName;
        var array = budget.Read(archive, key, options, cancellationToken);
        if (array.Rank != 1 || !IsInteger(array.DataType))
        {
            Invalid(sourceName, key, $"must be a 1-D integer array; found {Describe(array)}");
        }

        if (array.Length != count)
        {
            Invalid(sourceName, key, $"holds {array.Length} ids for {count} rows");
        }

        int[] ids;
        try
        {
            ids = array.ToInt32Array();
        }
        catch (OverflowException e)
        {
            throw NpyErrors.Create(ModelFileError.InvalidModel, sourceName, $"'{key}': {e.Message}", e);
        }

        var duplicate = FirstDuplicate(ids);
        if (duplicate >= 0)
        {
            Invalid(sourceName, key, $"[{duplicate}] = {ids[duplicate]} repeats an earlier id");
        }

        return ids;
    }

    private static bool IsInteger(NpyDataType type) => type is NpyDataType.Int8 or NpyDataType.UInt8 or NpyDataType.Int16
        or NpyDataType.UInt16 or NpyDataType.Int32 or NpyDataType.UInt32 or NpyDataType.Int64 or NpyDataType.UInt64;

    private static string Describe(NpyArray array) =>
        array.Length == 1 && array.DataType == NpyDataType.Unicode ? $"{array} '{array.GetString()}'" : array.ToString();

    [DoesNotReturn]
    private static void Invalid(string sourceName, string key, string detail) =>
        NpyErrors.Throw(ModelFileError.InvalidModel, sourceName, $"'{key}' {detail}.");

    /// <summary>
    /// What <see cref="NpyReadOptions.MaxElementCount"/> leaves for the arrays of one model not yet read: each array's
    /// elements (characters for strings) are taken from it, on the strength of its header, before its payload is
    /// inflated or allocated.
    /// </summary>
    private sealed class ElementBudget(long limit, string sourceName)
    {
        private long _taken;

        public string SourceName => sourceName;

        public void TakeFactors(int users, int items, int factors)
        {
            var elements = ((long)users + items) * factors;
            if (elements > limit)
            {
                NpyErrors.Throw(
                    ModelFileError.TooManyElements,
                    sourceName,
                    $"'{UserFactorsKey}' ({users} x {factors}) and '{ItemFactorsKey}' ({items} x {factors}) hold {elements} elements together, more than ModelLoadOptions.MaxElementCount = {limit} (which bounds all the arrays of a model).");
            }

            _taken = elements;
        }

        /// <summary>Reads the array named <paramref name="key"/> if what it holds fits in what is left.</summary>
        public NpyArray Read(NpzArchive archive, string key, NpyReadOptions options, CancellationToken cancellationToken)
        {
            var header = archive.ReadHeader(key, options);
            var units = header.Format.DataType == NpyDataType.Unicode ? header.ElementCount * header.Format.StringLength : header.ElementCount;
            if (units > limit - _taken)
            {
                NpyErrors.Throw(
                    ModelFileError.TooManyElements,
                    sourceName,
                    $"'{key}' of shape {NpyHeader.FormatShape(header.Shape)} would bring the model's arrays to {_taken + units} elements, more than ModelLoadOptions.MaxElementCount = {limit} (which bounds all the arrays of a model).");
            }

            _taken += units;
            return archive.Read(key, options, cancellationToken);
        }
    }
}
