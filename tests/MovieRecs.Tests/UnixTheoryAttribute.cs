namespace MovieRecs.Tests;

/// <summary>A theory about Unix file system objects (FIFOs, sockets, symbolic links); skipped on Windows.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs Unix FIFOs, sockets and symbolic links";
        }
    }
}
