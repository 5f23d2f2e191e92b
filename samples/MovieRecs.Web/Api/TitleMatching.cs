using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web.Api;

/// <summary>
/// Bounds the requests that match titles: matching costs time in proportion to the titles and the catalogue (a body
/// of 100 unknown titles takes about a second of a core on ml-100k, more on a larger catalogue), so at most
/// <see cref="ServiceOptions.MaxConcurrentTitleMatching"/> run at once, <see cref="ServiceOptions.TitleMatchingQueue"/>
/// more wait, and the rest are answered 503 with <c>Retry-After</c> at once, leaving cores to the other endpoints.
/// </summary>
internal static class TitleMatching
{
    /// <summary>The rate limiter policy of the endpoints that match titles.</summary>
    public const string Policy = "title-matching";

    private const int RetryAfterSeconds = 1;

    public static void Configure(RateLimiterOptions limiter, ServiceOptions settings)
    {
        limiter.AddConcurrencyLimiter(Policy, concurrency =>
        {
            concurrency.PermitLimit = Math.Max(1, settings.MaxConcurrentTitleMatching);
            concurrency.QueueLimit = Math.Max(0, settings.TitleMatchingQueue);
            concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
        });
        limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
        limiter.OnRejected = (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return new ValueTask(Problems.Unavailable(
                    $"The service is matching as many titles as it may at once ({Math.Max(1, settings.MaxConcurrentTitleMatching)} requests, {Math.Max(0, settings.TitleMatchingQueue)} waiting); try again in {RetryAfterSeconds} s.")
                .ExecuteAsync(http));
        };
    }
}
