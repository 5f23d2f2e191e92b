using MovieRecs.Als;

namespace MovieRecs.Persistence;

/// <summary>
/// What <see cref="AlsModelFile"/> and <see cref="ImplicitModelFile"/> load: the model, and the external ids of its
/// users and items when the file holds them. Deconstructs as <c>var (model, users, items) = AlsModelFile.Load(path);</c>.
/// </summary>
/// <param name="Model">The model, ready to serve.</param>
/// <param name="Users">The external id of each user row (e.g. MovieLens user ids), or <see langword="null"/> when not saved.</param>
/// <param name="Items">The external id of each item column (e.g. MovieLens movie ids), or <see langword="null"/> when not saved.</param>
/// <remarks>Immutable and thread-safe, as its parts are.</remarks>
public sealed record ModelFileContent(AlsModel Model, IdIndex<int>? Users, IdIndex<int>? Items);
