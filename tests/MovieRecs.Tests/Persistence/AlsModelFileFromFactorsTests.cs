using MovieRecs.Als;
using static MovieRecs.Tests.Persistence.AlsModelFileTestModels;

namespace MovieRecs.Tests.Persistence;

/// <summary><see cref="AlsModel.FromFactors(AlsOptions, float[,], float[,], double?)"/>: the factory the loaders and foreign factors use.</summary>
public class AlsModelFileFromFactorsTests
{
    [Fact]
    public void FromFactors_Matrices_HoldsThemRowByRow()
    {
        var users = new float[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var items = new float[,] { { -1, 0, 1 }, { 0.5f, 0.25f, 0 }, { 7, 8, 9 } };

        var model = AlsModel.FromFactors(new AlsOptions { Factors = 3 }, users, items, trainingLoss: 0.5);

        Assert.Equal((2, 3, 3), (model.UserCount, model.ItemCount, model.Factors));
        Assert.Equal([4f, 5f, 6f], model.GetUserFactors(1).ToArray());
        Assert.Equal([0.5f, 0.25f, 0f], model.GetItemFactors(1).ToArray());
        Assert.Equal(users, model.CopyUserFactors());
        Assert.Equal(items, model.CopyItemFactors());
        Assert.Equal(0.5, model.TrainingLoss);
        Assert.Equal(1 * 7 + 2 * 8 + 3 * 9, model.Score(0, 2));
    }

    [Fact]
    public void FromFactors_Spans_ServeWithTiesToTheLowerIndex()
    {
        var model = AlsModel.FromFactors(new AlsOptions { Factors = 2 }, [1f, 0f, 0f, 1f], [1f, 0f, 0f, 1f, 1f, 1f]);

        Assert.Equal((2, 3), (model.UserCount, model.ItemCount));
        // User 0 = (1, 0) scores items 0 and 2 both 1: the tie goes to the lower index.
        Assert.Equal([new(0, 1f), new(2, 1f), new(1, 0f)], model.Recommend(0, ReadOnlySpan<int>.Empty, 3));
    }

    [Fact]
    public void FromFactors_CopiesItsInputs()
    {
        var users = new float[] { 1, 2 };
        var model = AlsModel.FromFactors(new AlsOptions { Factors = 2 }, users, [3f, 4f]);

        users[0] = 100;

        Assert.Equal(1f, model.GetUserFactors(0)[0]);
    }

    [Fact]
    public void FromFactors_FactorsOfTrainedModel_ServesTheSameAnswers()
    {
        var (trained, userItems) = Trained(seed: 5);

        var rebuilt = AlsModel.FromFactors(trained.Options, trained.CopyUserFactors(), trained.CopyItemFactors());

        AssertSameFactors(trained, rebuilt);
        for (var user = 0; user < trained.UserCount; user++)
        {
            Assert.Equal(trained.Recommend(user, userItems, count: 5), rebuilt.Recommend(user, userItems, count: 5));
        }

        Assert.Equal(trained.RecalculateUser([0, 3], [1f, 4f]), rebuilt.RecalculateUser([0, 3], [1f, 4f]));
    }

    [Fact]
    public void FromFactors_ColumnsDifferFromOptions_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 4 }, new float[2, 3], new float[2, 4]));

        Assert.Equal("userFactors", error.ParamName);
        Assert.Contains("3 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFactors_SpanNotWholeRows_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 4 }, new float[8], new float[7]));

        Assert.Equal("itemFactors", error.ParamName);
    }

    [Fact]
    public void FromFactors_NoRows_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[0, 2], new float[1, 2]));
        Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, [1f, 2f], ReadOnlySpan<float>.Empty));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void FromFactors_NonFiniteValue_ThrowsNamingRowAndColumn(float value)
    {
        var items = new float[3, 2];
        items[2, 1] = value;

        var error = Assert.Throws<ArgumentException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[1, 2], items));

        Assert.Contains("itemFactors[2, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFactors_InvalidOptionsOrLoss_ThrowArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2, Alpha = 0 }, new float[1, 2], new float[1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[1, 2], new float[1, 2], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[1, 2], new float[1, 2], -1));
    }

    [Fact]
    public void FromFactors_NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => AlsModel.FromFactors(null!, new float[1, 2], new float[1, 2]));
        Assert.Throws<ArgumentNullException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, null!, new float[1, 2]));
        Assert.Throws<ArgumentNullException>(() => AlsModel.FromFactors(new AlsOptions { Factors = 2 }, new float[1, 2], null!));
        Assert.Throws<ArgumentNullException>(() => AlsModel.FromFactors(null!, [1f, 2f], [1f, 2f]));
    }
}
