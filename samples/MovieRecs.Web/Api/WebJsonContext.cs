using System.Text.Json;
using System.Text.Json.Serialization;

namespace MovieRecs.Web.Api;

/// <summary>Source-generated JSON for every request and answer (camelCase, as the web defaults): no reflection per
/// request, and trimmable.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserRecommendations))]
[JsonSerializable(typeof(SimilarMovies))]
[JsonSerializable(typeof(UserExplanation))]
[JsonSerializable(typeof(TitleSearch))]
[JsonSerializable(typeof(NewUserRequest))]
[JsonSerializable(typeof(NewUserRecommendations))]
[JsonSerializable(typeof(ServiceHealth))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
