namespace MovieRecs.Fuzz;

/// <summary>Thrown by a target when the code under test broke its documented contract without throwing itself
/// (two read paths disagree, a rejected file got the wrong kind of error). Never caught: the fuzzer reports it.</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
