using MovieRecs.Als;

namespace MovieRecs.Persistence;

/// <summary>The argument checks shared by the model savers of <see cref="AlsModelFile"/> and <see cref="ImplicitModelFile"/>.</summary>
internal static class ModelArguments
{
    public static void CheckWritable(Stream stream)
    {
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }
    }

    public static void CheckIds(AlsModel model, IdIndex<int>? users, IdIndex<int>? items)
    {
        if (users is not null && users.Count != model.UserCount)
        {
            throw new ArgumentException($"users holds {users.Count} ids but the model has {model.UserCount} users.", nameof(users));
        }

        if (items is not null && items.Count != model.ItemCount)
        {
            throw new ArgumentException($"items holds {items.Count} ids but the model has {model.ItemCount} items.", nameof(items));
        }
    }
}
