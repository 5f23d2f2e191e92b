using System.Globalization;

namespace MovieRecs.Web.Api;

/// <summary>The service's errors as RFC 9457 problem details (<c>application/problem+json</c>); the framework fills
/// in <c>type</c> (the RFC 9110 section of the status) and the request's <c>traceId</c>.</summary>
internal static class Problems
{
    public static IResult NotFound(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static IResult Unavailable(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable");

    public static IResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    /// <summary>A 400 for a <c>count</c> out of 1..<paramref name="max"/>, or null when it is in range (or absent).</summary>
    public static IResult? BadCount(int? count, int max) =>
        count is null || (count >= 1 && count <= max)
            ? null
            : BadRequest(string.Create(CultureInfo.InvariantCulture, $"count must be from 1 to {max}; it is {count}."));
}
