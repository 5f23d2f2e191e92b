using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Als;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// A model to save: options (any valid values), user and item factor rows of <c>Options.Factors</c> values each
/// (uniform in [-1, 1) with all 24 bits of a float's mantissa in use, so that a byte lost or swapped shows), a training
/// loss or none, and external user and item ids (distinct, negative ones included, in any order) or none.
/// Shrinks to fewer users, items and factors, no loss and no ids, default options, zero factors and smaller ids.
/// </summary>
public sealed record ModelCase(AlsOptions Options, float[][] Users, float[][] Items, double? Loss, int[]? UserIds, int[]? ItemIds)
{
    public AlsModel ToModel() => AlsModel.FromFactors(Options, Users.SelectMany(r => r).ToArray(), Items.SelectMany(r => r).ToArray(), Loss);

    public IdIndex<int>? UserIndex => UserIds is null ? null : IdIndex.Create(UserIds);

    public IdIndex<int>? ItemIndex => ItemIds is null ? null : IdIndex.Create(ItemIds);

    /// <summary>1 to <paramref name="maxUsers"/> users, 1 to <paramref name="maxItems"/> items, 1 to <paramref name="maxFactors"/> factors, a loss from <paramref name="loss"/>.</summary>
    public static Arbitrary<ModelCase> Arb(int maxUsers, int maxItems, int maxFactors, Gen<double?> loss) =>
        FsCheck.Fluent.Arb.From(
            from users in Gen.Choose(1, maxUsers)
            from items in Gen.Choose(1, maxItems)
            from options in AnyOptions(maxFactors)
            from userRows in Gen.ArrayOf(Gen.ArrayOf(FactorValue, options.Factors), users)
            from itemRows in Gen.ArrayOf(Gen.ArrayOf(FactorValue, options.Factors), items)
            from trainingLoss in loss
            from userIds in Ids(users)
            from itemIds in Ids(items)
            select new ModelCase(options, userRows, itemRows, trainingLoss, userIds, itemIds),
            Shrink);

    /// <summary>No loss, or one in [0, 1e6).</summary>
    public static Gen<double?> AnyLoss { get; } =
        Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(0, int.MaxValue).Select(v => (double?)(v / (double)int.MaxValue * 1e6)));

    /// <summary>Valid options of every kind: regularization 0 or in [0, 2), alpha in [0.5, 40.5), any seed, thread counts -1 or 1 to 63.</summary>
    public static Gen<AlsOptions> AnyOptions(int maxFactors) =>
        from factors in Gen.Choose(1, maxFactors)
        from regularization in Gen.OneOf(Gen.Constant(0.0), Gen.Choose(0, 1 << 30).Select(v => v / (double)(1 << 29)))
        from alpha in Gen.Choose(0, 1 << 30).Select(v => 0.5 + (v / (double)(1 << 30) * 40))
        from iterations in Gen.Choose(0, 29)
        from solver in Gen.Elements(AlsSolver.ConjugateGradient, AlsSolver.Cholesky)
        from cgSteps in Gen.Choose(1, 7)
        from seed in Gen.Choose(int.MinValue, int.MaxValue)
        from threads in Gen.OneOf(Gen.Constant(-1), Gen.Choose(1, 63))
        from computeLoss in Gen.Elements(false, true)
        select new AlsOptions
        {
            Factors = factors,
            Regularization = regularization,
            Alpha = alpha,
            Iterations = iterations,
            Solver = solver,
            CgSteps = cgSteps,
            Seed = seed,
            MaxDegreeOfParallelism = threads,
            ComputeLoss = computeLoss,
        };

    /// <summary>
    /// A user or an item fewer (with its id), a factor fewer, no loss, no ids, an option back to its default, a factor
    /// value nearer 0, an id nearer 0 (if no other id has that value).
    /// </summary>
    public static IEnumerable<ModelCase> Shrink(ModelCase c)
    {
        for (var u = c.Users.Length - 1; u >= 0 && c.Users.Length > 1; u--)
        {
            yield return c with { Users = Without(c.Users, u), UserIds = c.UserIds is null ? null : Without(c.UserIds, u) };
        }

        for (var i = c.Items.Length - 1; i >= 0 && c.Items.Length > 1; i--)
        {
            yield return c with { Items = Without(c.Items, i), ItemIds = c.ItemIds is null ? null : Without(c.ItemIds, i) };
        }

        for (var f = c.Options.Factors - 1; f >= 0 && c.Options.Factors > 1; f--)
        {
            yield return c with
            {
                Options = c.Options with { Factors = c.Options.Factors - 1 },
                Users = [.. c.Users.Select(r => Without(r, f))],
                Items = [.. c.Items.Select(r => Without(r, f))],
            };
        }

        if (c.Loss is not null)
        {
            yield return c with { Loss = null };
        }

        if (c.UserIds is not null)
        {
            yield return c with { UserIds = null };
        }

        if (c.ItemIds is not null)
        {
            yield return c with { ItemIds = null };
        }

        foreach (var options in ShrinkOptions(c.Options))
        {
            yield return c with { Options = options };
        }

        foreach (var users in ShrinkRows(c.Users))
        {
            yield return c with { Users = users };
        }

        foreach (var items in ShrinkRows(c.Items))
        {
            yield return c with { Items = items };
        }

        foreach (var ids in ShrinkIds(c.UserIds))
        {
            yield return c with { UserIds = ids };
        }

        foreach (var ids in ShrinkIds(c.ItemIds))
        {
            yield return c with { ItemIds = ids };
        }
    }

    public override string ToString()
    {
        static string Rows(float[][] rows) => string.Join("; ", rows.Select(r => string.Join(" ", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        static string Ids(int[]? ids) => ids is null ? "none" : $"[{string.Join(", ", ids)}]";
        return $"{Options}, users [{Rows(Users)}], items [{Rows(Items)}], loss {Loss?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}, user ids {Ids(UserIds)}, item ids {Ids(ItemIds)}";
    }

    private static Gen<float> FactorValue { get; } = Gen.Choose(-(1 << 24), (1 << 24) - 1).Select(v => v / (float)(1 << 24));

    /// <summary>None half of the time; otherwise <paramref name="count"/> distinct ids from -1000 up, in drawn order.</summary>
    private static Gen<int[]?> Ids(int count) =>
        Gen.OneOf(
            Gen.Constant<int[]?>(null),
            Gen.ArrayOf(Gen.Choose(-1000, 1_000_000), count).Select(drawn =>
            {
                var taken = new HashSet<int>();
                return (int[]?)[.. drawn.Select(id =>
                {
                    while (!taken.Add(id))
                    {
                        id++;
                    }

                    return id;
                })];
            }));

    private static IEnumerable<AlsOptions> ShrinkOptions(AlsOptions options)
    {
        var plain = new AlsOptions { Factors = options.Factors };
        AlsOptions[] candidates =
        [
            options with { Regularization = plain.Regularization },
            options with { Alpha = plain.Alpha },
            options with { Iterations = plain.Iterations },
            options with { Solver = plain.Solver },
            options with { CgSteps = plain.CgSteps },
            options with { Seed = plain.Seed },
            options with { MaxDegreeOfParallelism = plain.MaxDegreeOfParallelism },
            options with { ComputeLoss = plain.ComputeLoss },
        ];
        return candidates.Where(o => o != options);
    }

    private static IEnumerable<float[][]> ShrinkRows(float[][] rows)
    {
        for (var r = 0; r < rows.Length; r++)
        {
            for (var f = 0; f < rows[r].Length; f++)
            {
                foreach (var value in FloatShrink.Toward0(rows[r][f]))
                {
                    var copy = (float[][])rows.Clone();
                    copy[r] = (float[])rows[r].Clone();
                    copy[r][f] = value;
                    yield return copy;
                }
            }
        }
    }

    private static IEnumerable<int[]> ShrinkIds(int[]? ids)
    {
        if (ids is null)
        {
            yield break;
        }

        for (var i = 0; i < ids.Length; i++)
        {
            foreach (var id in Shrinkable.Toward(ids[i], 0).Where(id => !ids.Contains(id)))
            {
                var copy = (int[])ids.Clone();
                copy[i] = id;
                yield return copy;
            }
        }
    }

    private static T[] Without<T>(T[] array, int index) => [.. array[..index], .. array[(index + 1)..]];
}
