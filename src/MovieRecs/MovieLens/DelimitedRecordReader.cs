using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace MovieRecs.MovieLens;

/// <summary>How the fields of a text file are separated.</summary>
internal enum FieldSeparator
{
    /// <summary><c>|</c>, no quoting (ml-100k <c>u.item</c>, <c>u.user</c>, <c>u.genre</c>).</summary>
    Pipe,

    /// <summary><c>::</c>, no quoting (ml-1m and ml-10m <c>.dat</c> files).</summary>
    DoubleColon,

    /// <summary>Comma, with RFC 4180 quoting: a field in double quotes may hold commas, line breaks and doubled quotes.</summary>
    Csv,
}

/// <summary>
/// Reads the records of a small text file (movies, users, tags, links) field by field, with the error reporting of
/// the readers. Blank lines are skipped (they still count in line numbers).
/// </summary>
internal sealed class DelimitedRecordReader : IDisposable
{
    private readonly TextLineReader _lines;
    private readonly FieldSeparator _separator;
    private readonly TextDecoding _decoding;
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];
    private byte[] _record = new byte[256];
    private int _recordLength;
    private byte[] _scratch = new byte[256];
    private bool _recordIsUtf8;

    /// <summary>Where the content of a quoted field still open at the end of the record starts, or -1 when none is:
    /// the next line continues that field, and splitting resumes there instead of at the record's start (which took
    /// time quadratic in the lines of an unclosed quote: minutes for a 600 KB file).</summary>
    private int _openQuotedField = -1;

    /// <summary>Where the search for the closing quote of <see cref="_openQuotedField"/> resumes.</summary>
    private int _quoteSearchFrom;

    public DelimitedRecordReader(Stream stream, string displayName, FieldSeparator separator, TextDecoding decoding, bool leaveOpen)
    {
        _lines = new TextLineReader(stream, displayName, leaveOpen);
        DisplayName = displayName;
        _separator = separator;
        _decoding = decoding;
    }

    public string DisplayName { get; }

    /// <summary>The 1-based line number where the current record starts.</summary>
    public long LineNumber { get; private set; }

    public int FieldCount => _fields.Count;

    /// <summary>The raw bytes of the current record (quoted line breaks included).</summary>
    public ReadOnlySpan<byte> Record => _record.AsSpan(0, _recordLength);

    /// <summary>Opens a file with <see cref="FileNotFoundException"/> naming the path when it is missing.</summary>
    public static DelimitedRecordReader Open(string path, FieldSeparator separator, TextDecoding decoding) =>
        new(MovieLensFile.OpenSequential(path), path, separator, decoding, leaveOpen: false);

    /// <summary>Advances to the next non-blank record and splits its fields; false at the end of the file.</summary>
    public bool ReadRecord()
    {
        ReadOnlySpan<byte> line;
        do
        {
            if (!_lines.TryReadLine(out line))
            {
                return false;
            }
        }
        while (line.IsEmpty);

        LineNumber = _lines.LineNumber;
        _recordLength = 0;
        _openQuotedField = -1;
        Append(line);
        while (!Split())
        {
            // A quoted field continues on the next line.
            if (!_lines.TryReadLine(out line))
            {
                Fail("a quoted field is not closed before the end of the file");
            }

            if ((long)_recordLength + 1 + line.Length > TextLineReader.MaxLineLength)
            {
                Fail(Invariant($"the record is longer than {TextLineReader.MaxLineLength} bytes (a quoted field that is not closed?)"));
            }

            Append("\n"u8);
            Append(line);
        }

        _recordIsUtf8 = _decoding == TextDecoding.Utf8WithLatin1Fallback && Utf8.IsValid(Record);
        return true;
    }

    /// <summary>Reads the first record and checks it is <paramref name="header"/> (ignoring ASCII case).</summary>
    /// <returns>False when the file holds no record at all (an empty file).</returns>
    public bool ReadHeader(string header)
    {
        if (!ReadRecord())
        {
            return false;
        }

        if (!Ascii.EqualsIgnoreCase(Record, Encoding.ASCII.GetBytes(header)))
        {
            Fail($"expected the CSV header \"{header}\"");
        }

        return true;
    }

    public void ExpectFieldCount(int count, string layout)
    {
        if (_fields.Count != count)
        {
            Fail($"expected {count} fields ({layout}) but found {_fields.Count}");
        }
    }

    /// <summary>The bytes of field <paramref name="index"/>, unquoted; valid until the next field access.</summary>
    public ReadOnlySpan<byte> FieldBytes(int index)
    {
        var (start, length, quoted) = _fields[index];
        var raw = _record.AsSpan(start, length);
        if (!quoted || raw.IndexOf((byte)'"') < 0)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[raw.Length];
        }

        var written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            _scratch[written++] = raw[i];
            if (raw[i] == (byte)'"')
            {
                i++; // a doubled quote stands for one
            }
        }

        return _scratch.AsSpan(0, written);
    }

    public string FieldString(int index) => Decode(FieldBytes(index));

    public string Decode(ReadOnlySpan<byte> bytes) =>
        _recordIsUtf8 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    public int FieldId(int index, string what)
    {
        if (!RatingsLineParser.TryParseId(FieldBytes(index), what, out var id, out var error))
        {
            Fail(error!);
        }

        return id;
    }

    public int? FieldOptionalId(int index, string what) => FieldBytes(index).IsEmpty ? null : FieldId(index, what);

    public long FieldTimestamp(int index)
    {
        if (!RatingsLineParser.TryParseTimestamp(FieldBytes(index), out var timestamp, out var error))
        {
            Fail(error!);
        }

        return timestamp;
    }

    /// <summary>
    /// Records that the current record defines <paramref name="id"/>, failing when an earlier line of the file already
    /// did (ids are keys in movies, users and links files: a repeat would make two records for one key).
    /// </summary>
    /// <param name="firstLines">The ids seen so far, each with the line that defined it.</param>
    /// <param name="id">The id of the current record.</param>
    /// <param name="what">What the id is, e.g. <c>"movie id"</c>.</param>
    public void ExpectNewId(Dictionary<int, long> firstLines, int id, string what)
    {
        if (!firstLines.TryAdd(id, LineNumber))
        {
            Fail(Invariant($"{what} {id} was already defined on line {firstLines[id]}"));
        }
    }

    [DoesNotReturn]
    public void Fail(string reason)
    {
        var text = _recordIsUtf8 || Utf8.IsValid(Record) ? Encoding.UTF8.GetString(Record) : Encoding.Latin1.GetString(Record);
        if (!_lines.LineHadNewline && _lines.LineNumber == LineNumber)
        {
            reason += " (the last line has no newline: the file may be truncated)";
        }

        DataError.Throw(DisplayName, LineNumber, reason, text);
    }

    public void Dispose() => _lines.Dispose();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_record.Length < _recordLength + bytes.Length)
        {
            Array.Resize(ref _record, Math.Max(_record.Length * 2, _recordLength + bytes.Length));
        }

        bytes.CopyTo(_record.AsSpan(_recordLength));
        _recordLength += bytes.Length;
    }

    /// <summary>Splits the record into fields; false when a quoted field runs past the end (needs the next line).</summary>
    private bool Split()
    {
        if (_openQuotedField < 0)
        {
            _fields.Clear();
        }

        var record = Record;
        switch (_separator)
        {
            case FieldSeparator.Pipe:
                SplitPlain(record, "|"u8);
                return true;
            case FieldSeparator.DoubleColon:
                SplitPlain(record, "::"u8);
                return true;
            default:
                return SplitCsv(record);
        }
    }

    private void SplitPlain(ReadOnlySpan<byte> record, ReadOnlySpan<byte> separator)
    {
        var start = 0;
        while (true)
        {
            var at = record[start..].IndexOf(separator);
            if (at < 0)
            {
                _fields.Add((start, record.Length - start, false));
                return;
            }

            _fields.Add((start, at, false));
            start += at + separator.Length;
        }
    }

    private bool SplitCsv(ReadOnlySpan<byte> record)
    {
        // Fields before a quoted field left open by the previous line are split already.
        var resuming = _openQuotedField >= 0;
        var i = 0;
        while (true)
        {
            if (resuming || (i < record.Length && record[i] == (byte)'"'))
            {
                // Quoted field: runs to the quote not followed by another quote.
                var contentStart = resuming ? _openQuotedField : i + 1;
                var j = resuming ? _quoteSearchFrom : contentStart;
                resuming = false;
                _openQuotedField = -1;
                while (true)
                {
                    var quote = record[j..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        _openQuotedField = contentStart;
                        _quoteSearchFrom = record.Length;
                        return false;
                    }

                    j += quote;
                    if (j + 1 < record.Length && record[j + 1] == (byte)'"')
                    {
                        j += 2;
                        continue;
                    }

                    break;
                }

                _fields.Add((contentStart, j - contentStart, true));
                i = j + 1;
                if (i == record.Length)
                {
                    return true;
                }

                if (record[i] != (byte)',')
                {
                    Fail(Invariant($"unexpected character '{(char)record[i]}' after the closing quote of field {_fields.Count}"));
                }

                i++;
                continue;
            }

            var comma = record[i..].IndexOf((byte)',');
            if (comma < 0)
            {
                _fields.Add((i, record.Length - i, false));
                return true;
            }

            _fields.Add((i, comma, false));
            i += comma + 1;
        }
    }
}
