using System.Net;
using System.Text.Json;

namespace MovieRecs.Web.Tests;

/// <summary>Checks that an answer is an RFC 9457 problem details document of the expected status.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts the status, the media type and the members; returns the problem's <c>detail</c> (or empty).</summary>
    public static async Task<string> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.StartsWith("https://", root.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        if (title is not null)
        {
            Assert.Equal(title, root.GetProperty("title").GetString());
        }

        return root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }
}
