using System.Text;

namespace MovieRecs.MovieLens;

/// <summary>
/// Splits a stream into lines of bytes: skips a UTF-8 byte order mark, accepts LF and CR LF, reads a last line
/// without a newline, and grows its buffer for long lines. Decoding is left to the caller (fields are decoded one by
/// one, so separators never need decoding).
/// </summary>
internal sealed class TextLineReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>Lines longer than this are an error rather than a reason to keep growing the buffer.</summary>
    public const int MaxLineLength = 64 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _displayName;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _position;
    private int _end;
    private bool _endOfStream;
    private bool _bomChecked;

    public TextLineReader(Stream stream, string displayName, bool leaveOpen)
    {
        _stream = stream;
        _displayName = displayName;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The 1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whether the last line returned ended with a newline (false only for an unterminated last line).</summary>
    public bool LineHadNewline { get; private set; }

    /// <summary>Returns the next line without its line break; the span is valid until the next call.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        // Bytes after _position already searched without finding a newline.
        var scanned = 0;
        while (true)
        {
            if (_bomChecked)
            {
                var from = _position + scanned;
                var newline = _buffer.AsSpan(from, _end - from).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var lineEnd = from + newline;
                    line = TrimCarriageReturn(_buffer.AsSpan(_position, lineEnd - _position));
                    _position = lineEnd + 1;
                    LineNumber++;
                    LineHadNewline = true;
                    return true;
                }

                scanned = _end - _position;
                if (_endOfStream)
                {
                    if (_position == _end)
                    {
                        line = default;
                        return false;
                    }

                    line = TrimCarriageReturn(_buffer.AsSpan(_position, _end - _position));
                    _position = _end;
                    LineNumber++;
                    LineHadNewline = false;
                    return true;
                }
            }

            Fill();
            if (!_bomChecked && (_end >= 3 || _endOfStream))
            {
                _bomChecked = true;
                if (_buffer.AsSpan(0, _end).StartsWith(Encoding.UTF8.Preamble))
                {
                    _position = 3;
                }

                scanned = 0;
            }
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>Reads more bytes after moving the pending partial line to the front (growing the buffer if it is full).</summary>
    private void Fill()
    {
        if (_position > 0)
        {
            var pending = _end - _position;
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, pending);
            _position = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineLength)
            {
                DataError.Throw(_displayName, LineNumber + 1, $"the line is longer than {MaxLineLength} bytes", _buffer.AsSpan(0, _end));
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }
}
