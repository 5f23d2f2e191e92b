using MovieRecs.Tests;

namespace MovieRecs.Web.Tests;

/// <summary>A fact that needs a browser (<see cref="Browser"/>) and, when named, a real MovieLens release;
/// skipped with the reason where either is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute(string? release = null)
    {
        Release = release;
        if (Browser.MissingReason is { } noBrowser)
        {
            Skip = noBrowser;
        }
        else if (release is not null && TestData.Release(release) is null)
        {
            Skip = $"{release}: {TestData.MissingReason}";
        }
    }

    public string? Release { get; }
}
