using System.Text;

namespace Notify.Tests.Fixtures;

/// <summary>Reads a response body as text up to a delimiter, for assertions on exact wire bytes.</summary>
public sealed class RawStreamReader(Stream body)
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly StringBuilder _pending = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = new char[8192];

    /// <summary>The text up to and including the next <paramref name="delimiter"/>.</summary>
    public async Task<string> ReadUntilAsync(string delimiter, bool skipHeartbeats = false, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Event);
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(delimiter, StringComparison.Ordinal);
            if (end >= 0)
            {
                var chunk = text[..(end + delimiter.Length)];
                _pending.Remove(0, chunk.Length);
                if (skipHeartbeats && chunk == ":\n\n")
                {
                    continue;
                }

                return chunk;
            }

            var read = await body.ReadAsync(_buffer, cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException($"The stream ended before '{delimiter}'; got '{text}'.");
            }

            _pending.Append(_chars, 0, _decoder.GetChars(_buffer, 0, read, _chars, 0));
        }
    }
}
