using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

/// <summary>The vectorized steps of payload reading (byte swap, float narrowing, bool normalization) against scalar
/// references, over every length 0..257 and misaligned starts; CI reruns these with SIMD paths disabled.</summary>
[Trait("Category", "Kernels")]
public class NpyPayloadReaderKernelTests
{
    [Fact]
    public void SwapInPlace_EveryLengthAndOffset_MatchesScalarReverse()
    {
        var random = new Random(17);
        for (var length = 0; length <= 257; length++)
        {
            for (var offset = 0; offset < 3; offset++)
            {
                var shorts = RandomArray<ushort>(random, length + offset);
                var ints = RandomArray<uint>(random, length + offset);
                var longs = RandomArray<ulong>(random, length + offset);
                var expectedShorts = shorts.Select(BinaryPrimitives.ReverseEndianness).ToArray();
                var expectedInts = ints.Select(BinaryPrimitives.ReverseEndianness).ToArray();
                var expectedLongs = longs.Select(BinaryPrimitives.ReverseEndianness).ToArray();

                NpyPayloadReader.SwapInPlace(shorts.AsSpan(offset));
                NpyPayloadReader.SwapInPlace(ints.AsSpan(offset));
                NpyPayloadReader.SwapInPlace(longs.AsSpan(offset));

                Assert.Equal(expectedShorts.AsSpan(offset).ToArray(), shorts.AsSpan(offset).ToArray());
                Assert.Equal(expectedInts.AsSpan(offset).ToArray(), ints.AsSpan(offset).ToArray());
                Assert.Equal(expectedLongs.AsSpan(offset).ToArray(), longs.AsSpan(offset).ToArray());
                Assert.Equal(expectedInts.AsSpan(0, offset).ToArray().Select(BinaryPrimitives.ReverseEndianness), ints.AsSpan(0, offset).ToArray());
            }
        }
    }

    [Fact]
    public void ConvertFloatsToSingle_EveryLength_MatchesScalarCasts()
    {
        var random = new Random(29);
        for (var length = 0; length <= 257; length++)
        {
            var doubles = Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 40))).ToArray();
            var halves = Enumerable.Range(0, length).Select(_ => (Half)((random.NextDouble() - 0.5) * 1000)).ToArray();

            var fromDouble = NpyArray.Read(new MemoryStream(NpyBytes.Write(NpyArray.Create<double>(doubles))), new NpyReadOptions { ConvertFloatsToSingle = true });
            var fromHalf = NpyArray.Read(new MemoryStream(NpyBytes.Write(NpyArray.Create<Half>(halves))), new NpyReadOptions { ConvertFloatsToSingle = true });

            Assert.Equal(doubles.Select(d => (float)d).ToArray(), fromDouble.AsSpan<float>().ToArray());
            Assert.Equal(halves.Select(h => (float)h).ToArray(), fromHalf.AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void ReadBooleans_AnyNonZeroByte_BecomesTrue()
    {
        var random = new Random(31);
        for (var length = 0; length <= 257; length++)
        {
            var payload = new byte[length];
            random.NextBytes(payload);
            for (var i = 0; i < length; i += 3)
            {
                payload[i] = 0;
            }

            var array = NpyArray.Read(new MemoryStream(NpyBytes.Build(NpyBytes.Dict("|b1", $"({length},)"), payload)));

            var flags = array.AsSpan<bool>();
            Assert.Equal(payload.Select(b => b != 0).ToArray(), flags.ToArray());
            Assert.All(MemoryMarshal.AsBytes(flags).ToArray(), b => Assert.True(b <= 1));
            Assert.Equal(payload.Count(b => b != 0), (int)TensorPrimitives.Sum<float>(array.ToSingleArray()));
        }
    }

    private static T[] RandomArray<T>(Random random, int length)
        where T : unmanaged
    {
        var result = new T[length];
        random.NextBytes(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }
}
