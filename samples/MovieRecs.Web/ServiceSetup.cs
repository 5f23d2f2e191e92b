using MovieRecs.Web.Api;
using MovieRecs.Web.Serving;

namespace MovieRecs.Web;

/// <summary>Wires the service: the model host and its file watcher, problem details, JSON, OpenAPI, the page and the API.</summary>
internal static class ServiceSetup
{
    /// <summary>Short command-line switches: <c>--model</c> and <c>--data</c>.</summary>
    public static IReadOnlyDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--model"] = $"{ServiceOptions.Section}:{nameof(ServiceOptions.Model)}",
        ["--data"] = $"{ServiceOptions.Section}:{nameof(ServiceOptions.Data)}",
    };

    public static WebApplicationBuilder AddMovieRecsService(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        builder.Services.AddOptions<ServiceOptions>().Bind(builder.Configuration.GetSection(ServiceOptions.Section));
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService<ModelFileWatcher>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseMovieRecsService(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        app.MapMovieRecsApi();
        return app;
    }
}
