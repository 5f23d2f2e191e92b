using System.Diagnostics.CodeAnalysis;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Persistence;

/// <summary>
/// Loads and saves fitted <see cref="AlsModel"/>s in the model files of the Python library <c>implicit</c>: the
/// <c>.npz</c> archive that <c>implicit.cpu.als.AlternatingLeastSquares.save()</c> writes with <c>numpy.savez</c> and
/// that its <c>load()</c> reads back with <c>numpy.load(allow_pickle=False)</c>, optionally with the external ids of
/// the users and items. A model trained in Python serves here, and one trained here serves in Python.
/// </summary>
/// <remarks>
/// <para>implicit saves these keys, each as a numpy array (Python scalars become rank-0 arrays):
/// <c>user_factors</c> and <c>item_factors</c> (2-D, of the model's dtype), <c>regularization</c> (float64),
/// <c>factors</c> (int64), <c>num_threads</c> (int64), <c>iterations</c> (int64), <c>use_native</c> and
/// <c>use_cg</c> (bool), <c>cg_steps</c> (int64), <c>calculate_training_loss</c> (bool), <c>dtype</c> (the
/// dtype's name as a string, e.g. <c>float32</c>), <c>random_state</c> (int64; left out when None) and
/// <c>alpha</c> (float64). Its <c>load()</c> sets every key it finds on a default-constructed model, turning
/// <c>dtype</c> back into a numpy dtype and rank-0 arrays into Python scalars.</para>
/// <para>This library adds two optional keys, <c>user_ids</c> and <c>item_ids</c> (int32 vectors): implicit's
/// <c>load()</c> accepts them as plain attributes.</para>
/// <para>implicit knows one convention only, so the archive does not record <see cref="AlsOptions.Convention"/>: a
/// model trained with <see cref="AlsConvention.Spark"/> loads back with <see cref="AlsConvention.Implicit"/> (its factors
/// unchanged; fold-in and explanations then use implicit's). <see cref="AlsModelFile"/> keeps the convention.</para>
/// <para>Loading treats every file as hostile, as <see cref="AlsModelFile"/> does: each array's header is checked
/// before its payload is inflated or allocated, and every failure is a <see cref="ModelFileException"/> naming the
/// file (and the entry) and the problem. Saving to a path is atomic, as <see cref="AlsModelFile"/> saves.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static partial class ImplicitModelFile
{
    private const string NumThreadsKey = "num_threads";
    private const string UseNativeKey = "use_native";
    private const string UseCgKey = "use_cg";
    private const string CgStepsKey = "cg_steps";
    private const string CalculateTrainingLossKey = "calculate_training_loss";
    private const string RandomStateKey = "random_state";

    /// <summary>
    /// Writes <paramref name="model"/> as the <c>.npz</c> archive that implicit's <c>AlternatingLeastSquares.save()</c>
    /// writes and its <c>load()</c> reads, plus <c>user_ids</c> and <c>item_ids</c> (int32, the external id of each
    /// row) when given.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">The destination (need not be seekable); left open.</param>
    /// <param name="users">The external id of each user row (<see cref="AlsModel.UserCount"/> ids), or <see langword="null"/>.</param>
    /// <param name="items">The external id of each item row (<see cref="AlsModel.ItemCount"/> ids), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">An id index has a different count than the model's rows, or <paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>The entries are stored uncompressed, as implicit writes them. The options map to implicit's attributes:
    /// <c>factors</c>, <c>regularization</c>, <c>alpha</c>, <c>iterations</c>, <c>use_cg</c>
    /// (<see cref="AlsSolver.ConjugateGradient"/>), <c>cg_steps</c>, <c>random_state</c> (<see cref="AlsOptions.Seed"/>),
    /// <c>num_threads</c> (<see cref="AlsOptions.MaxDegreeOfParallelism"/>, 0 for all cores),
    /// <c>calculate_training_loss</c>, <c>use_native</c> = true and <c>dtype</c> = <c>"float32"</c>. The training
    /// loss is not saved (implicit has no attribute for it).</para>
    /// <para>O(file size). When rows carry no padding (the factor count is a multiple of the vector width) the
    /// factors are written straight from the model; otherwise through one unpadded copy per matrix.</para>
    /// </remarks>
    public static void Save(AlsModel model, Stream stream, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default) =>
        Save(model, stream, users, items, NpzCompression.Stored, cancellationToken);

    /// <summary>Saves <paramref name="model"/> to an implicit <c>.npz</c> file, atomically (see
    /// <see cref="Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file; unlike numpy, no <c>.npz</c> suffix is appended. Replaced only once the new content is complete.</param>
    /// <param name="users">The external id of each user row, or <see langword="null"/>.</param>
    /// <param name="items">The external id of each item row, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends with a folder separator, or an id index has a different count than the model's rows.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed, or <paramref name="path"/> is a folder, a FIFO, a socket or a device; the message names <paramref name="path"/> (the previous file, if any, is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is not writable; the message names <paramref name="path"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the previous file is unchanged).</exception>
    /// <remarks>As <see cref="AlsModelFile.Save(AlsModel, string, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>:
    /// the archive goes to a temporary file beside <paramref name="path"/>, flushed to the disk, then renamed over it,
    /// so a failure or cancellation leaves the previous file as it was and no temporary file; stale temporary files of
    /// <paramref name="path"/> that a killed process left are removed; a symbolic link is followed and kept.</remarks>
    public static void Save(AlsModel model, string path, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default) =>
        Save(model, path, users, items, NpzCompression.Stored, cancellationToken);

    /// <summary>
    /// Loads a model saved by implicit's <c>AlternatingLeastSquares.save()</c> (or by <see cref="Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>)
    /// as a model that serves, with the ids of <c>user_ids</c>/<c>item_ids</c> when the archive holds them.
    /// </summary>
    /// <param name="stream">The archive (seekable streams avoid buffering it in memory); left open.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <param name="displayName">The name errors show (<see cref="ModelFileException.SourceName"/>), usually the file name; the file path of a <see cref="FileStream"/>, or "stream", when null.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <returns>The model, ready to serve, and the ids saved with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">The archive is not a model this library serves; <see cref="ModelFileException.Kind"/>
    /// tells why: not a readable zip or a damaged entry (<see cref="ModelFileError.InvalidArchive"/>), an entry that is
    /// not a supported numpy array (<see cref="ModelFileError.BadMagic"/>, <see cref="ModelFileError.ObjectArray"/>...),
    /// a factor matrix missing (<see cref="ModelFileError.MissingEntry"/>), a model that would take more than
    /// <see cref="ModelLoadOptions.MaxElementCount"/> floats (<see cref="ModelFileError.TooManyElements"/>), or entries
    /// that do not form a model this library serves (<see cref="ModelFileError.InvalidModel"/>: factor matrices that
    /// are not 2-D floats with the same number of columns, non-finite factors, no user or no item rows, more than
    /// <see cref="AlsOptions.MaxFactors"/> factors, alpha not above 0, <c>cg_steps</c> below 1, a hyperparameter of
    /// the wrong type or range, ids of the wrong length or repeated). The message names the source, the entry and the problem.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <para>Options come from the archive's scalars, with implicit's defaults for absent ones (regularization 0.01,
    /// alpha 1, 15 iterations): <c>use_cg</c> chooses the solver, <c>num_threads</c> 0 (or absent) becomes -1 (all
    /// cores), <c>random_state</c> becomes the seed (0 when absent; values beyond the int range keep their low 32
    /// bits). The training loss is <see langword="null"/>. Other entries are ignored.</para>
    /// <para>The factor shapes are read from the entries' headers first, and the model they make, rows padded to the
    /// vector width (see <see cref="ModelLoadOptions.MaxElementCount"/>), is checked against the limit before
    /// either matrix is inflated or allocated; every other array counts against the same limit
    /// (<see cref="ModelFileError.TooManyElements"/>). A small archive of highly compressed entries (a zip bomb)
    /// therefore costs only what reading its headers costs.</para>
    /// <para>O(file size); float64 and float16 factors are narrowed to float32 as they stream in. When rows need no
    /// padding the model takes the arrays as read; otherwise each matrix is copied once into padded storage.</para>
    /// </remarks>
    public static ModelFileContent Load(Stream stream, ModelLoadOptions? options = null, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ModelLoadOptions.Default;
        options.Validate();
        var sourceName = displayName ?? (stream is FileStream file ? file.Name : "stream");
        var data = Read(stream, NpyOptions(options), sourceName, ShapeCheck(options, sourceName), cancellationToken);
        return ToModel(data, sourceName);
    }

    /// <summary>Loads an implicit <c>.npz</c> model file (see <see cref="Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/>).</summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked between blocks of each array.</param>
    /// <returns>The model, ready to serve, and the ids saved with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder (the message says a model file is expected).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="ModelFileException">As for <see cref="Load(Stream, ModelLoadOptions?, string?, CancellationToken)"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ModelFileContent Load(string path, ModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ModelLoadOptions.Default;
        options.Validate();
        var data = Read(path, NpyOptions(options), ShapeCheck(options, path), cancellationToken);
        return ToModel(data, path);
    }

    /// <summary>Writes <paramref name="model"/> with the given entry compression (see <see cref="Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>).</summary>
    internal static void Save(AlsModel model, Stream stream, IdIndex<int>? users, IdIndex<int>? items, NpzCompression compression, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelArguments.CheckWritable(stream);
        ModelArguments.CheckIds(model, users, items);
        Write(stream, ToData(model, users, items), compression, cancellationToken);
    }

    /// <summary>Saves <paramref name="model"/> with the given entry compression (see <see cref="Save(AlsModel, string, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>).</summary>
    internal static void Save(AlsModel model, string path, IdIndex<int>? users, IdIndex<int>? items, NpzCompression compression, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelArguments.CheckIds(model, users, items);
        var data = ToData(model, users, items);
        NpzArchive.CheckCompression(compression);
        AtomicFileWriter.Write(path, "the model", stream => NpzArchive.Write(stream, Entries(data), compression, cancellationToken), cancellationToken);
    }

    /// <summary>The implicit view of <paramref name="model"/>: unpadded factors (the model's own arrays when unpadded) and its options under implicit's names.</summary>
    internal static ImplicitModelData ToData(AlsModel model, IdIndex<int>? users, IdIndex<int>? items)
    {
        var o = model.Options;
        var options = new List<KeyValuePair<string, NpyArray>>
        {
            new(NumThreadsKey, NpyArray.Scalar((long)(o.MaxDegreeOfParallelism == -1 ? 0 : o.MaxDegreeOfParallelism))),
            new(UseNativeKey, NpyArray.Scalar(true)),
            new(UseCgKey, NpyArray.Scalar(o.Solver == AlsSolver.ConjugateGradient)),
            new(CgStepsKey, NpyArray.Scalar((long)o.CgSteps)),
            new(CalculateTrainingLossKey, NpyArray.Scalar(o.ComputeLoss)),
            new(RandomStateKey, NpyArray.Scalar((long)o.Seed)),
        };
        return new ImplicitModelData(
            Unpadded(model, user: true),
            Unpadded(model, user: false),
            o.Factors,
            o.Regularization,
            o.Alpha,
            o.Iterations,
            options,
            users?.Keys.ToArray(),
            items?.Keys.ToArray());
    }

    /// <summary>A model that serves from implicit's data, with options from its scalars.</summary>
    internal static ModelFileContent ToModel(ImplicitModelData data, string sourceName)
    {
        var factors = data.Factors;
        CheckShape(data.UserCount, data.ItemCount, factors, long.MaxValue, sourceName);
        var stride = AlsModel.StrideFor(factors);
        var threads = Integer(data, NumThreadsKey, 0, sourceName);
        var seed = Integer(data, RandomStateKey, 0, sourceName);
        var cgSteps = Integer(data, CgStepsKey, 3, sourceName);
        if (cgSteps is < 1 or > int.MaxValue)
        {
            InvalidModel(sourceName, CgStepsKey, $"is {cgSteps}; it must be in [1, {int.MaxValue}]");
        }

        var options = new AlsOptions
        {
            Factors = factors,
            Regularization = data.Regularization,
            Alpha = data.Alpha,
            Iterations = data.Iterations,
            Solver = Boolean(data, UseCgKey, true, sourceName) ? AlsSolver.ConjugateGradient : AlsSolver.Cholesky,
            CgSteps = (int)cgSteps,
            Seed = unchecked((int)seed),
            MaxDegreeOfParallelism = threads <= 0 ? -1 : (int)Math.Min(threads, int.MaxValue),
            ComputeLoss = Boolean(data, CalculateTrainingLossKey, false, sourceName),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw NpyErrors.Create(ModelFileError.InvalidModel, sourceName, $"the options cannot drive an AlsModel: {e.Message}", e);
        }

        var model = AlsModel.FromPaddedStorage(
            options,
            Padded(data.UserFactorArray, data.UserCount, factors, stride),
            Padded(data.ItemFactorArray, data.ItemCount, factors, stride),
            trainingLoss: null);
        var users = data.HasUserIds ? new IdIndex<int>(data.UserIds.ToArray(), EqualityComparer<int>.Default) : null;
        var items = data.HasItemIds ? new IdIndex<int>(data.ItemIds.ToArray(), EqualityComparer<int>.Default) : null;
        return new ModelFileContent(model, users, items);
    }

    /// <summary>The limits of <paramref name="options"/> for the arrays of an implicit archive: all of them together
    /// (unpadded) may hold no more than the model may.</summary>
    private static NpyReadOptions NpyOptions(ModelLoadOptions options) => new() { MaxElementCount = options.MaxElementCount };

    /// <summary>The check <see cref="ImplicitModelFile"/> runs on the factor shapes, before reading either matrix.</summary>
    private static Action<int, int, int> ShapeCheck(ModelLoadOptions options, string sourceName) =>
        (users, items, factors) => CheckShape(users, items, factors, options.MaxElementCount, sourceName);

    /// <summary>Rejects factor shapes this library cannot serve, or whose padded rows would take more than
    /// <paramref name="maxElements"/> floats.</summary>
    private static void CheckShape(int users, int items, int factors, long maxElements, string sourceName)
    {
        if (factors > AlsOptions.MaxFactors)
        {
            InvalidModel(sourceName, FactorsKey, $"is {factors}; MovieRecs serves models of at most {AlsOptions.MaxFactors} factors");
        }

        if (users == 0 || items == 0)
        {
            InvalidModel(
                sourceName, UserFactorsKey, $"and '{ItemFactorsKey}' have {users} and {items} rows; a model has at least one of each");
        }

        var stride = AlsModel.StrideFor(factors);
        if (users > AlsModel.MaxRows(stride) || items > AlsModel.MaxRows(stride))
        {
            throw NpyErrors.Create(
                ModelFileError.TooManyElements,
                sourceName,
                $"{users} users and {items} items of {factors} factors; padded rows of {stride} floats fit at most {AlsModel.MaxRows(stride)} rows in one .NET array.");
        }

        var padded = ((long)users + items) * stride;
        if (padded > maxElements)
        {
            throw NpyErrors.Create(
                ModelFileError.TooManyElements,
                sourceName,
                $"{users} users and {items} items of {factors} factors take {padded} floats once each row is padded to {stride} (the vector width the model computes with), more than ModelLoadOptions.MaxElementCount = {maxElements}.");
        }
    }

    private static float[] Unpadded(AlsModel model, bool user)
    {
        if ((user ? model.UserFactorMatrix : model.ItemFactorMatrix).UnpaddedArray is { } whole)
        {
            return whole;
        }

        var result = new float[(long)(user ? model.UserCount : model.ItemCount) * model.Factors];
        if (user)
        {
            model.CopyUserFactors(result);
        }
        else
        {
            model.CopyItemFactors(result);
        }

        return result;
    }

    /// <summary>The rows of <paramref name="values"/> in padded storage: the array itself when no padding is needed.</summary>
    private static FactorMatrix Padded(float[] values, int rows, int factors, int stride)
    {
        if (stride == factors)
        {
            return new FactorMatrix(values, rows, factors, stride);
        }

        var storage = FactorMatrix.Allocate(rows, factors, stride);
        for (var row = 0; row < rows; row++)
        {
            values.AsSpan(row * factors, factors).CopyTo(storage.Row(row));
        }

        return storage;
    }

    private static long Integer(ImplicitModelData data, string key, long fallback, string sourceName)
    {
        if (!data.Options.TryGetValue(key, out var array))
        {
            return fallback;
        }

        if (array.Length != 1 || !IsInteger(array))
        {
            InvalidModel(sourceName, key, $"must be an integer scalar; found {array}");
        }

        return array.GetInt64();
    }

    private static bool Boolean(ImplicitModelData data, string key, bool fallback, string sourceName)
    {
        if (!data.Options.TryGetValue(key, out var array))
        {
            return fallback;
        }

        if (array.Length != 1 || (array.DataType != NpyDataType.Bool && !IsInteger(array)))
        {
            InvalidModel(sourceName, key, $"must be a bool scalar; found {array}");
        }

        return array.DataType == NpyDataType.Bool ? array.GetBoolean() : array.GetInt64() != 0;
    }

    /// <summary>Whether <paramref name="array"/> holds integers that fit in a <see cref="long"/>.</summary>
    private static bool IsInteger(NpyArray array) => array.DataType switch
    {
        NpyDataType.Int8 or NpyDataType.UInt8 or NpyDataType.Int16 or NpyDataType.UInt16 or NpyDataType.Int32
            or NpyDataType.UInt32 or NpyDataType.Int64 => true,
        NpyDataType.UInt64 => array.AsSpan<ulong>().IndexOfAnyExceptInRange(0UL, (ulong)long.MaxValue) < 0,
        _ => false,
    };

    [DoesNotReturn]
    private static void InvalidModel(string sourceName, string key, string detail) =>
        throw NpyErrors.Create(ModelFileError.InvalidModel, sourceName, $"'{key}' {detail}.");
}
