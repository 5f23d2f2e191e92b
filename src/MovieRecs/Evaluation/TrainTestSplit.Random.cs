using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

public sealed partial class TrainTestSplit
{
    /// <summary>
    /// Splits the entries of <paramref name="interactions"/> at random: each entry independently goes to the test
    /// side with probability <paramref name="testFraction"/>, like implicit's
    /// <c>train_test_split(ratings, train_percentage=1 - testFraction, random_state=seed)</c>.
    /// </summary>
    /// <param name="interactions">The user x item interactions to split.</param>
    /// <param name="testFraction">The probability that an entry is held out, in [0, 1] (e.g. 0.2).</param>
    /// <param name="seed">A non-negative seed; the same seed gives the same split.</param>
    /// <returns>The split; <see cref="Users"/> and <see cref="Items"/> are <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="interactions"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is outside [0, 1] or NaN, or
    /// <paramref name="seed"/> is negative.</exception>
    /// <exception cref="ArgumentException">The matrix has more than <see cref="Array.MaxLength"/> entries.</exception>
    /// <remarks>
    /// <para>Entries are visited row by row in column order, and entry number <c>i</c> draws the <c>i</c>-th double of
    /// a Mersenne Twister seeded like numpy's <c>RandomState(seed)</c>; it goes to the training side when that
    /// number is below <c>1 - testFraction</c>. For a canonical CSR matrix this is the order of scipy's
    /// <c>tocoo()</c>, so the split is entry for entry the one implicit draws with the same seed (up to the
    /// rounding of <c>1 - testFraction</c> against a <c>train_percentage</c> typed in Python).</para>
    /// <para>As in implicit, an entry drawn for the test side whose value is zero or negative (negative feedback)
    /// is dropped rather than held out; it is in neither matrix and is counted in <see cref="DroppedTestCount"/>.
    /// With positive values only, <c>Train + Test</c> is exactly <paramref name="interactions"/>.</para>
    /// <para>O(nnz + rows) time; allocates the two result matrices and a copy of each during validation.</para>
    /// </remarks>
    public static TrainTestSplit Random(CsrMatrix interactions, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        if (!(testFraction >= 0.0 && testFraction <= 1.0))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(testFraction), testFraction, $"testFraction must be in [0, 1]; it is {testFraction}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        CheckSplittable(interactions, nameof(interactions));

        var trainFraction = 1.0 - testFraction;
        var random = new MersenneTwister((uint)seed);
        var nnz = (int)interactions.NonZeroCount;
        var goesToTrain = new bool[nnz];
        var trainCount = 0;
        for (var i = 0; i < nnz; i++)
        {
            var train = random.NextDouble() < trainFraction;
            goesToTrain[i] = train;
            trainCount += train ? 1 : 0;
        }

        var testCount = nnz - trainCount;
        var writer = new SplitWriter(interactions.RowCount, interactions.ColumnCount, trainCount, testCount);
        long dropped = 0;
        var entry = 0;
        for (var row = 0; row < interactions.RowCount; row++)
        {
            var columns = interactions.GetColumnIndices(row);
            var values = interactions.GetValues(row);
            for (var j = 0; j < columns.Length; j++, entry++)
            {
                if (goesToTrain[entry])
                {
                    writer.AddTrain(columns[j], values[j]);
                }
                else if (values[j] > 0f)
                {
                    writer.AddTest(columns[j], values[j]);
                }
                else
                {
                    dropped++;
                }
            }

            writer.EndRow();
        }

        var (trainMatrix, testMatrix) = writer.ToMatrices();
        return new TrainTestSplit(trainMatrix, testMatrix, users: null, items: null, dropped);
    }
}
