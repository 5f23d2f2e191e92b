using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>The weak pool of a fit's temporary arrays (each test on its own pool, as fits run beside them).</summary>
public class TransientArraysTests
{
    [Fact]
    public void Rent_AfterReturn_GivesTheSameArrayForTheSameTypeAndLengthOnly()
    {
        var pool = new WeakArrayPool(8);
        var array = pool.Rent<int>(1_000);
        Assert.Equal(1_000, array.Length);
        pool.Return(array);
        Assert.NotSame(array, pool.Rent<int>(1_001));
        Assert.NotSame(array, (object)pool.Rent<float>(1_000));
        Assert.Same(array, pool.Rent<int>(1_000));
        Assert.NotSame(array, pool.Rent<int>(1_000));
        GC.KeepAlive(array);
    }

    [Fact]
    public void Return_BeyondTheSlots_DropsTheOldest()
    {
        var pool = new WeakArrayPool(8);
        var arrays = Enumerable.Range(0, 9).Select(_ => pool.Rent<long>(100)).ToArray();
        foreach (var array in arrays)
        {
            pool.Return(array);
        }

        var rented = Enumerable.Range(0, 9).Select(_ => pool.Rent<long>(100)).ToArray();
        Assert.DoesNotContain(rented, r => ReferenceEquals(r, arrays[0]));
        Assert.Equal(8, rented.Count(r => arrays.Skip(1).Any(a => ReferenceEquals(a, r))));
        GC.KeepAlive(arrays);
    }
}
