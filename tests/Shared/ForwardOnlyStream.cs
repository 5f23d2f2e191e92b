namespace MovieRecs.Testing;

/// <summary>
/// A read-only stream over another that cannot seek, tell its length or position, and returns at most
/// <c>maxRead</c> bytes per read: what a pipe or a network stream looks like to a reader. Shared, as a linked source
/// file, by the tests, the fuzzing harness and the benchmarks.
/// </summary>
/// <param name="inner">The stream read from.</param>
/// <param name="maxRead">The most bytes one read returns (at least 1).</param>
internal sealed class ForwardOnlyStream(Stream inner, int maxRead) : Stream
{
    /// <summary>The read size the tests use by default: a prime, so reads end at every offset of a format's blocks.</summary>
    public const int DefaultMaxRead = 7919;

    /// <summary>A forward-only view of <paramref name="inner"/> returning at most <see cref="DefaultMaxRead"/> bytes per read.</summary>
    public ForwardOnlyStream(Stream inner)
        : this(inner, DefaultMaxRead)
    {
    }

    /// <summary>A forward-only view of <paramref name="data"/> returning at most <paramref name="maxRead"/> bytes per read.</summary>
    public ForwardOnlyStream(byte[] data, int maxRead)
        : this(new MemoryStream(data, writable: false), maxRead)
    {
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, maxRead)]);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
