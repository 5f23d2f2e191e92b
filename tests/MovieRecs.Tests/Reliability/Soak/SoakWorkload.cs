using MovieRecs.Als;
using MovieRecs.Recommendations;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Reliability.Soak;

/// <summary>
/// A fixed, seeded mix of serving queries against one fitted model, used by the concurrency soak test and by the
/// benchmarks' <c>soak</c> verb: the same inputs always give the same answers, so answers computed by many threads
/// at once can be compared bit for bit with answers computed one at a time.
/// </summary>
internal sealed class SoakWorkload
{
    private SoakWorkload(SoakQuery[] queries) => Queries = queries;

    /// <summary>All kinds, in declaration order.</summary>
    public static SoakQueryKind[] Kinds { get; } = Enum.GetValues<SoakQueryKind>();

    /// <summary>The distinct queries; threads draw from these.</summary>
    public IReadOnlyList<SoakQuery> Queries { get; }

    /// <summary>Builds <paramref name="count"/> queries, the kinds in equal shares, inputs drawn from <paramref name="seed"/>.</summary>
    /// <param name="userItems">The training matrix of the model (users' rows are their liked items and values).</param>
    /// <param name="count">The number of distinct queries.</param>
    /// <param name="seed">The seed of every choice.</param>
    public static SoakWorkload Create(CsrMatrix userItems, int count, int seed)
    {
        var random = new Random(seed);
        var users = userItems.RowCount;
        var items = userItems.ColumnCount;
        var queries = new SoakQuery[count];
        for (var q = 0; q < count; q++)
        {
            var kind = Kinds[q % Kinds.Length];
            var user = random.Next(users);
            var item = random.Next(items);
            queries[q] = kind switch
            {
                SoakQueryKind.RecommendFiltered => new SoakQuery
                {
                    Kind = kind,
                    User = user,
                    Items = userItems.GetColumnIndices(user).ToArray(),
                    Options = new RecommendOptions { FilterItems = Distinct(random, items, Math.Min(20, items)) },
                },
                SoakQueryKind.RecommendCandidates => new SoakQuery
                {
                    Kind = kind,
                    User = user,
                    Items = userItems.GetColumnIndices(user).ToArray(),
                    Options = new RecommendOptions { Candidates = Distinct(random, items, Math.Min(50, items)) },
                },
                SoakQueryKind.SimilarItems => new SoakQuery { Kind = kind, Item = item },
                SoakQueryKind.SimilarUsers => new SoakQuery { Kind = kind, User = user },
                SoakQueryKind.Explain => new SoakQuery
                {
                    Kind = kind,
                    Item = item,
                    Count = 5,
                    Items = userItems.GetColumnIndices(user).ToArray(),
                    Values = userItems.GetValues(user).ToArray(),
                },
                SoakQueryKind.FoldIn => FoldIn(random, items),
                _ => new SoakQuery
                {
                    Kind = kind,
                    PairUsers = Enumerable.Range(0, 16).Select(_ => random.Next(users)).ToArray(),
                    PairItems = Enumerable.Range(0, 16).Select(_ => random.Next(items)).ToArray(),
                },
            };
        }

        // Shuffle so that neighbouring queries are of different kinds in no fixed pattern.
        random.Shuffle(queries);
        return new SoakWorkload(queries);
    }

    /// <summary>
    /// Runs one query exactly as a caller would. Returns what the API returned (a <see cref="ScoredItem"/> array or
    /// an <see cref="Explanation"/>), or <paramref name="scoreBuffer"/> filled for a score query.
    /// </summary>
    /// <param name="model">The model to ask.</param>
    /// <param name="query">The query.</param>
    /// <param name="scoreBuffer">The caller's buffer for pair scores (at least as long as any pair list).</param>
    public static object Execute(AlsModel model, SoakQuery query, float[] scoreBuffer)
    {
        switch (query.Kind)
        {
            case SoakQueryKind.RecommendFiltered:
            case SoakQueryKind.RecommendCandidates:
                return model.Recommend(query.User, query.Items, query.Count, query.Options);
            case SoakQueryKind.SimilarItems:
                return model.SimilarItems(query.Item, query.Count, query.Options);
            case SoakQueryKind.SimilarUsers:
                return model.SimilarUsers(query.User, query.Count, query.Options);
            case SoakQueryKind.Explain:
                return model.Explain(query.Items, query.Values, query.Item, query.Count);
            case SoakQueryKind.FoldIn:
                return model.RecommendForNewUser(query.Items, query.Values, query.Count, query.Options);
            default:
                model.Score(query.PairUsers, query.PairItems, scoreBuffer);
                return scoreBuffer;
        }
    }

    /// <summary>
    /// The answer in one comparable shape (a copy, so the score buffer may be reused): recommendations and similar
    /// items as returned; an explanation as (item, score) then its contributions; pair scores as (pair index, score).
    /// </summary>
    public static ScoredItem[] Normalize(SoakQuery query, object raw) => raw switch
    {
        ScoredItem[] items => items,
        Explanation explanation => [new ScoredItem(explanation.Item, explanation.Score), .. explanation.Contributions],
        float[] scores => Enumerable.Range(0, query.PairUsers.Length).Select(j => new ScoredItem(j, scores[j])).ToArray(),
        _ => throw new InvalidOperationException($"Unexpected answer type {raw.GetType()}."),
    };

    /// <summary>Whether two answers hold the same items with bit-identical scores, in the same order.</summary>
    public static bool SameBits(ReadOnlySpan<ScoredItem> expected, ReadOnlySpan<ScoredItem> actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var j = 0; j < expected.Length; j++)
        {
            if (expected[j].Item != actual[j].Item
                || BitConverter.SingleToInt32Bits(expected[j].Score) != BitConverter.SingleToInt32Bits(actual[j].Score))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A model with the same factors and options whose lazily built caches (factor norms, similarity panels, the
    /// Gram matrices of fold-in and explain) are still empty, so that concurrent queries race to build them.
    /// </summary>
    public static AlsModel ColdCopy(AlsModel model)
    {
        var userFactors = new float[model.UserCount * model.Factors];
        var itemFactors = new float[model.ItemCount * model.Factors];
        model.CopyUserFactors(userFactors);
        model.CopyItemFactors(itemFactors);
        return AlsModel.FromFactors(model.Options, userFactors, itemFactors, model.TrainingLoss);
    }

    /// <summary>The longest pair list of any query (the score buffer length a thread needs).</summary>
    public int MaxPairs() => Math.Max(1, Queries.Max(q => q.PairUsers.Length));

    private static SoakQuery FoldIn(Random random, int items)
    {
        var count = random.Next(1, Math.Min(30, items) + 1);
        var chosen = Distinct(random, items, count);
        var values = chosen.Select(_ => (float)random.Next(1, 6)).ToArray();
        return new SoakQuery { Kind = SoakQueryKind.FoldIn, Items = chosen, Values = values };
    }

    private static int[] Distinct(Random random, int range, int count)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < count)
        {
            chosen.Add(random.Next(range));
        }

        return [.. chosen];
    }
}
