using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Api;

/// <summary>
/// Says what is wrong with a request the framework refused before a handler saw it, as problem details with a
/// detail a client can act on: a route id or <c>count</c> that is not an integer, a body that is not the expected
/// JSON (where, and what to send), a body of another media type (415) or over the size limit (413), and a path or
/// method the API does not have (404, 405). Quoted request text has its control characters escaped and is cut short.
/// </summary>
internal sealed class RequestProblems(IProblemDetailsService problems, IOptions<ServiceOptions> options) : IExceptionHandler
{
    private const string Example = """{"titles": ["star wars"], "movieIds": [1], "count": 10}""";

    /// <summary>Answers a request the framework refused (<see cref="BadHttpRequestException"/>: binding, JSON, media
    /// type, size).</summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (title, detail) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("Content Too Large", TooLarge(httpContext)),
            StatusCodes.Status415UnsupportedMediaType => ("Unsupported Media Type", UnsupportedMediaType),
            _ => ("Bad request", Describe(httpContext, bad)),
        };
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = bad.StatusCode, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    private const string UnsupportedMediaType = $"Send the body as JSON, with the header Content-Type: application/json: {Example}.";

    private static string TooLarge(HttpContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"The request body is over the limit of {context.RequestServices.GetRequiredService<IOptions<ServiceOptions>>().Value.MaxRequestBodyBytes} bytes.");

    /// <summary>Gives the framework's bare answers (no endpoint, method not allowed) a detail.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        var target = $"{Text.Quote(request.Method)} {Text.Quote(request.Path.Value ?? "/")}";
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"The API has no {target}; its endpoints are described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"The API has no {target}; that path allows {Text.Quote(context.HttpContext.Response.Headers.Allow.ToString())}.",
            StatusCodes.Status413PayloadTooLarge => TooLarge(context.HttpContext),
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
            _ => null,
        };
    }

    private string Describe(HttpContext context, BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var where = json.LineNumber is { } line && json.BytePositionInLine is { } position
                ? string.Create(CultureInfo.InvariantCulture, $" at {Text.Quote(json.Path ?? "$")} (line {line + 1}, byte {position + 1})")
                : "";
            return $"The body is not the JSON of a new user{where}: titles must be strings, movieIds integers and count an integer, as in {Example}.";
        }

        // The ids are read from the path, as the exception handler has cleared the route values by now:
        // /users/{id}/recommendations, /users/{id}/explanations/{movieId}, /movies/{id}/similar.
        var request = context.Request;
        var segments = (request.Path.Value ?? "").Split('/');
        var ids = segments switch
        {
            [_, "users", var user, "explanations", var movie, ..] => new[] { ("user id", user), ("movie id", movie) },
            [_, "users", var user, ..] => [("user id", user)],
            [_, "movies", var movie, "similar", ..] => [("movie id", movie)],
            _ => [],
        };
        foreach (var (what, text) in ids)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return $"The {what} must be an integer from {int.MinValue} to {int.MaxValue}; it is '{Text.Quote(text)}'.";
            }
        }

        var count = request.Query["count"];
        if (count.Count > 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Give count once; it is given {count.Count} times.");
        }

        if (count.Count == 1 && !int.TryParse(count[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return string.Create(CultureInfo.InvariantCulture, $"count must be an integer from 1 to {options.Value.MaxCount}; it is '{Text.Quote(count[0] ?? "")}'.");
        }

        return $"The request could not be read: {Text.Quote(bad.Message)}";
    }
}
