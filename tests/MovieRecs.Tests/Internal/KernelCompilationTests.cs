using System.Reflection;
using System.Runtime.CompilerServices;
using MovieRecs.Internal;

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

    /// <summary>The ALS fit's and the exact solves' kernel classes.</summary>
    public static TheoryData<Type> KernelTypes => [typeof(DenseKernels), typeof(AlsKernels), typeof(Cholesky)];

    /// <summary>
    /// Every method of the kernel classes is either marked for full optimization or marked to be inlined into its
    /// (optimized) caller. The only exceptions are the dispatchers that take a <see cref="SimdWidth"/> and pick the
    /// kernel table's entry once per call.
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
            .Select(m => m.Name)
            .ToArray();

        Assert.True(unmarked.Length == 0, $"{type.Name}: not marked for full optimization nor for inlining: {string.Join(", ", unmarked)}");
    }
}
