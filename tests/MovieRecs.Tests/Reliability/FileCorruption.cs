using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// One way to damage a file, as disks, transfers and careless edits do. <see cref="Apply"/> works on any file
/// (positions wrap around its length) and never changes its input; <see cref="object.ToString"/> says exactly what was
/// done, so a failing property shows how to reproduce it.
/// </summary>
internal abstract record FileCorruption
{
    public abstract byte[] Apply(byte[] file);

    private static int At(int position, int length) => length == 0 ? 0 : position % length;

    /// <summary>The file cut after <c>Permille</c>/1000 of its bytes.</summary>
    public sealed record Truncate(int Permille) : FileCorruption
    {
        public override byte[] Apply(byte[] file) => file[..(int)((long)file.Length * Permille / 1000)];
    }

    /// <summary>One bit flipped at each position.</summary>
    public sealed record FlipBits(int[] Positions, int Bit) : FileCorruption
    {
        public override byte[] Apply(byte[] file)
        {
            var result = (byte[])file.Clone();
            foreach (var position in Positions)
            {
                if (result.Length > 0)
                {
                    result[At(position, result.Length)] ^= (byte)(1 << Bit);
                }
            }

            return result;
        }

        public override string ToString() => $"FlipBits(bit {Bit} at [{string.Join(", ", Positions)}])";
    }

    /// <summary>Bytes inserted at a position.</summary>
    public sealed record Insert(int Position, byte[] Bytes) : FileCorruption
    {
        public override byte[] Apply(byte[] file)
        {
            var at = At(Position, file.Length + 1);
            return [.. file.AsSpan(0, at), .. Bytes, .. file.AsSpan(at)];
        }

        public override string ToString() => $"Insert(at {Position}: {Convert.ToHexString(Bytes)})";
    }

    /// <summary>Bytes removed from a position on.</summary>
    public sealed record Delete(int Position, int Count) : FileCorruption
    {
        public override byte[] Apply(byte[] file)
        {
            var at = At(Position, file.Length);
            var count = Math.Min(Count, file.Length - at);
            return [.. file.AsSpan(0, at), .. file.AsSpan(at + count)];
        }
    }

    /// <summary>Bytes written over the file from a position on (the file does not grow).</summary>
    public sealed record Overwrite(int Position, byte[] Bytes) : FileCorruption
    {
        public override byte[] Apply(byte[] file)
        {
            var result = (byte[])file.Clone();
            var at = At(Position, result.Length);
            var count = Math.Min(Bytes.Length, result.Length - at);
            Bytes.AsSpan(0, count).CopyTo(result.AsSpan(at));
            return result;
        }

        public override string ToString() => $"Overwrite(at {Position}: {Convert.ToHexString(Bytes)})";
    }

    /// <summary>The whole file replaced by other bytes.</summary>
    public sealed record Replace(byte[] Bytes) : FileCorruption
    {
        public override byte[] Apply(byte[] file) => (byte[])Bytes.Clone();

        public override string ToString() => $"Replace({Convert.ToHexString(Bytes)})";
    }

    /// <summary>Several corruptions, one after the other.</summary>
    public sealed record Several(FileCorruption[] Steps) : FileCorruption
    {
        public override byte[] Apply(byte[] file) => Steps.Aggregate(file, (bytes, step) => step.Apply(bytes));

        public override string ToString() => $"Several({string.Join(", ", Steps.AsEnumerable())})";
    }
}

/// <summary>FsCheck generators of <see cref="FileCorruption"/>s.</summary>
internal static class FileCorruptionGen
{
    private static readonly Gen<int> Position = Gen.Choose(0, int.MaxValue);

    private static readonly Gen<byte[]> SomeBytes = Gen.Choose(1, 16).SelectMany(n => Gen.ArrayOf(Byte, n));

    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>Random bytes of 0 to <paramref name="maxLength"/> bytes, or those bytes behind a given prefix (a magic string).</summary>
    public static Gen<byte[]> RandomFile(int maxLength, params byte[][] prefixes) =>
        from length in Gen.Choose(0, maxLength)
        from bytes in Gen.ArrayOf(Byte, length)
        from prefix in Gen.Elements(new[] { Array.Empty<byte>() }.Concat(prefixes).ToArray())
        select (byte[])[.. prefix, .. bytes];

    /// <summary>Any single damage: cut, bit flips, inserted, deleted or overwritten bytes, or the whole file replaced.</summary>
    public static Gen<FileCorruption> Single(params byte[][] tokens)
    {
        var truncate = Gen.Choose(0, 999).Select(p => (FileCorruption)new FileCorruption.Truncate(p));
        var flip = from positions in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Position, n))
                   from bit in Gen.Choose(0, 7)
                   select (FileCorruption)new FileCorruption.FlipBits(positions, bit);
        var insert = from position in Position
                     from bytes in tokens.Length == 0 ? SomeBytes : Gen.OneOf(SomeBytes, Gen.Elements(tokens))
                     select (FileCorruption)new FileCorruption.Insert(position, bytes);
        var delete = from position in Position
                     from count in Gen.Choose(1, 24)
                     select (FileCorruption)new FileCorruption.Delete(position, count);
        var overwrite = from position in Position
                        from bytes in SomeBytes
                        select (FileCorruption)new FileCorruption.Overwrite(position, bytes);
        var replace = RandomFile(256).Select(bytes => (FileCorruption)new FileCorruption.Replace(bytes));
        return Gen.Frequency((2, truncate), (3, flip), (3, insert), (2, delete), (2, overwrite), (1, replace));
    }

    /// <summary>One damage most of the time, sometimes two or three in a row.</summary>
    public static Gen<FileCorruption> Any(params byte[][] tokens) =>
        Gen.Frequency(
            (4, Single(tokens)),
            (1, Gen.Choose(2, 3).SelectMany(n => Gen.ArrayOf(Single(tokens), n)).Select(steps => (FileCorruption)new FileCorruption.Several(steps))));
}
