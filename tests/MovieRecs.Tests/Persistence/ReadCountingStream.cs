namespace MovieRecs.Tests.Persistence;

/// <summary>A read-only, seekable view of another stream that counts the bytes read through it, so that a test can
/// tell whether a reader went through a payload or stopped at its header.</summary>
/// <param name="inner">The stream read from.</param>
internal sealed class ReadCountingStream(Stream inner) : Stream
{
    /// <summary>The bytes read so far, wherever they were.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        BytesRead += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
