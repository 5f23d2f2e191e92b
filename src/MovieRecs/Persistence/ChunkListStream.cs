namespace MovieRecs.Persistence;

/// <summary>A read-only, forward-only stream over blocks already read from another stream.</summary>
internal sealed class ChunkListStream(List<byte[]> chunks) : Stream
{
    private int _chunk;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (!buffer.IsEmpty && _chunk < chunks.Count)
        {
            var source = chunks[_chunk].AsSpan(_offset);
            var n = Math.Min(source.Length, buffer.Length);
            source[..n].CopyTo(buffer);
            buffer = buffer[n..];
            total += n;
            _offset += n;
            if (_offset == chunks[_chunk].Length)
            {
                chunks[_chunk] = [];
                _chunk++;
                _offset = 0;
            }
        }

        return total;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
