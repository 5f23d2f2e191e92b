using MovieRecs.Sparse;

namespace MovieRecs.Tests.Sparse;

/// <summary>
/// The one-array limit of a matrix: the arithmetic of the guard, checked without allocating anything near it.
/// </summary>
public class SparseGuardsTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(0x7FFFFFC7L)]
    public void CheckEntryCount_UpToArrayMaxLength_ReturnsTheCount(long count)
    {
        Assert.Equal(0x7FFFFFC7, Array.MaxLength);
        Assert.Equal(count, SparseGuards.CheckEntryCount(count, "non-zeros"));
    }

    [Theory]
    [InlineData(0x7FFFFFC8L, "2,147,483,592 non-zeros")]
    [InlineData(2_500_000_000L, "2,500,000,000 non-zeros")]
    [InlineData(long.MaxValue, "9,223,372,036,854,775,807 non-zeros")]
    public void CheckEntryCount_AboveArrayMaxLength_ThrowsNamingCountAndLimit(long count, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SparseGuards.CheckEntryCount(count, "non-zeros"));

        Assert.StartsWith(named + ", but one sparse matrix holds at most 2,147,483,591", error.Message, StringComparison.Ordinal);
        Assert.Contains("Spark", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1L, 16)]
    [InlineData(16, 17L, 32)]
    [InlineData(100, 101L, 150)]
    [InlineData(100, 1_000L, 1_000)]
    [InlineData(2_000_000_000, 2_000_000_001L, 0x7FFFFFC7)]
    [InlineData(0x7FFFFFC0, 0x7FFFFFC7L, 0x7FFFFFC7)]
    public void GrowCapacity_GrowsByHalf_UpToArrayMaxLength(int capacity, long needed, int expected) =>
        Assert.Equal(expected, SparseGuards.GrowCapacity(capacity, needed, "triplets"));

    [Fact]
    public void GrowCapacity_PastArrayMaxLength_ThrowsNamingTheCount()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SparseGuards.GrowCapacity(Array.MaxLength, Array.MaxLength + 1L, "kept ratings"));

        Assert.StartsWith("2,147,483,592 kept ratings, but one sparse matrix holds at most 2,147,483,591", error.Message, StringComparison.Ordinal);
    }
}
