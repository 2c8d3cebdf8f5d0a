using System.Globalization;
using System.Text;

namespace Notify.Tests.Security;

/// <summary>Raw HTTP/1.1 requests as Latin-1 text, so any byte (NUL, a bare CR, invalid UTF-8) can be written as a char.</summary>
internal static class Wire
{
    /// <summary>The Host every raw request names.</summary>
    public const string Host = "Host: 127.0.0.1\r\n";

    /// <summary>A publish of <paramref name="body"/> (Latin-1) to <paramref name="target"/> (a path and query), closing after.</summary>
    public static string Post(string target, string body, string headers = "", string version = "HTTP/1.1") =>
        $"POST {target} {version}\r\n{Host}{headers}Content-Length: {Length(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>A GET of <paramref name="target"/>, closing after.</summary>
    public static string Get(string target, string headers = "", string version = "HTTP/1.1") =>
        $"GET {target} {version}\r\n{Host}{headers}Connection: close\r\n\r\n";

    /// <summary>A request with the method and headers given and no body, closing after.</summary>
    public static string Request(string method, string target, string headers = "") =>
        $"{method} {target} HTTP/1.1\r\n{Host}{headers}Connection: close\r\n\r\n";

    /// <summary>The head of a chunked publish, without a body and keeping the connection open.</summary>
    public static string ChunkedHead(string topic, string headers = "") =>
        $"POST /topics/{topic} HTTP/1.1\r\n{Host}{headers}Transfer-Encoding: chunked\r\n\r\n";

    /// <summary>
    /// A second, well-formed publish to <paramref name="topic"/>, written right after a hostile one: if it is ever
    /// executed, the server read the first one's length differently than a proxy in front may have.
    /// </summary>
    public static string Smuggled(string topic) =>
        $"POST /topics/{topic} HTTP/1.1\r\n{Host}Content-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nsmuggled";

    /// <summary>The data of <see cref="Smuggled"/>.</summary>
    public const string SmuggledData = "smuggled";

    /// <summary><paramref name="count"/> headers named X-Pad-0, X-Pad-1, ...</summary>
    public static string Headers(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"X-Pad-{i}: v\r\n")));

    private static int Length(string latin1) => Encoding.Latin1.GetByteCount(latin1);
}
