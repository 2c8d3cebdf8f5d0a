using System.Globalization;
using System.Text;

namespace Notify.Tests.Security;

/// <summary>
/// An HTTP/1.x response parsed from the bytes of a <see cref="RawConnection"/>: its status, headers and (de-chunked)
/// body. The last response of a connection may be incomplete: a stream still being written, or one cut short.
/// </summary>
public sealed record RawResponse(string Version, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, bool Complete)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The value of a header, null when absent (the first one when repeated).</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// Every response in <paramref name="bytes"/>, in order. A body delimited by the end of the connection (no length,
    /// not chunked: an HTTP/1.0 answer or a stream) is complete only when <paramref name="closed"/>.
    /// </summary>
    public static List<RawResponse> ParseAll(byte[] bytes, bool closed = false)
    {
        var responses = new List<RawResponse>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var headEnd = bytes.AsSpan(offset).IndexOf("\r\n\r\n"u8);
            if (headEnd < 0)
            {
                break; // the head is still arriving
            }

            var head = Encoding.Latin1.GetString(bytes, offset, headEnd).Split("\r\n");
            var statusLine = head[0].Split(' ', 3);
            var headers = head.Skip(1).Select(line => line.Split(':', 2))
                .Select(parts => KeyValuePair.Create(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : "")).ToList();
            var status = int.Parse(statusLine[1], CultureInfo.InvariantCulture);
            offset += headEnd + 4;

            var (body, used, complete) = ReadBody(bytes.AsSpan(offset), headers, status, closed);
            responses.Add(new RawResponse(statusLine[0], status, headers, body, complete));
            offset += used;
            if (!complete)
            {
                break;
            }
        }

        return responses;
    }

    private static (byte[] Body, int Used, bool Complete) ReadBody(ReadOnlySpan<byte> rest, List<KeyValuePair<string, string>> headers, int status, bool closed)
    {
        string? Find(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        if (status is (>= 100 and < 200) or 204 or 304)
        {
            return ([], 0, true);
        }

        if (Find("Transfer-Encoding") is { } coding && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return Dechunk(rest);
        }

        if (Find("Content-Length") is { } length)
        {
            var count = int.Parse(length, CultureInfo.InvariantCulture);
            return count <= rest.Length ? (rest[..count].ToArray(), count, true) : (rest.ToArray(), rest.Length, false);
        }

        return (rest.ToArray(), rest.Length, closed); // delimited by the close
    }

    private static (byte[] Body, int Used, bool Complete) Dechunk(ReadOnlySpan<byte> rest)
    {
        var body = new List<byte>();
        var offset = 0;
        while (true)
        {
            var lineEnd = rest[offset..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return ([.. body], offset, false);
            }

            var sizeText = Encoding.Latin1.GetString(rest.Slice(offset, lineEnd)).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var dataStart = offset + lineEnd + 2;
            if (size == 0)
            {
                // The last chunk, then the (empty) trailer section.
                var end = rest[dataStart..].IndexOf("\r\n"u8);
                return end < 0 ? ([.. body], offset, false) : ([.. body], dataStart + end + 2, true);
            }

            if (dataStart + size + 2 > rest.Length)
            {
                body.AddRange(rest[dataStart..Math.Min(rest.Length, dataStart + size)]);
                return ([.. body], rest.Length, false);
            }

            body.AddRange(rest.Slice(dataStart, size));
            offset = dataStart + size + 2;
        }
    }
}
