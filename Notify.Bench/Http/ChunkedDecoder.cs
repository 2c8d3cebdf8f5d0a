namespace Notify.Bench.Http;

/// <summary>
/// Decodes an HTTP/1.1 <c>Transfer-Encoding: chunked</c> body incrementally and in place: each call
/// moves the data bytes of what it was given to the front of the buffer. A chunk's size line, its data
/// and its CRLF may be split across reads anywhere.
/// </summary>
internal sealed class ChunkedDecoder
{
    private enum State { Size, Extension, SizeLineFeed, Data, DataCarriageReturn, DataLineFeed, Trailer, TrailerLineFeed, Done }

    private State _state = State.Size;
    private long _size;
    private int _sizeDigits;
    private long _remaining;
    private bool _trailerLineEmpty = true;

    /// <summary>True once the last (zero-length) chunk and the trailer have been read.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>Decodes <paramref name="buffer"/> in place; returns how many data bytes are now at its front.</summary>
    /// <exception cref="InvalidDataException">The bytes are not chunked encoding.</exception>
    public int Decode(Span<byte> buffer)
    {
        var written = 0;
        var i = 0;
        while (i < buffer.Length && _state != State.Done)
        {
            switch (_state)
            {
                case State.Data:
                    var take = (int)Math.Min(_remaining, buffer.Length - i);
                    buffer.Slice(i, take).CopyTo(buffer[written..]);
                    written += take;
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataCarriageReturn;
                    }

                    continue;
                case State.Size:
                    ReadSize(buffer[i]);
                    break;
                case State.Extension:
                    if (buffer[i] == (byte)'\r')
                    {
                        _state = State.SizeLineFeed;
                    }

                    break;
                case State.SizeLineFeed:
                    Expect(buffer[i], (byte)'\n');
                    EndSizeLine();
                    break;
                case State.DataCarriageReturn:
                    Expect(buffer[i], (byte)'\r');
                    _state = State.DataLineFeed;
                    break;
                case State.DataLineFeed:
                    Expect(buffer[i], (byte)'\n');
                    _state = State.Size;
                    break;
                case State.Trailer:
                    if (buffer[i] == (byte)'\r')
                    {
                        _state = State.TrailerLineFeed;
                    }
                    else
                    {
                        _trailerLineEmpty = false;
                    }

                    break;
                case State.TrailerLineFeed:
                    Expect(buffer[i], (byte)'\n');
                    _state = _trailerLineEmpty ? State.Done : State.Trailer;
                    _trailerLineEmpty = true;
                    break;
            }

            i++;
        }

        return written;
    }

    private void ReadSize(byte b)
    {
        var digit = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };

        if (digit >= 0)
        {
            if (++_sizeDigits > 15)
            {
                throw new InvalidDataException("A chunk size is too long.");
            }

            _size = (_size * 16) + digit;
        }
        else if (_sizeDigits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
        {
            _state = State.Extension;
        }
        else if (_sizeDigits > 0 && b == (byte)'\r')
        {
            _state = State.SizeLineFeed;
        }
        else
        {
            throw new InvalidDataException($"Unexpected byte 0x{b:x2} in a chunk size.");
        }
    }

    private void EndSizeLine()
    {
        _remaining = _size;
        _state = _size == 0 ? State.Trailer : State.Data;
        _size = 0;
        _sizeDigits = 0;
    }

    private static void Expect(byte actual, byte expected)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"Expected 0x{expected:x2} in chunked encoding, got 0x{actual:x2}.");
        }
    }
}
