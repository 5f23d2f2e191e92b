using FsCheck.Xunit;

namespace MovieRecs.Tests;

public class IdIndexTests
{
    [Fact]
    public void Create_KeepsOrder_AndMapsBothWays()
    {
        var index = IdIndex.Create(["b", "a", "c"]);
        Assert.Equal(3, index.Count);
        Assert.Equal(0, index.IndexOf("b"));
        Assert.Equal(2, index.IndexOf("c"));
        Assert.Equal("a", index[1]);
        Assert.Equal(["b", "a", "c"], index.ToArray());
    }

    [Fact]
    public void Create_DuplicateKey_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => IdIndex.Create([5, 7, 5]));
        Assert.Contains("'5'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexOf_UnknownKey_ThrowsNamingIt()
    {
        var index = IdIndex.Create([10, 20]);
        var ex = Assert.Throws<KeyNotFoundException>(() => index.IndexOf(30));
        Assert.Contains("'30'", ex.Message, StringComparison.Ordinal);
        Assert.False(index.TryGetIndex(30, out var missing));
        Assert.Equal(-1, missing);
        Assert.Throws<ArgumentOutOfRangeException>(() => index[2]);
    }

    [Fact]
    public void Append_NewKey_DoesNotDisturbExistingIndexes()
    {
        var index = IdIndex.Create(["u1", "u2"]);
        var grown = index.Append("yong");
        Assert.Equal(2, grown.IndexOf("yong"));
        Assert.Equal(0, grown.IndexOf("u1"));
        Assert.Equal(1, grown.IndexOf("u2"));
        Assert.Equal(2, index.Count);
        Assert.False(index.Contains("yong"));
        Assert.Throws<ArgumentException>(() => grown.Append("u1"));
    }

    [Fact]
    public void Create_WithComparer_IsCaseInsensitive()
    {
        var index = IdIndex.Create(["Alien (1979)"], StringComparer.OrdinalIgnoreCase);
        Assert.Equal(0, index.IndexOf("alien (1979)"));
    }

    [Fact]
    public void IndexesOf_UnknownKey_NamesPosition()
    {
        var index = IdIndex.Create([1, 2]);
        var destination = new int[3];
        var ex = Assert.Throws<KeyNotFoundException>(() => index.IndexesOf([2, 1, 9], destination));
        Assert.Contains("keys[2] = '9'", ex.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 100)]
    public bool FromValues_IsSortedDistinct_AndRoundTrips(int[] values)
    {
        var index = IdIndex.FromValues(values);
        var expected = values.Distinct().Order().ToArray();
        if (!index.Keys.SequenceEqual(expected))
        {
            return false;
        }

        for (var i = 0; i < index.Count; i++)
        {
            if (index.IndexOf(index[i]) != i)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void IndexOf_KeyWithControlCharacters_EscapesThemInTheMessage()
    {
        var index = IdIndex.Create(["a", "b"]);

        var missing = Assert.Throws<KeyNotFoundException>(() => index.IndexOf("x\u001b]0;owned\u0007"));
        var twice = Assert.Throws<ArgumentException>(() => IdIndex.Create(["a\nb", "a\nb"]));
        var appended = Assert.Throws<ArgumentException>(() => IdIndex.Create(["a\rb"]).Append("a\rb"));

        Assert.Equal("The key 'x\\x1b]0;owned\\x07' is not in the index (2 keys).", missing.Message);
        Assert.StartsWith("The key 'a\\nb' appears twice", twice.Message, StringComparison.Ordinal);
        Assert.StartsWith("The key 'a\\rb' is already in the index", appended.Message, StringComparison.Ordinal);
    }
}
