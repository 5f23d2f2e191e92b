namespace MovieRecs.Cli;

/// <summary>A token cancelled by Ctrl+C (the first press; a second one ends the process) or by the caller's token,
/// for as long as it is not disposed.</summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _source;

    public Interrupt(CancellationToken cancellationToken)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        try
        {
            e.Cancel = !_source.IsCancellationRequested;
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Pressed as the command finished: the process ends as it would without the handler.
        }
    }
}
