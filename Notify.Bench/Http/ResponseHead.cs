using System.Buffers.Text;
using System.Text;

namespace Notify.Bench.Http;

/// <summary>The status line and the headers of an HTTP/1.1 response, read from raw bytes.</summary>
internal sealed record ResponseHead(int StatusCode, bool IsChunked, long? ContentLength, string? ContentType)
{
    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Parses a head when <paramref name="bytes"/> holds all of it; <paramref name="length"/> is how many bytes it
    /// took (the body starts after them). False when more bytes are needed.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not an HTTP/1.x response.</exception>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ResponseHead? head, out int length)
    {
        head = null;
        var end = bytes.IndexOf(EndOfHead);
        if (end < 0)
        {
            length = 0;
            return false;
        }

        length = end + EndOfHead.Length;
        var lines = Encoding.Latin1.GetString(bytes[..end]).Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(status[1], out var statusCode))
        {
            throw new InvalidDataException($"Not an HTTP/1.x status line: {lines[0]}");
        }

        var chunked = false;
        long? contentLength = null;
        string? contentType = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && Utf8Parser.TryParse(Encoding.ASCII.GetBytes(value.ToString()), out long parsed, out _))
            {
                contentLength = parsed;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value.ToString();
            }
        }

        head = new ResponseHead(statusCode, chunked, contentLength, contentType);
        return true;
    }
}
