using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace MovieRecs.Internal;

/// <summary>Cold throw paths kept out of hot methods so they inline and stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actualValue, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actualValue, message);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) =>
        throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static T ThrowArgumentOutOfRange<T>(string paramName, object? actualValue, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actualValue, message);

    /// <summary>Rethrows the first exception a parallel loop's body threw (the caller's progress, say) as itself,
    /// with its own stack, instead of the <see cref="AggregateException"/> that wraps it.</summary>
    [DoesNotReturn]
    public static void ThrowFirstInner(AggregateException exception)
    {
        ExceptionDispatchInfo.Capture(exception.Flatten().InnerExceptions[0]).Throw();
        throw exception;
    }
}
