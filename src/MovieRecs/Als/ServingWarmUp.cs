using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Als;

/// <summary>
/// Runs batch recommend, similar items for all items and one explanation on a small model, and compiles the kernels of
/// the single-user call and of explain, once per process, on a thread-pool thread, as soon as a model is being fitted or
/// created, so that an application's first calls do not wait for the JIT.
/// </summary>
/// <remarks>
/// <para>The serving kernels are marked for full optimization, so they are compiled on their first call whatever the
/// host's tiering settings; for batch recommend that costs about 20 ms (43 methods at 512 bits), as much as the warm call
/// itself on the ml-1m shape. The kernels are the same code for every model of a vector width, so one small model run
/// through the batch path compiles them for all.</para>
/// <para>Similar items for all items run on the small model too. Every method of their hot path is marked for full
/// optimization (so none learns a profile from the small run); what the run adds to compiling them is the unoptimized
/// first form of the rest (the workers' loop, the heaps' constructor, the shared array pool), about 4 ms of a first
/// call of 10 ms warm on the ml-1m shape. An earlier warm-up that ran them while the sorted insertion still tiered up
/// left the warm calls slower (14.5 ms against 10), as that method learned its profile from the small run.</para>
/// <para>The single-user call's kernels (<see cref="SingleUserMethods"/>) are compiled, not run: its first call went from
/// 21 to 30 ms down to 13 to 15 ms, and to 4 to 6 ms once the 8-bit copy's coding (built on first use) and the scan's
/// heap helpers were marked for full optimization and added to the list. Explain's
/// (<see cref="ExplainMethods"/>) took its first call from 25 ms down to 16 to 18 ms; with the solve shared with
/// fold-in (<c>Recalculate</c>, about 4 ms to compile) in the list and one explanation run on the small model (which
/// loads System.Numerics.Tensors and runs its dot product and the contributions' sort once, about 7 ms), to about 2 ms.</para>
/// <para>It all happens once per process, reads and writes nothing but its own arrays, and a failure in it changes
/// nothing but the first calls' time.</para>
/// </remarks>
internal static class ServingWarmUp
{
    private const int Users = 24;
    private const int Items = 640;
    private const int Factors = 32;

    private static int _started;

    /// <summary>Whether the warm-up has finished (for tests).</summary>
    internal static bool Done { get; private set; }

    /// <summary>Queues the warm-up for the widest kernels of this machine, the first time only.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Run(), null);
        }
    }

    /// <summary>
    /// The single-user call's methods marked for full optimization: compiled, not run, so that the methods that tier up
    /// learn their profile from the application's own calls.
    /// </summary>
    internal static readonly MethodNames[] SingleUserMethods =
    [
        new(typeof(AlsModel), ["RankInto", "RankPruned", "RescoreCandidates", "SelectInto"]),
        new(typeof(QuantizedItems), ["Build", "Code", "Prune", "Keep", "HeapPush", "HeapReplaceRoot", "Dot512", "Dot256"]),
    ];

    /// <summary>
    /// Explain's methods marked for full optimization, compiled the same way (the solve is fold-in's too); the generic
    /// kernels (the Cholesky factorization and solve behind the explanation's weights) for this machine's widest kernels.
    /// </summary>
    internal static readonly MethodNames[] ExplainMethods =
    [
        new(typeof(AlsModel), ["FactorExplainer", "CopyUpperTriangle", "Recalculate"]),
        new(typeof(UserExplainer), ["Explain"]),
        new(typeof(AlsKernels), ["SolveCholesky`2"]),
        new(typeof(Cholesky), ["Factor`2", "FinishRow`2", "Update4`2", "Solve`2"]),
        new(typeof(DenseKernels), ["RankUpdateRowTile`2"]),
    ];

    /// <summary>
    /// The methods of <see cref="SingleUserMethods"/> and <see cref="ExplainMethods"/>,
    /// in that order, null where a name finds none (for tests: each must find one). A name ending in <c>`2</c> is the
    /// generic method of that name over a kernel table entry (<c>TOps</c>, <c>TVec</c>).
    /// </summary>
    internal static IEnumerable<MethodInfo?> FindCompiledMethods()
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.NonPublic
            | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var list in SingleUserMethods.Concat(ExplainMethods))
        {
            foreach (var name in list.Names)
            {
                var generic = name.EndsWith("`2", StringComparison.Ordinal);
                var plain = generic ? name[..^2] : name;
                var found = list.Type.GetMethods(Flags).Where(m => m.Name == plain && m.IsGenericMethodDefinition == generic).ToArray();
                yield return found.Length == 1 ? found[0] : null;
            }
        }
    }

    private static void CompileServingKernels()
    {
        var (ops, vector) = KernelTable.Best switch
        {
            SimdWidth.Vector512 => (typeof(Vector512Ops), typeof(Vector512<float>)),
            SimdWidth.Vector256 => (typeof(Vector256Ops), typeof(Vector256<float>)),
            SimdWidth.Vector128 => (typeof(Vector128Ops), typeof(Vector128<float>)),
            _ => (typeof(ScalarOps), typeof(float)),
        };
        foreach (var method in FindCompiledMethods())
        {
            if (method is null)
            {
                continue;
            }

            if (method.IsGenericMethodDefinition)
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle, [ops.TypeHandle, vector.TypeHandle]);
            }
            else
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }
    }

    private static void Run()
    {
        try
        {
            var userFactors = new float[Users * Factors];
            var itemFactors = new float[Items * Factors];
            var state = 0x9E3779B9u;
            for (var i = 0; i < itemFactors.Length; i++)
            {
                state = (state * 1664525u) + 1013904223u;
                itemFactors[i] = ((state >> 8) * (1f / (1 << 24))) - 0.5f;
                if (i < userFactors.Length)
                {
                    userFactors[i] = itemFactors[i] * 0.5f;
                }
            }

            // Each user has liked a few items, so the filter and the selection run as in a real call.
            var rows = new int[Users * 4];
            var columns = new int[rows.Length];
            for (var e = 0; e < rows.Length; e++)
            {
                rows[e] = e / 4;
                columns[e] = ((e * 37) + (e / 4)) % Items;
            }

            var values = new float[rows.Length];
            Array.Fill(values, 1f);
            var liked = CsrMatrix.FromTriplets(Users, Items, rows, columns, values);
            var model = AlsModel.FromFactors(new AlsOptions { Factors = Factors }, userFactors, itemFactors);
            _ = model.RecommendAll(liked, 10);
            // Top-10, as applications mostly ask: up to 16 others per row take the sorted runs.
            _ = model.SimilarItemsAll(10);
            CompileServingKernels();
            // One explanation: besides the marked methods it loads System.Numerics.Tensors and runs its dot product and
            // the sort of the contributions once, about 7 ms of a first explain call otherwise (one call of the many
            // from which those methods, which tier up, learn their profile).
            _ = model.Explain(liked.GetColumnIndices(0), liked.GetValues(0), item: 1);
            Done = true;
        }
#pragma warning disable CA1031 // A warm-up that fails leaves only the first call slower; nothing may escape a pool thread.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Methods of one type, by name. The type is annotated for the trimmer, which then keeps the methods the warm-up
    /// looks up by name (and has nothing to warn about in a trimmed or native AOT application).
    /// </summary>
    internal sealed class MethodNames(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] Type type,
        string[] names)
    {
        /// <summary>The type that declares the methods.</summary>
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)]
        public Type Type { get; } = type;

        /// <summary>The methods' names; one ending in <c>`2</c> names a generic method over a kernel table entry.</summary>
        public string[] Names { get; } = names;
    }
}
