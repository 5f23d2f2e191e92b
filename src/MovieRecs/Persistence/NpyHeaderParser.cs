using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MovieRecs.Persistence;

/// <summary>The three values of a <c>.npy</c> header dict.</summary>
internal readonly record struct NpyHeaderDict(string Descr, bool FortranOrder, long[] Shape);

/// <summary>
/// A strict parser for the Python dict literal of a <c>.npy</c> header, e.g.
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. It accepts what numpy's
/// <c>ast.literal_eval</c>-based reader accepts for the three keys (either quote style, any whitespace, trailing
/// commas, Python 2 <c>L</c> suffixes) and nothing that would need evaluation: there is no code path that runs or
/// deserializes anything.
/// </summary>
internal ref struct NpyHeaderParser
{
    /// <summary>The most dimensions a shape may list (numpy's own limit is 64).</summary>
    private const int MaxDimensions = 64;

    private readonly ReadOnlySpan<byte> _text;
    private readonly bool _utf8;
    private readonly string _sourceName;
    private int _pos;

    private NpyHeaderParser(ReadOnlySpan<byte> text, bool utf8, string sourceName)
    {
        _text = text;
        _utf8 = utf8;
        _sourceName = sourceName;
        _pos = 0;
    }

    /// <summary>Parses a header; throws a <see cref="ModelFileException"/> naming the position and text of any fault.</summary>
    /// <param name="text">The header bytes (latin-1 for versions 1 and 2, UTF-8 for version 3).</param>
    /// <param name="utf8">Whether strings are UTF-8.</param>
    /// <param name="sourceName">The file or entry, for messages.</param>
    public static NpyHeaderDict Parse(ReadOnlySpan<byte> text, bool utf8, string sourceName) =>
        new NpyHeaderParser(text, utf8, sourceName).ParseDict();

    private NpyHeaderDict ParseDict()
    {
        SkipWhitespace();
        Expect((byte)'{', "the header must be a dict starting with '{'");
        string? descr = null;
        bool? fortranOrder = null;
        long[]? shape = null;
        while (true)
        {
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                break;
            }

            var keyAt = _pos;
            var key = ParseString("a quoted key");
            SkipWhitespace();
            Expect((byte)':', "expected ':' after a key");
            SkipWhitespace();
            switch (key)
            {
                case "descr":
                    CheckUnique(descr is not null, key, keyAt);
                    if (Peek() == '[')
                    {
                        NpyErrors.Throw(
                            ModelFileError.UnsupportedDataType,
                            _sourceName,
                            $"structured dtype {Excerpt(_pos)} is not supported; only plain numeric, bool and string dtypes are.");
                    }

                    descr = ParseString("the descr string");
                    break;
                case "fortran_order":
                    CheckUnique(fortranOrder is not null, key, keyAt);
                    fortranOrder = ParseBool();
                    break;
                case "shape":
                    CheckUnique(shape is not null, key, keyAt);
                    shape = ParseShape();
                    break;
                default:
                    Fail($"unexpected key '{key}' at byte {keyAt}; a header has exactly 'descr', 'fortran_order' and 'shape'");
                    break;
            }

            SkipWhitespace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect((byte)'}', "expected ',' or '}' after a value");
            break;
        }

        SkipWhitespace();
        if (_pos != _text.Length)
        {
            Fail($"unexpected text after the dict at byte {_pos}: {Excerpt(_pos)}");
        }

        if (descr is null || fortranOrder is null || shape is null)
        {
            var missing = descr is null ? "descr" : fortranOrder is null ? "fortran_order" : "shape";
            Fail($"the key '{missing}' is missing in {Excerpt(0)}");
        }

        return new NpyHeaderDict(descr, fortranOrder.Value, shape);
    }

    private string ParseString(string what)
    {
        var quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            Fail($"expected {what} at byte {_pos}, found {Excerpt(_pos)}");
        }

        var start = ++_pos;
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            var b = _text[_pos];
            if (b == '\\')
            {
                Fail($"escape sequences in header strings are not supported (byte {_pos}: {Excerpt(start - 1)})");
            }

            if (b is (byte)'\n' or (byte)'\r')
            {
                Fail($"unterminated string at byte {start - 1}: {Excerpt(start - 1)}");
            }

            _pos++;
        }

        if (_pos >= _text.Length)
        {
            Fail($"unterminated string at byte {start - 1}: {Excerpt(start - 1)}");
        }

        var content = _text[start.._pos];
        _pos++;
        if (!_utf8)
        {
            return Encoding.Latin1.GetString(content);
        }

        if (!Utf8Validate(content))
        {
            Fail($"the string at byte {start - 1} is not valid UTF-8: {Excerpt(start - 1)}");
        }

        return Encoding.UTF8.GetString(content);
    }

    private bool ParseBool()
    {
        if (MatchWord("True"u8))
        {
            return true;
        }

        if (MatchWord("False"u8))
        {
            return false;
        }

        Fail($"fortran_order must be True or False, found {Excerpt(_pos)}");
        return false;
    }

    private long[] ParseShape()
    {
        var open = _pos;
        if (Peek() != '(')
        {
            NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"shape must be a tuple, found {Excerpt(open)}.");
        }

        _pos++;
        var dimensions = new List<long>(2);
        var trailingComma = false;
        while (true)
        {
            SkipWhitespace();
            if (Peek() == ')')
            {
                _pos++;
                break;
            }

            if (dimensions.Count == MaxDimensions)
            {
                NpyErrors.Throw(ModelFileError.UnsupportedShape, _sourceName, $"shape at byte {open} lists more than {MaxDimensions} dimensions.");
            }

            dimensions.Add(ParseDimension());
            SkipWhitespace();
            trailingComma = Peek() == ',';
            if (trailingComma)
            {
                _pos++;
                continue;
            }

            if (Peek() != ')')
            {
                NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"expected ',' or ')' in the shape at byte {_pos}: {Excerpt(open)}.");
            }
        }

        if (dimensions.Count == 1 && !trailingComma)
        {
            NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"shape {Excerpt(open)} is a parenthesized integer, not a tuple (a 1-tuple needs a trailing comma).");
        }

        return [.. dimensions];
    }

    private long ParseDimension()
    {
        var start = _pos;
        var negative = false;
        if (Peek() is '-' or '+')
        {
            negative = Peek() == '-';
            _pos++;
            SkipWhitespace();
        }

        var digitsStart = _pos;
        long value = 0;
        var overflow = false;
        while (_pos < _text.Length && _text[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            var digit = _text[_pos] - '0';
            overflow |= value > (long.MaxValue - digit) / 10;
            if (!overflow)
            {
                value = (value * 10) + digit;
            }

            _pos++;
        }

        if (_pos == digitsStart)
        {
            NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"shape dimensions must be integers, found {Excerpt(start)}.");
        }

        if (Peek() is 'L' or 'l')
        {
            _pos++; // Python 2 long suffix, as written by numpy under Python 2.
        }

        if (Peek() == '.' || IsIdentifierByte(Peek()))
        {
            NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"shape dimensions must be plain integers, found {Excerpt(start)}.");
        }

        if (negative && value != 0)
        {
            NpyErrors.Throw(ModelFileError.InvalidShape, _sourceName, $"shape dimensions must not be negative, found {Excerpt(start)}.");
        }

        if (overflow)
        {
            NpyErrors.Throw(ModelFileError.TooManyElements, _sourceName, $"shape dimension {Excerpt(start)} is too large.");
        }

        return value;
    }

    private bool MatchWord(ReadOnlySpan<byte> word)
    {
        if (!_text[_pos..].StartsWith(word))
        {
            return false;
        }

        var end = _pos + word.Length;
        if (end < _text.Length && IsIdentifierByte(_text[end]))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private static bool IsIdentifierByte(int b) =>
        b is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || b >= 0x80;

    private readonly int Peek() => _pos < _text.Length ? _text[_pos] : -1;

    private void Expect(byte expected, string message)
    {
        if (Peek() != expected)
        {
            Fail($"{message}; at byte {_pos}: {Excerpt(_pos)}");
        }

        _pos++;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && _text[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v')
        {
            _pos++;
        }
    }

    private readonly void CheckUnique(bool seen, string key, int at)
    {
        if (seen)
        {
            Fail($"the key '{key}' appears twice (again at byte {at})");
        }
    }

    private readonly string Excerpt(int from)
    {
        from = Math.Clamp(from, 0, _text.Length);
        var rest = _text[from..];
        return rest.IsEmpty ? "the end of the header" : $"\"{NpyErrors.Printable(rest, 60)}\"";
    }

    [DoesNotReturn]
    private readonly void Fail(string detail) =>
        NpyErrors.Throw(ModelFileError.MalformedHeader, _sourceName, detail + ".");

    private static bool Utf8Validate(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}
