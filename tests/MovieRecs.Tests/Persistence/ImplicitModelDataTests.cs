using MovieRecs.Persistence;

namespace MovieRecs.Tests.Persistence;

public class ImplicitModelDataTests
{
    [Fact]
    public void Constructor_ValidInput_CopiesAndExposes()
    {
        var users = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var options = new Dictionary<string, NpyArray> { ["use_cg"] = NpyArray.Scalar(true) };

        var model = new ImplicitModelData(users, [7f, 8f, 9f], 3, 0.5, 2, 4, options, [11, 12], [13]);
        users[0] = 100f;
        options.Clear();

        Assert.Equal((2, 1, 3), (model.UserCount, model.ItemCount, model.Factors));
        Assert.Equal(1f, model.UserFactors[0]);
        Assert.Equal([4f, 5f, 6f], model.GetUserFactors(1).ToArray());
        Assert.Equal([7f, 8f, 9f], model.GetItemFactors(0).ToArray());
        Assert.Single(model.Options);
        Assert.Equal([11, 12], model.UserIds.ToArray());
        Assert.True(model.HasUserIds && model.HasItemIds);
    }

    [Fact]
    public void Constructor_Defaults_AreImplicitDefaults()
    {
        var model = new ImplicitModelData([1f], [2f], 1);

        Assert.Equal((0.01, 1.0, 15), (model.Regularization, model.Alpha, model.Iterations));
        Assert.Empty(model.Options);
        Assert.False(model.HasUserIds || model.HasItemIds);
    }

    [Fact]
    public void Constructor_InvalidInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImplicitModelData([1f], [1f], 0));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f, 2f, 3f], [1f, 2f], 2));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f, 2f], [float.NaN, 2f], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImplicitModelData([1f], [1f], 1, regularization: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImplicitModelData([1f], [1f], 1, regularization: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImplicitModelData([1f], [1f], 1, alpha: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImplicitModelData([1f], [1f], 1, iterations: -1));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f, 2f], [1f], 1, userIds: [1]));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f, 2f], [1f], 1, userIds: [1, 1]));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f], [1f], 1, options: new Dictionary<string, NpyArray> { ["alpha"] = NpyArray.Scalar(1.0) }));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f], [1f], 1, options: new Dictionary<string, NpyArray> { [""] = NpyArray.Scalar(1.0) }));
        Assert.Throws<ArgumentException>(() => new ImplicitModelData([1f], [1f], 1, options: new Dictionary<string, NpyArray> { ["x"] = null! }));
    }

    [Fact]
    public void RowAccessors_OutOfRange_Throw()
    {
        var model = new ImplicitModelData([1f, 2f], [3f], 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetUserFactors(2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetUserFactors(-1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetItemFactors(1).Length);
    }
}
