using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Evaluation;

/// <summary>
/// A training and a test user x item matrix of identical shape, whose rows and columns mean the same users and
/// items: fit a model on <see cref="Train"/>, then measure how well it ranks the held-out interactions of
/// <see cref="Test"/> with <see cref="RankingEvaluator"/>.
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="Random(CsrMatrix, double, int)"/> (implicit's <c>train_test_split</c>),
/// <see cref="LeaveKOut(CsrMatrix, int, int)"/> (k random interactions per user),
/// or, from ratings tables, the MovieLens layer's <c>RatingsSplit.LeaveKOut</c> (the k most recent interactions
/// per user) and <c>RatingsSplit.FromTables</c> (a split published with the data, e.g. ml-100k's <c>u1.base</c> /
/// <c>u1.test</c>).</para>
/// <para>Every split is deterministic: the same input and seed give the same matrices on every machine. Instances
/// are immutable and thread-safe.</para>
/// </remarks>
public sealed partial class TrainTestSplit
{
    internal TrainTestSplit(CsrMatrix train, CsrMatrix test, IdIndex<int>? users, IdIndex<int>? items, long droppedTestCount)
    {
        Train = train;
        Test = test;
        Users = users;
        Items = items;
        DroppedTestCount = droppedTestCount;
        var testUsers = 0;
        var pointers = test.RowPointers;
        for (var row = 0; row < test.RowCount; row++)
        {
            testUsers += pointers[row + 1] > pointers[row] ? 1 : 0;
        }

        TestUserCount = testUsers;
    }

    /// <summary>The training interactions: what a model is fitted on and what evaluation filters from rankings.</summary>
    public CsrMatrix Train { get; }

    /// <summary>The held-out interactions, same shape as <see cref="Train"/> and disjoint from it.</summary>
    public CsrMatrix Test { get; }

    /// <summary>
    /// The external (MovieLens) user id of each row when the split was built from ratings tables; otherwise
    /// <see langword="null"/> (the rows are those of the matrix that was split).
    /// </summary>
    public IdIndex<int>? Users { get; }

    /// <summary>
    /// The external (MovieLens) movie id of each column when the split was built from ratings tables; otherwise
    /// <see langword="null"/>.
    /// </summary>
    public IdIndex<int>? Items { get; }

    /// <summary>
    /// How many held-out interactions could not be kept in <see cref="Test"/>: for <c>RatingsSplit.FromTables</c>, test
    /// interactions whose user or movie has no column or row in the training index; for
    /// <see cref="Random(CsrMatrix, double, int)"/>, entries drawn for the test side whose value is not positive
    /// (implicit drops those too). Zero for leave-k-out splits.
    /// </summary>
    public long DroppedTestCount { get; }

    /// <summary>The number of users with at least one test interaction: the users an evaluation scores.</summary>
    public int TestUserCount { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"TrainTestSplit {Train.RowCount} x {Train.ColumnCount}: {Train.NonZeroCount} train, {Test.NonZeroCount} test interactions ({TestUserCount} test users, {DroppedTestCount} dropped)";

    internal static void CheckSplittable(CsrMatrix interactions, string paramName)
    {
        if (interactions.NonZeroCount > Array.MaxLength)
        {
            ThrowHelper.ThrowArgument(paramName, $"The matrix has {interactions.NonZeroCount} entries; a split holds at most {Array.MaxLength}.");
        }
    }

    /// <summary>Collects the rows of the two sides of a split, one source row at a time, in column order.</summary>
    private sealed class SplitWriter
    {
        private readonly int _rowCount;
        private readonly int _columnCount;
        private readonly long[] _trainPointers;
        private readonly long[] _testPointers;
        private readonly int[] _trainColumns;
        private readonly int[] _testColumns;
        private readonly float[] _trainValues;
        private readonly float[] _testValues;
        private int _trainCount;
        private int _testCount;
        private int _row;

        public SplitWriter(int rowCount, int columnCount, int trainCapacity, int testCapacity)
        {
            _rowCount = rowCount;
            _columnCount = columnCount;
            _trainPointers = new long[rowCount + 1];
            _testPointers = new long[rowCount + 1];
            _trainColumns = GC.AllocateUninitializedArray<int>(trainCapacity);
            _trainValues = GC.AllocateUninitializedArray<float>(trainCapacity);
            _testColumns = GC.AllocateUninitializedArray<int>(testCapacity);
            _testValues = GC.AllocateUninitializedArray<float>(testCapacity);
        }

        public void AddTrain(int column, float value)
        {
            _trainColumns[_trainCount] = column;
            _trainValues[_trainCount] = value;
            _trainCount++;
        }

        public void AddTest(int column, float value)
        {
            _testColumns[_testCount] = column;
            _testValues[_testCount] = value;
            _testCount++;
        }

        /// <summary>Closes the current row; call once per row, in row order.</summary>
        public void EndRow()
        {
            _row++;
            _trainPointers[_row] = _trainCount;
            _testPointers[_row] = _testCount;
        }

        public (CsrMatrix Train, CsrMatrix Test) ToMatrices()
        {
            while (_row < _rowCount)
            {
                EndRow();
            }

            var train = CsrMatrix.FromArrays(_rowCount, _columnCount, _trainPointers, _trainColumns.AsSpan(0, _trainCount), _trainValues.AsSpan(0, _trainCount));
            var test = CsrMatrix.FromArrays(_rowCount, _columnCount, _testPointers, _testColumns.AsSpan(0, _testCount), _testValues.AsSpan(0, _testCount));
            return (train, test);
        }
    }
}
