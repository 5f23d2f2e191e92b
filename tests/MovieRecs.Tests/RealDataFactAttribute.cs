namespace MovieRecs.Tests;

/// <summary>A fact that needs a real MovieLens release; skipped with a clear reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute(string release)
    {
        Release = release;
        if (TestData.Release(release) is null)
        {
            Skip = $"{release}: {TestData.MissingReason}";
        }
    }

    public string Release { get; }
}

/// <summary>A theory that needs a real MovieLens release; skipped with a clear reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealDataTheoryAttribute : TheoryAttribute
{
    public RealDataTheoryAttribute(string release)
    {
        Release = release;
        if (TestData.Release(release) is null)
        {
            Skip = $"{release}: {TestData.MissingReason}";
        }
    }

    public string Release { get; }
}
