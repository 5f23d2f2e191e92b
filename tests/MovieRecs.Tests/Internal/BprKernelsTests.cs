using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>The BPR step kernels of every width against the scalar entry, over lengths 0..257 and misaligned starts.</summary>
[Trait("Category", "Kernels")]
public class BprKernelsTests
{
    [Theory]
    [MemberData(nameof(KernelWidths.Accelerated), MemberType = typeof(KernelWidths))]
    public void Update_EveryLengthAndOffset_EqualsScalarBitForBit(string widthName)
    {
        var width = KernelWidths.Parse(widthName);
        var random = new Random(17);
        for (var length = 0; length <= 257; length++)
        {
            var offset = length % 3;
            var (u, l, d) = (Rows(random, length + offset), Rows(random, length + offset), Rows(random, length + offset));
            var (su, sl, sd) = ((float[])u.Clone(), (float[])l.Clone(), (float[])d.Clone());
            var z = (float)random.NextDouble();
            BprKernels.Update(width, u.AsSpan(offset, length), l.AsSpan(offset, length), d.AsSpan(offset, length), z, 0.05f, 0.01f);
            BprKernels.Update(SimdWidth.Scalar, su.AsSpan(offset, length), sl.AsSpan(offset, length), sd.AsSpan(offset, length), z, 0.05f, 0.01f);
            Assert.True(u.SequenceEqual(su) && l.SequenceEqual(sl) && d.SequenceEqual(sd), $"{width}, length {length}, offset {offset}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelWidths.Accelerated), MemberType = typeof(KernelWidths))]
    public void Score_EveryLengthAndOffset_WithinRoundingOfDoubleReference(string widthName)
    {
        var width = KernelWidths.Parse(widthName);
        var random = new Random(23);
        for (var length = 0; length <= 257; length++)
        {
            var offset = (length * 7) % 5;
            var (u, l, d) = (Rows(random, length + offset), Rows(random, length + offset), Rows(random, length + offset));
            double expected = 0, magnitude = 0;
            for (var c = offset; c < offset + length; c++)
            {
                expected += u[c] * ((double)l[c] - d[c]);
                magnitude += Math.Abs(u[c] * ((double)l[c] - d[c]));
            }

            var score = BprKernels.Score(width, u.AsSpan(offset, length), l.AsSpan(offset, length), d.AsSpan(offset, length));
            Assert.True(Math.Abs(score - expected) <= 1e-6 * (1 + magnitude), $"{width}, length {length}: {score} vs {expected}");
        }
    }

    [Fact]
    public void Update_PaddingZeros_StayZero()
    {
        foreach (var width in KernelTable.All)
        {
            var (u, l, d) = (new float[32], new float[32], new float[32]);
            u[0] = 0.3f;
            l[0] = -0.2f;
            d[0] = 0.1f;
            BprKernels.Update(width, u, l, d, 0.4f, 0.05f, 0.01f);
            Assert.True(u[1..].All(v => v == 0f) && l[1..].All(v => v == 0f) && d[1..].All(v => v == 0f), $"{width}");
            Assert.NotEqual(0.3f, u[0]);
        }
    }

    [Fact]
    public void UpdateSameItem_AppliesTheNegativeStepToTheUpdatedRow()
    {
        float[] user = [0.5f], item = [0.25f];
        const float z = 0.5f, lr = 0.1f, reg = 0.01f;
        var liked = 0.25f + (lr * ((z * 0.5f) - (reg * 0.25f)));
        var expected = liked + (lr * ((-z * 0.5f) - (reg * liked)));
        BprKernels.UpdateSameItem(user, item, z, lr, reg);
        Assert.Equal(expected, item[0]);
        Assert.Equal(0.5f + (lr * ((z * 0f) - (reg * 0.5f))), user[0]);
    }

    private static float[] Rows(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }
}
