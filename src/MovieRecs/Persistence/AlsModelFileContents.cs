using MovieRecs.Als;

namespace MovieRecs.Persistence;

/// <summary>What a model file holds: the model, and the id indexes saved with it.</summary>
/// <param name="Model">The model, ready to serve.</param>
/// <param name="Users">The external id of each user row, or null when the file has none.</param>
/// <param name="Items">The external id of each item column, or null when the file has none.</param>
public sealed record AlsModelFileContents(AlsModel Model, IdIndex<int>? Users, IdIndex<int>? Items);
