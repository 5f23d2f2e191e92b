using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>The kinds of <see cref="Damage"/>, simplest first.</summary>
public enum DamageKind
{
    /// <summary>One bit flipped at each position: bit <c>Bytes[i] % 8</c> at <c>Positions[i]</c>.</summary>
    FlipBits,

    /// <summary><c>Bytes[i]</c> written at <c>Positions[i]</c>.</summary>
    Overwrite,

    /// <summary>The file cut after its first <c>Positions[0]</c> bytes.</summary>
    Truncate,

    /// <summary><c>Bytes</c> inserted before byte <c>Positions[0]</c>.</summary>
    Splice,
}

/// <summary>
/// Damage to a valid binary file as a value that FsCheck draws and shrinks, of four kinds: a few bits flipped, a few
/// bytes overwritten, the file cut short, or bytes spliced in. (The reliability properties' <c>FileCorruptionGen</c>
/// is the wider catalogue, without shrinking.) Positions are taken
/// modulo the file's length (or the first <c>within</c> bytes), so the same damage applies to any file and stays
/// valid as the file shrinks. Shrinks to fewer positions and bytes, positions and bytes nearer 0, a simpler kind.
/// </summary>
public sealed record Damage(DamageKind Kind, int[] Positions, byte[] Bytes)
{
    /// <summary>A damaged copy of <paramref name="file"/> (which is not changed), the positions within its first <paramref name="within"/> bytes.</summary>
    public byte[] Apply(byte[] file, int within = int.MaxValue)
    {
        var length = Math.Min(file.Length, within);
        var result = (byte[])file.Clone();
        if (length == 0)
        {
            return result;
        }

        switch (Kind)
        {
            case DamageKind.FlipBits:
                for (var i = 0; i < Positions.Length; i++)
                {
                    result[Positions[i] % length] ^= (byte)(1 << (Bytes[i % Bytes.Length] % 8));
                }

                return result;
            case DamageKind.Overwrite:
                for (var i = 0; i < Positions.Length; i++)
                {
                    result[Positions[i] % length] = Bytes[i % Bytes.Length];
                }

                return result;
            case DamageKind.Truncate:
                return result[..(Positions[0] % length)];
            default:
                var at = Positions[0] % length;
                return [.. result[..at], .. Bytes, .. result[at..]];
        }
    }

    /// <summary>Any of the four kinds: one to four flips or writes, a cut anywhere, one to fifteen bytes spliced in.</summary>
    public static Gen<Damage> Any { get; } =
        from kind in Gen.Elements(Enum.GetValues<DamageKind>())
        from count in kind is DamageKind.FlipBits or DamageKind.Overwrite ? Gen.Choose(1, 4) : Gen.Constant(1)
        from positions in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), count)
        from byteCount in kind == DamageKind.Splice ? Gen.Choose(1, 15) : Gen.Constant(count)
        from bytes in Gen.ArrayOf(Shrinkable.Byte, byteCount)
        select new Damage(kind, positions, bytes);

    /// <summary>One to three bits flipped.</summary>
    public static Gen<Damage> BitFlips { get; } =
        from count in Gen.Choose(1, 3)
        from positions in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), count)
        from bits in Gen.ArrayOf(Gen.Choose(0, 7).Select(b => (byte)b), count)
        select new Damage(DamageKind.FlipBits, positions, bits);

    public static Arbitrary<Damage> AnyArb { get; } = Arb.From(Any, d => Shrink(d, keepKind: false));

    public static Arbitrary<Damage> BitFlipsArb { get; } = Arb.From(BitFlips, d => Shrink(d, keepKind: true));

    /// <summary>A simpler kind (unless <paramref name="keepKind"/>), a position or a byte fewer, a position or a byte nearer 0.</summary>
    public static IEnumerable<Damage> Shrink(Damage d, bool keepKind)
    {
        if (!keepKind)
        {
            foreach (var kind in Enum.GetValues<DamageKind>().Where(k => k < d.Kind))
            {
                yield return new Damage(kind, d.Positions[..1], d.Bytes[..1]);
            }
        }

        var paired = d.Kind is DamageKind.FlipBits or DamageKind.Overwrite;
        for (var i = 0; i < d.Positions.Length && d.Positions.Length > 1; i++)
        {
            yield return d with { Positions = [.. d.Positions[..i], .. d.Positions[(i + 1)..]], Bytes = paired ? [.. d.Bytes[..i], .. d.Bytes[(i + 1)..]] : d.Bytes };
        }

        for (var i = 0; i < d.Bytes.Length && d.Bytes.Length > 1 && !paired; i++)
        {
            yield return d with { Bytes = [.. d.Bytes[..i], .. d.Bytes[(i + 1)..]] };
        }

        foreach (var positions in Shrinkable.ShrinkArray(d.Positions, p => Shrinkable.Toward(p, 0), d.Positions.Length))
        {
            yield return d with { Positions = positions };
        }

        foreach (var bytes in Shrinkable.ShrinkArray(d.Bytes, Shrinkable.Toward0, d.Bytes.Length))
        {
            yield return d with { Bytes = bytes };
        }
    }

    public override string ToString() => $"{Kind} at [{string.Join(", ", Positions)}] bytes {Convert.ToHexString(Bytes)}";
}
