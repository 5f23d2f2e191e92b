using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A numpy array of any supported element type (<see cref="DataType"/> is the <c>NpyDataType</c> value), rank 0 to 2,
/// dimensions 0 to 6: elements of numeric types from raw bits (any pattern: NaNs, infinities and subnormals included),
/// strings of up to five runes from a mixed alphabet (accents, a symbol, an emoji, a control character). Shrinks to
/// a simpler type, fewer and smaller dimensions, bits nearer 0 and shorter strings.
/// </summary>
public sealed record NpyCase(int DataType, int[] Shape, long[] Bits, string[] Texts)
{
    private static readonly string[] Alphabet = [.. "aZ09 é€😀\u0001\u00ff".EnumerateRunes().Select(r => r.ToString())];

    public int Count => Shape.Aggregate(1, (a, b) => a * b);

    internal NpyArray ToArray() => (NpyDataType)DataType switch
    {
        NpyDataType.Bool => NpyArray.Create<bool>(Map(b => (b & 1) == 1), Shape),
        NpyDataType.Int8 => NpyArray.Create<sbyte>(Map(b => (sbyte)b), Shape),
        NpyDataType.UInt8 => NpyArray.Create<byte>(Map(b => (byte)b), Shape),
        NpyDataType.Int16 => NpyArray.Create<short>(Map(b => (short)b), Shape),
        NpyDataType.UInt16 => NpyArray.Create<ushort>(Map(b => (ushort)b), Shape),
        NpyDataType.Int32 => NpyArray.Create<int>(Map(b => (int)b), Shape),
        NpyDataType.UInt32 => NpyArray.Create<uint>(Map(b => (uint)b), Shape),
        NpyDataType.Int64 => NpyArray.Create<long>(Map(b => b), Shape),
        NpyDataType.UInt64 => NpyArray.Create<ulong>(Map(b => (ulong)b), Shape),
        NpyDataType.Float16 => NpyArray.Create<Half>(Map(b => BitConverter.UInt16BitsToHalf((ushort)b)), Shape),
        NpyDataType.Float32 => NpyArray.Create<float>(Map(b => BitConverter.Int32BitsToSingle((int)b)), Shape),
        NpyDataType.Float64 => NpyArray.Create<double>(Map(BitConverter.Int64BitsToDouble), Shape),
        _ => NpyArray.Create<string>(Texts, Shape),
    };

    public static Gen<NpyCase> Gen { get; } =
        from type in FsCheck.Fluent.Gen.Choose(1, 13)
        from shape in Shrinkable.ArrayOf(FsCheck.Fluent.Gen.Choose(0, 6), 0, 2)
        let count = shape.Aggregate(1, (a, b) => a * b)
        from bits in FsCheck.Fluent.Gen.ArrayOf(Shrinkable.AnyLong, count)
        from texts in FsCheck.Fluent.Gen.ArrayOf(Shrinkable.ArrayOf(FsCheck.Fluent.Gen.Elements(Alphabet), 0, 5).Select(runes => string.Concat(runes)), count)
        select new NpyCase(type, shape, bits, texts);

    public static Arbitrary<NpyCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>An earlier type (the same bits), a dimension dropped or smaller (see <see cref="Reshape"/>), an element simpler.</summary>
    public static IEnumerable<NpyCase> Shrink(NpyCase c)
    {
        foreach (var type in Shrinkable.Toward(c.DataType, 1))
        {
            yield return c with { DataType = type };
        }

        for (var d = 0; d < c.Shape.Length; d++)
        {
            yield return Reshape(c, [.. c.Shape[..d], .. c.Shape[(d + 1)..]]);

            foreach (var smaller in Shrinkable.Toward(c.Shape[d], 0))
            {
                var shape = (int[])c.Shape.Clone();
                shape[d] = smaller;
                yield return Reshape(c, shape);
            }
        }

        foreach (var bits in Shrinkable.ShrinkArray(c.Bits, b => Shrinkable.Toward(b, 0L), c.Bits.Length))
        {
            yield return c with { Bits = bits };
        }

        foreach (var texts in Shrinkable.ShrinkArray(c.Texts, ShrinkText, c.Texts.Length))
        {
            yield return c with { Texts = texts };
        }
    }

    public override string ToString()
    {
        var values = (NpyDataType)DataType == NpyDataType.Unicode
            ? string.Join(", ", Texts.Select(t => $"\"{t}\""))
            : string.Join(", ", Bits.Select(b => "0x" + b.ToString("X", CultureInfo.InvariantCulture)));
        return $"{(NpyDataType)DataType} ({string.Join(", ", Shape)}) [{values}]";
    }

    /// <summary>The case with another shape: the elements cut to its count, or (when a dimension of 0 was dropped) padded with zeros and empty strings.</summary>
    private static NpyCase Reshape(NpyCase c, int[] shape)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        return c with
        {
            Shape = shape,
            Bits = [.. c.Bits.Take(count), .. new long[Math.Max(0, count - c.Bits.Length)]],
            Texts = [.. c.Texts.Take(count), .. Enumerable.Repeat("", Math.Max(0, count - c.Texts.Length))],
        };
    }

    private static IEnumerable<string> ShrinkText(string text)
    {
        var runes = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            yield return string.Concat(runes[..i]) + string.Concat(runes[(i + 1)..]);
        }

        for (var i = 0; i < runes.Length; i++)
        {
            if (runes[i] != Alphabet[0])
            {
                yield return string.Concat(runes[..i]) + Alphabet[0] + string.Concat(runes[(i + 1)..]);
            }
        }
    }

    private T[] Map<T>(Func<long, T> convert) => [.. Bits.Select(convert)];
}

/// <summary>An .npz archive of <see cref="NpyCase"/> arrays named <c>a0</c>, <c>a1</c>, ..., stored or deflated.</summary>
public sealed record NpzCase(NpyCase[] Arrays, bool Deflated)
{
    internal NpzCompression Compression => Deflated ? NpzCompression.Deflated : NpzCompression.Stored;

    internal List<KeyValuePair<string, NpyArray>> Entries() =>
        [.. Arrays.Select((a, i) => new KeyValuePair<string, NpyArray>($"a{i}", a.ToArray()))];

    public static Arbitrary<NpzCase> Arb(int minArrays, int maxArrays) =>
        FsCheck.Fluent.Arb.From(
            from arrays in Shrinkable.ArrayOf(NpyCase.Gen, minArrays, maxArrays)
            from deflated in Gen.Elements(false, true)
            select new NpzCase(arrays, deflated),
            c => Shrinkable.ShrinkArray(c.Arrays, NpyCase.Shrink, minArrays).Select(a => c with { Arrays = a })
                .Concat(c.Deflated ? [c with { Deflated = false }] : []));

    public override string ToString() => $"{Compression} [{string.Join("; ", Arrays.AsEnumerable())}]";
}

/// <summary>A rows x columns matrix of doubles (0 to 8 each way) with every mantissa bit in use, shrinking to fewer rows, columns and simpler values.</summary>
public sealed record DoubleGrid(int Rows, int Columns, double[] Values)
{
    public static Gen<DoubleGrid> Gen { get; } =
        from rows in FsCheck.Fluent.Gen.Choose(0, 8)
        from columns in FsCheck.Fluent.Gen.Choose(0, 8)
        from values in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(-500_000_000, 500_000_000).Select(v => v / 1000.0), rows * columns)
        select new DoubleGrid(rows, columns, values);

    public static Arbitrary<DoubleGrid> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>The last row or column dropped, a value 0 or its whole part.</summary>
    public static IEnumerable<DoubleGrid> Shrink(DoubleGrid g)
    {
        if (g.Rows > 0)
        {
            yield return g with { Rows = g.Rows - 1, Values = g.Values[..((g.Rows - 1) * g.Columns)] };
        }

        if (g.Columns > 0)
        {
            var columns = g.Columns - 1;
            yield return g with { Columns = columns, Values = [.. Enumerable.Range(0, g.Rows * columns).Select(i => g.Values[((i / columns) * g.Columns) + (i % columns)])] };
        }

        for (var i = 0; i < g.Values.Length; i++)
        {
            foreach (var value in new[] { 0.0, Math.Truncate(g.Values[i]) }.Distinct().Where(v => Math.Abs(v) < Math.Abs(g.Values[i])))
            {
                var values = (double[])g.Values.Clone();
                values[i] = value;
                yield return g with { Values = values };
            }
        }
    }

    public override string ToString() =>
        $"{Rows}x{Columns} [{string.Join(", ", Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
}

/// <summary>
/// The arbitraries of the persistence properties. The default draws models of up to 39 users, items and factors with
/// or without a loss, archives of 0 to 4 arrays and any damage; <see cref="Damaged"/> draws the smaller models and
/// archives that damage properties load many times; <see cref="HeaderFlips"/> damages by bit flips only.
/// </summary>
public static class PersistenceArbitraries
{
    public static Arbitrary<ModelCase> ModelCase() => Generators.ModelCase.Arb(39, 39, 39, Generators.ModelCase.AnyLoss);

    public static Arbitrary<Damage> Damage() => Generators.Damage.AnyArb;

    public static Arbitrary<NpyCase> NpyCase() => Generators.NpyCase.Arb;

    public static Arbitrary<NpzCase> NpzCase() => Generators.NpzCase.Arb(0, 4);

    public static Arbitrary<DoubleGrid> DoubleGrid() => Generators.DoubleGrid.Arb;

    /// <summary>Models of up to 11 users, items and factors (a loss of 3.5 or none), archives of 1 to 3 arrays, any damage.</summary>
    public static class Damaged
    {
        public static Arbitrary<ModelCase> ModelCase() =>
            Generators.ModelCase.Arb(11, 11, 11, FsCheck.Fluent.Gen.Elements<double?>(null, 3.5));

        public static Arbitrary<Damage> Damage() => Generators.Damage.AnyArb;

        public static Arbitrary<NpyCase> NpyCase() => Generators.NpyCase.Arb;

        public static Arbitrary<NpzCase> NpzCase() => Generators.NpzCase.Arb(1, 3);
    }

    /// <summary>One to three bits flipped; models of up to 5 users, items and factors without a loss.</summary>
    public static class HeaderFlips
    {
        public static Arbitrary<ModelCase> ModelCase() =>
            Generators.ModelCase.Arb(5, 5, 5, FsCheck.Fluent.Gen.Constant<double?>(null));

        public static Arbitrary<Damage> Damage() => Generators.Damage.BitFlipsArb;

        public static Arbitrary<NpyCase> NpyCase() => Generators.NpyCase.Arb;
    }
}
