using System.Reflection;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;
using MovieRecs.Tests.Architecture;

namespace MovieRecs.Tests.Internal;

/// <summary>
/// How the numeric kernels are compiled in an application that sets no runtime switch. A method that is neither
/// inlined nor marked for full optimization starts as unoptimized code and moves up the JIT's tiers only after a
/// delay that a process's first fit keeps extending (every newly compiled method restarts it), so a kernel called
/// once per row would run unoptimized through much of that fit.
/// </summary>
public class KernelCompilationTests
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>The ALS fit's and the exact solves' kernel classes, BPR's, and those of similar items for all items.</summary>
    public static TheoryData<Type> KernelTypes => [typeof(DenseKernels), typeof(AlsKernels), typeof(Cholesky), typeof(BprKernels), typeof(SimilarityKernels), typeof(AllPairsTopK), typeof(PairHeaps)];

    /// <summary>
    /// Every method of the kernel classes is either marked for full optimization or marked to be inlined into its
    /// (optimized) caller. The only exceptions are the dispatchers that take a <see cref="SimdWidth"/> and pick the
    /// kernel table's entry once per call, and <see cref="IDisposable.Dispose"/>, which returns rented storage once per
    /// call.
    /// </summary>
    [Theory]
    [MemberData(nameof(KernelTypes))]
    public void KernelMethods_AreOptimizedFromTheirFirstCallOrInlined(Type type)
    {
        const MethodImplAttributes Marked = MethodImplAttributes.AggressiveOptimization | MethodImplAttributes.AggressiveInlining;
        var methods = type.GetMethods(Declared)
            .Where(m => m.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
            .ToArray();
        Assert.NotEmpty(methods);

        var unmarked = methods
            .Where(m => (m.MethodImplementationFlags & Marked) == 0)
            .Where(m => m.GetParameters() is not [{ ParameterType: var first }, ..] || first != typeof(SimdWidth))
            .Where(m => m is not { Name: nameof(IDisposable.Dispose), IsStatic: false } || m.GetParameters().Length != 0)
            .Select(m => m.Name)
            .ToArray();

        Assert.True(unmarked.Length == 0, $"{type.Name}: not marked for full optimization nor for inlining: {string.Join(", ", unmarked)}");
    }

    /// <summary>
    /// A method marked for full optimization is compiled on its first call, often before the classes whose static fields
    /// it reads are initialized; the JIT then checks the class's initialization at every read, in loops too, and keeps
    /// the registers live across that possible call on the stack. (The pruned single-user scan read its interval's floor
    /// from a static field; made a constant, the call took 15% less time.) So such a method, with the methods marked to
    /// be inlined that it calls (compiled into it), reads no static field of a class that has a static initializer:
    /// constants, or fields of classes without one, or values passed in. The compiler's cached lambdas are exempt: a
    /// method reads one where it makes the delegate, once per call, not per element (and the cached lambda measured
    /// faster in explain than the struct comparer that would replace it). Methods that tier up are not concerned: by the
    /// time the JIT optimizes them, the classes they read are initialized (the ratings parser's table of powers of ten,
    /// read through an inlined helper, measured 9% faster than a switch in its place).
    /// </summary>
    [Fact]
    public void OptimizedMethods_ReadNoStaticFieldThatNeedsAnInitializationCheck()
    {
        var library = typeof(IdIndex).Assembly;
        var found = new List<string>();
        foreach (var method in LibraryMethods(MethodImplAttributes.AggressiveOptimization))
        {
            Scan($"{method.DeclaringType!.Name}.{method.Name}", method, []);
        }

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found.Distinct()));

        void Scan(string root, MethodBase method, HashSet<MethodBase> seen)
        {
            if (!seen.Add(method) || method.GetMethodBody() is not { } body)
            {
                return;
            }

            var through = seen.Count > 1 ? $" (through {method.Name})" : "";
            foreach (var member in LayerTests.IlMembers(method, body))
            {
                if (member is FieldInfo { IsStatic: true, IsLiteral: false, DeclaringType: { TypeInitializer: not null } owner } field
                    && owner.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
                {
                    found.Add($"{root}{through} reads {owner.Name}.{field.Name}");
                }
                else if (member is MethodBase callee && callee.Module.Assembly == library
                    && (callee.MethodImplementationFlags & MethodImplAttributes.AggressiveInlining) != 0)
                {
                    Scan(root, callee, seen);
                }
            }
        }
    }

    /// <summary>
    /// A method marked to be inlined does not call itself: the JIT does not inline a method into itself, so the inner
    /// call stays a call, to unoptimized code until it tiers up. (The item-item fit's 16-lane comparisons called their
    /// 8-lane form this way, two calls per block of 16 items.)
    /// </summary>
    [Fact]
    public void InlinedMethods_DoNotCallThemselves()
    {
        var found = LibraryMethods(MethodImplAttributes.AggressiveInlining)
            .Where(m => m.GetMethodBody() is { } body
                && LayerTests.IlMembers(m, body).OfType<MethodBase>().Any(c => c.Module == m.Module && c.MetadataToken == m.MetadataToken))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToArray();

        Assert.True(found.Length == 0, $"marked for inlining but calling themselves: {string.Join(", ", found)}");
    }

    /// <summary>The library's methods and constructors that carry <paramref name="mark"/>.</summary>
    private static IEnumerable<MethodBase> LibraryMethods(MethodImplAttributes mark) =>
        typeof(IdIndex).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            .Where(method => (method.MethodImplementationFlags & mark) != 0);
}
