using System.Diagnostics;

namespace MovieRecs.Internal;

/// <summary>
/// A matrix of factor rows as the kernels read it: <see cref="Rows"/> rows of <see cref="Factors"/> floats, each
/// starting <see cref="Stride"/> floats after the previous one, the floats between <see cref="Factors"/> and
/// <see cref="Stride"/> zero. A view: copying it copies no floats.
/// </summary>
internal readonly struct FactorMatrix
{
    /// <summary>Wraps <paramref name="buffer"/>, which holds exactly <c>rows × stride</c> floats.</summary>
    public FactorMatrix(FloatBuffer buffer, int rows, int factors, int stride)
    {
        Debug.Assert(rows >= 0 && factors >= 1 && stride >= factors && buffer.Length == (long)rows * stride);
        Buffer = buffer;
        Rows = rows;
        Factors = factors;
        Stride = stride;
    }

    /// <summary>The storage: <see cref="Rows"/> × <see cref="Stride"/> floats.</summary>
    public FloatBuffer Buffer { get; }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The floats of a row that hold factors.</summary>
    public int Factors { get; }

    /// <summary>Floats between the starts of consecutive rows (≥ <see cref="Factors"/>, zero padded).</summary>
    public int Stride { get; }

    /// <summary>All rows with their padding.</summary>
    public Span<float> Storage => Buffer.Span;

    /// <summary>The first float (the matrix must have a row).</summary>
    public ref float First => ref Buffer.First;

    /// <summary>The storage array itself when it is exactly the unpadded row-major matrix; otherwise null.</summary>
    public float[]? UnpaddedArray => Stride == Factors ? Buffer.WholeArray : null;

    /// <summary>A zeroed matrix whose first float is 64-byte aligned (see <see cref="FloatBuffer.AllocateAligned"/>).</summary>
    public static FactorMatrix AllocateAligned(int rows, int factors, int stride) =>
        new(FloatBuffer.AllocateAligned((long)rows * stride), rows, factors, stride);

    /// <summary>A zeroed matrix in a plain array.</summary>
    public static FactorMatrix Allocate(int rows, int factors, int stride) =>
        new(new float[(long)rows * stride], rows, factors, stride);

    /// <summary>The <see cref="Factors"/> floats of row <paramref name="row"/>.</summary>
    public Span<float> Row(int row) => Buffer.Span.Slice(row * Stride, Factors);

    /// <summary>Row <paramref name="row"/> with its padding (<see cref="Stride"/> floats).</summary>
    public Span<float> PaddedRow(int row) => Buffer.Span.Slice(row * Stride, Stride);

    /// <summary>
    /// Copies the factors of the first <c>min(Rows, destination.Rows)</c> rows into <paramref name="destination"/>
    /// (same factor count, any stride); the destination's padding is not written.
    /// </summary>
    public void CopyTo(FactorMatrix destination)
    {
        Debug.Assert(destination.Factors == Factors);
        var rows = Math.Min(Rows, destination.Rows);
        if (destination.Stride == Stride)
        {
            Storage[..(rows * Stride)].CopyTo(destination.Storage);
            return;
        }

        for (var row = 0; row < rows; row++)
        {
            Row(row).CopyTo(destination.Row(row));
        }
    }

    /// <summary>This matrix when its stride is <paramref name="stride"/>, otherwise a copy with that stride.</summary>
    public FactorMatrix WithStride(int stride)
    {
        if (stride == Stride)
        {
            return this;
        }

        var copy = Allocate(Rows, Factors, stride);
        CopyTo(copy);
        return copy;
    }
}
