using FsCheck.Xunit;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

public sealed class PortableMathTests
{
    [Property(MaxTest = 100)]
    public bool Log_MatchesTheRuntime(ulong bits)
    {
        // Any positive normal or subnormal double.
        var x = BitConverter.Int64BitsToDouble((long)(bits & 0x7FEFFFFFFFFFFFFFUL) | 1);
        var expected = Math.Log(x);
        return Math.Abs(PortableMath.Log(x) - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected));
    }

    [Property(MaxTest = 100)]
    public bool Exp_MatchesTheRuntime(int numerator)
    {
        var x = numerator % 700_000 / 1000.0;
        var expected = Math.Exp(x);
        return Math.Abs(PortableMath.Exp(x) - expected) <= 1e-15 * expected;
    }

    [Property(MaxTest = 100)]
    public bool Exp_InvertsLog(uint numerator)
    {
        var x = 1e-6 + numerator / 1000.0;
        return Math.Abs(PortableMath.Exp(PortableMath.Log(x)) - x) <= 1e-13 * x;
    }

    [Fact]
    public void Log_SpecialValues()
    {
        Assert.Equal(0.0, PortableMath.Log(1.0));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0.0));
        Assert.True(double.IsNaN(PortableMath.Log(-1.0)));
        Assert.True(double.IsNaN(PortableMath.Log(double.NaN)));
        Assert.Equal(double.PositiveInfinity, PortableMath.Log(double.PositiveInfinity));
        Assert.Equal(Math.Log(double.Epsilon), PortableMath.Log(double.Epsilon), 12);
    }

    [Fact]
    public void Exp_SpecialValues()
    {
        Assert.Equal(1.0, PortableMath.Exp(0.0));
        Assert.Equal(double.PositiveInfinity, PortableMath.Exp(710));
        Assert.Equal(0.0, PortableMath.Exp(-746));
        Assert.True(double.IsNaN(PortableMath.Exp(double.NaN)));
        Assert.Equal(Math.Exp(-740), PortableMath.Exp(-740), 1e-320);
    }

    [Fact]
    public void Pow_MatchesTheRuntime()
    {
        Assert.Equal(Math.Pow(2.5, -1.3), PortableMath.Pow(2.5, -1.3), 1e-14);
        Assert.Equal(1024.0, PortableMath.Pow(2, 10), 1e-10);
    }
}
