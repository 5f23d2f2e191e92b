using System.Globalization;

namespace MovieRecs.Tests.Generators;

/// <summary>A row-major <see cref="RowCount"/> x <see cref="FactorCount"/> block of factors. Drawn and shrunk by <see cref="SparseGen"/>.</summary>
public sealed record FactorSet(int RowCount, int FactorCount, float[] Values)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * FactorCount, FactorCount);

    public float[][] ToJagged() => [.. Enumerable.Range(0, RowCount).Select(r => Row(r).ToArray())];

    public override string ToString() =>
        $"{RowCount}x{FactorCount} [{string.Join("; ", Enumerable.Range(0, RowCount).Select(r => string.Join(" ", Row(r).ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture)))))}]";
}
