namespace MovieRecs.Spark.Tests;

/// <summary>A theory about file kinds the library tells on Linux only (elsewhere it opens a file as it is).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "the kind of a file (a FIFO) is told on Linux only";
        }
    }
}
