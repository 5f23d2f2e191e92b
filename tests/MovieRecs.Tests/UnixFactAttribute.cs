namespace MovieRecs.Tests;

/// <summary>A fact about Unix file system objects (FIFOs, sockets, symbolic links); skipped on Windows.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs Unix FIFOs, sockets and symbolic links";
        }
    }
}
