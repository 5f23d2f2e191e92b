using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MovieRecs.Als;

namespace MovieRecs.Persistence;

/// <summary>
/// Saves and loads fitted <see cref="AlsModel"/>s, optionally with the id indexes of their users and items: in
/// MovieRecs' own versioned binary format, or as <c>implicit</c>'s <c>.npz</c> (so a model trained in Python serves
/// from .NET and the other way).
/// </summary>
/// <remarks>
/// <para>The own format: an 8-byte magic, a format version, a header (shapes, every <see cref="AlsOptions"/> field,
/// the training loss, which indexes follow), the index arrays, the factors (float32, row-major, little-endian), then a
/// CRC-32 over everything after the magic. Loading checks the magic, the version, the shapes against the bytes left
/// (before allocating anything large), finite factors and the checksum, and reads the factors straight into the
/// model's storage.</para>
/// <para>Saving to a path is atomic: the file is written beside the target under a temporary name, flushed to disk,
/// then renamed over the target, so a failure leaves the previous file as it was.</para>
/// </remarks>
public static class AlsModelFile
{
    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    private const int HeaderLength = 60;
    private static readonly byte[] Magic = [0x89, (byte)'M', (byte)'R', (byte)'A', (byte)'L', (byte)'S', (byte)'\r', (byte)'\n'];

    /// <summary>Writes <paramref name="model"/> (and the indexes, when given) to <paramref name="stream"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="users">The external id of each user row, or null.</param>
    /// <param name="items">The external id of each item column, or null.</param>
    /// <param name="cancellationToken">Stops between rows; the stream then holds a partial file.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">An index's count differs from the model's.</exception>
    public static void Save(AlsModel model, Stream stream, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        CheckIndex(users, model.UserCount, nameof(users));
        CheckIndex(items, model.ItemCount, nameof(items));
        RequireLittleEndian();

        stream.Write(Magic);
        var crc = 0u;
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(word, FormatVersion);
        crc = WriteCounted(stream, word, crc);
        BinaryPrimitives.WriteInt32LittleEndian(word, HeaderLength);
        crc = WriteCounted(stream, word, crc);

        var options = model.Options;
        Span<byte> header = stackalloc byte[HeaderLength];
        var h = header;
        BinaryPrimitives.WriteInt32LittleEndian(h, model.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], model.ItemCount);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], options.Factors);
        BinaryPrimitives.WriteDoubleLittleEndian(h[12..], options.Regularization);
        BinaryPrimitives.WriteDoubleLittleEndian(h[20..], options.Alpha);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], options.Iterations);
        BinaryPrimitives.WriteInt32LittleEndian(h[32..], (int)options.Solver);
        BinaryPrimitives.WriteInt32LittleEndian(h[36..], options.CgSteps);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], options.Seed);
        BinaryPrimitives.WriteInt32LittleEndian(h[44..], options.MaxDegreeOfParallelism);
        h[48] = options.ComputeLoss ? (byte)1 : (byte)0;
        h[49] = model.TrainingLoss.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteDoubleLittleEndian(h[50..], model.TrainingLoss ?? 0.0);
        h[58] = users is null ? (byte)0 : (byte)1;
        h[59] = items is null ? (byte)0 : (byte)1;
        crc = WriteCounted(stream, header, crc);

        if (users is not null)
        {
            crc = WriteCounted(stream, MemoryMarshal.AsBytes(users.Keys), crc);
        }

        if (items is not null)
        {
            crc = WriteCounted(stream, MemoryMarshal.AsBytes(items.Keys), crc);
        }

        for (var u = 0; u < model.UserCount; u++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            crc = WriteCounted(stream, MemoryMarshal.AsBytes(model.GetUserFactors(u)), crc);
        }

        for (var i = 0; i < model.ItemCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            crc = WriteCounted(stream, MemoryMarshal.AsBytes(model.GetItemFactors(i)), crc);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(word, crc);
        stream.Write(word);
        stream.Flush();
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (temporary file, flush, rename).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The target file; an existing file is replaced only once the new one is complete.</param>
    /// <param name="users">The external id of each user row, or null.</param>
    /// <param name="items">The external id of each item column, or null.</param>
    /// <param name="cancellationToken">Stops the save; the previous file stays as it was.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An index's count differs from the model's.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(AlsModel model, string path, IdIndex<int>? users = null, IdIndex<int>? items = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(path, stream => Save(model, stream, users, items, cancellationToken));
    }

    /// <summary>Reads a model saved by <see cref="Save(AlsModel, Stream, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>.</summary>
    /// <param name="stream">A readable stream positioned at the start of the file.</param>
    /// <param name="sourceName">The name used in error messages (e.g. the file path); "stream" when null.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The model and the indexes that were saved with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">The file is not a MovieRecs model (bad magic), is of a newer or unknown
    /// format version, is truncated, claims impossible shapes, holds invalid options or non-finite factors, or fails
    /// its checksum; the message says which and names the source.</exception>
    public static AlsModelFileContents Load(Stream stream, string? sourceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireLittleEndian();
        var name = sourceName ?? "stream";
        try
        {
            return LoadCore(stream, name, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw Invalid(name, "truncated: the file ends before the data its header describes");
        }
    }

    /// <summary>Reads a model file from <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The model and its indexes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or not a model file (see <see cref="Load(Stream, string?, CancellationToken)"/>).</exception>
    public static AlsModelFileContents Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(stream, path, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="model"/> as <c>implicit</c>'s saved-model <c>.npz</c> (what
    /// <c>AlternatingLeastSquares.load()</c> reads), with <c>user_ids</c> and <c>item_ids</c> arrays (the external id
    /// of each row) when indexes are given. Atomic like <see cref="Save(AlsModel, string, IdIndex{int}?, IdIndex{int}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The target <c>.npz</c> file.</param>
    /// <param name="users">The external id of each user row, or null.</param>
    /// <param name="items">The external id of each item column, or null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An index's count differs from the model's.</exception>
    public static void SaveImplicitNpz(AlsModel model, string path, IdIndex<int>? users = null, IdIndex<int>? items = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var data = ToImplicit(model, users, items);
        WriteAtomically(path, stream => ImplicitModelFile.Write(stream, data));
    }

    /// <summary>Writes <paramref name="model"/> as <c>implicit</c>'s <c>.npz</c> to a stream.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="users">The external id of each user row, or null.</param>
    /// <param name="items">The external id of each item column, or null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An index's count differs from the model's.</exception>
    public static void SaveImplicitNpz(AlsModel model, Stream stream, IdIndex<int>? users = null, IdIndex<int>? items = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ImplicitModelFile.Write(stream, ToImplicit(model, users, items));
    }

    /// <summary>
    /// Reads <c>implicit</c>'s saved-model <c>.npz</c> (float32 or float64 factors) as a model that serves, with the
    /// <c>user_ids</c>/<c>item_ids</c> indexes when the file has them.
    /// </summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <returns>The model (options from the file's scalars) and the indexes.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid <c>implicit</c> ALS model (the message says why).</exception>
    public static AlsModelFileContents LoadImplicitNpz(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromImplicit(ImplicitModelFile.Read(path), path);
    }

    /// <summary>Reads <c>implicit</c>'s saved-model <c>.npz</c> from a stream.</summary>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <returns>The model and the indexes.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid <c>implicit</c> ALS model.</exception>
    public static AlsModelFileContents LoadImplicitNpz(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return FromImplicit(ImplicitModelFile.Read(stream, sourceName: sourceName), sourceName ?? "stream");
    }

    private static AlsModelFileContents LoadCore(Stream stream, string name, CancellationToken cancellationToken)
    {
        Span<byte> magic = stackalloc byte[8];
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw Invalid(name, "not a MovieRecs model file (bad magic)");
        }

        var crc = 0u;
        Span<byte> word = stackalloc byte[4];
        crc = ReadCounted(stream, word, crc);
        var version = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (version > FormatVersion)
        {
            throw Invalid(name, $"format version {version} is newer than this library supports ({FormatVersion}); update MovieRecs");
        }

        if (version < 1)
        {
            throw Invalid(name, $"unknown format version {version}");
        }

        crc = ReadCounted(stream, word, crc);
        if (BinaryPrimitives.ReadInt32LittleEndian(word) != HeaderLength)
        {
            throw Invalid(name, $"header length {BinaryPrimitives.ReadInt32LittleEndian(word)} is not {HeaderLength}: the header is damaged");
        }

        Span<byte> h = stackalloc byte[HeaderLength];
        crc = ReadCounted(stream, h, crc);
        var users = BinaryPrimitives.ReadInt32LittleEndian(h);
        var items = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
        var factors = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        if (users < 0 || items < 0 || factors < 1 || factors > AlsOptions.MaxFactors)
        {
            throw Invalid(name, $"impossible shape {users} users x {items} items x {factors} factors: the header is damaged");
        }

        var hasUserIds = h[58] == 1;
        var hasItemIds = h[59] == 1;
        var stride = AlsModel.StrideFor(factors);
        var needed = (((long)users + items) * factors * 4) + (hasUserIds ? users * 4L : 0) + (hasItemIds ? items * 4L : 0) + 4;
        if ((long)users * stride > Array.MaxLength || (long)items * stride > Array.MaxLength)
        {
            throw Invalid(name, $"{users} users x {items} items x {factors} factors is larger than one model can hold");
        }

        if (stream.CanSeek && stream.Length - stream.Position < needed)
        {
            throw Invalid(name, $"truncated: the header promises {needed} more bytes but only {stream.Length - stream.Position} remain");
        }

        AlsOptions options;
        try
        {
            options = new AlsOptions
            {
                Factors = factors,
                Regularization = BinaryPrimitives.ReadDoubleLittleEndian(h[12..]),
                Alpha = BinaryPrimitives.ReadDoubleLittleEndian(h[20..]),
                Iterations = BinaryPrimitives.ReadInt32LittleEndian(h[28..]),
                Solver = (AlsSolver)BinaryPrimitives.ReadInt32LittleEndian(h[32..]),
                CgSteps = BinaryPrimitives.ReadInt32LittleEndian(h[36..]),
                Seed = BinaryPrimitives.ReadInt32LittleEndian(h[40..]),
                MaxDegreeOfParallelism = BinaryPrimitives.ReadInt32LittleEndian(h[44..]),
                ComputeLoss = h[48] == 1,
            };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw Invalid(name, "invalid options in the header: " + e.Message);
        }

        double? loss = h[49] == 1 ? BinaryPrimitives.ReadDoubleLittleEndian(h[50..]) : null;
        var userIds = hasUserIds ? new int[users] : null;
        var itemIds = hasItemIds ? new int[items] : null;
        if (userIds is not null)
        {
            crc = ReadCounted(stream, MemoryMarshal.AsBytes(userIds.AsSpan()), crc);
        }

        if (itemIds is not null)
        {
            crc = ReadCounted(stream, MemoryMarshal.AsBytes(itemIds.AsSpan()), crc);
        }

        var userStorage = new float[(long)users * stride];
        var itemStorage = new float[(long)items * stride];
        crc = ReadRows(stream, userStorage, users, factors, stride, crc, name, cancellationToken);
        crc = ReadRows(stream, itemStorage, items, factors, stride, crc, name, cancellationToken);
        stream.ReadExactly(word);
        if (BinaryPrimitives.ReadUInt32LittleEndian(word) != crc)
        {
            throw Invalid(name, "checksum mismatch: the file is corrupted");
        }

        IdIndex<int>? userIndex = null, itemIndex = null;
        try
        {
            userIndex = userIds is null ? null : IdIndex.Create(userIds);
            itemIndex = itemIds is null ? null : IdIndex.Create(itemIds);
        }
        catch (ArgumentException e)
        {
            throw Invalid(name, "invalid id index: " + e.Message);
        }

        return new AlsModelFileContents(AlsModel.FromStorage(options, users, items, userStorage, itemStorage, loss), userIndex, itemIndex);
    }

    private static uint ReadRows(Stream stream, float[] storage, int rows, int factors, int stride, uint crc, string name, CancellationToken cancellationToken)
    {
        for (var r = 0; r < rows; r++)
        {
            if ((r & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var row = storage.AsSpan(r * stride, factors);
            crc = ReadCounted(stream, MemoryMarshal.AsBytes(row), crc);
            foreach (var value in row)
            {
                if (!float.IsFinite(value))
                {
                    throw Invalid(name, $"row {r} holds a non-finite factor ({value})");
                }
            }
        }

        return crc;
    }

    private static uint WriteCounted(Stream stream, ReadOnlySpan<byte> bytes, uint crc)
    {
        stream.Write(bytes);
        return Crc32.Append(crc, bytes);
    }

    private static uint ReadCounted(Stream stream, Span<byte> bytes, uint crc)
    {
        stream.ReadExactly(bytes);
        return Crc32.Append(crc, bytes);
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static ImplicitModelData ToImplicit(AlsModel model, IdIndex<int>? users, IdIndex<int>? items)
    {
        CheckIndex(users, model.UserCount, nameof(users));
        CheckIndex(items, model.ItemCount, nameof(items));
        var userFactors = new float[(long)model.UserCount * model.Factors];
        var itemFactors = new float[(long)model.ItemCount * model.Factors];
        model.CopyUserFactors(userFactors);
        model.CopyItemFactors(itemFactors);
        return new ImplicitModelData(
            userFactors, itemFactors, model.Factors, model.Options.Regularization, model.Options.Alpha, model.Options.Iterations,
            userIds: users is null ? default : users.Keys, itemIds: items is null ? default : items.Keys);
    }

    private static AlsModelFileContents FromImplicit(ImplicitModelData data, string name)
    {
        try
        {
            var options = new AlsOptions { Factors = data.Factors, Regularization = data.Regularization, Alpha = data.Alpha, Iterations = data.Iterations };
            var model = AlsModel.FromFactors(options, data.UserFactors, data.ItemFactors);
            var users = data.HasUserIds ? IdIndex.Create(data.UserIds.ToArray()) : null;
            var items = data.HasItemIds ? IdIndex.Create(data.ItemIds.ToArray()) : null;
            return new AlsModelFileContents(model, users, items);
        }
        catch (ArgumentException e)
        {
            throw Invalid(name, "not a usable ALS model: " + e.Message);
        }
    }

    private static void CheckIndex(IdIndex<int>? index, int count, string name)
    {
        if (index is not null && index.Count != count)
        {
            throw new ArgumentException($"{name} has {index.Count} ids but the model has {count} rows.", name);
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Model files are read and written on little-endian machines only.");
        }
    }

    private static InvalidDataException Invalid(string name, string problem) => new($"{name}: {problem}.");
}
