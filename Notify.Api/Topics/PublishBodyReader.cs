using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;

namespace Notify.Api.Topics;

/// <summary>Reads a publish body without ever holding more than the limit plus one read in memory.</summary>
public static class PublishBodyReader
{
    /// <summary>The outcome of reading a body.</summary>
    public enum Outcome
    {
        /// <summary>The body is valid UTF-8 within the limit.</summary>
        Ok,

        /// <summary>The body is longer than the limit.</summary>
        TooLarge,

        /// <summary>The body is not valid UTF-8.</summary>
        NotUtf8,
    }

    /// <summary>Reads the whole body; <paramref name="data"/> is set when the outcome is <see cref="Outcome.Ok"/>.</summary>
    public static async Task<(Outcome Outcome, byte[] Data)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (Outcome.TooLarge, []);
        }

        // Every read is consumed, never only examined: Kestrel cannot put its connection's input back to "not reading"
        // when a body read ends in an error (the client's FIN before Content-Length) after a read that consumed less
        // than it examined, and the connection's next read then fails and is logged as ending abnormally.
        var reader = request.BodyReader;
        byte[]? received = null;
        var length = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                if (length + buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(buffer.End);
                    return (Outcome.TooLarge, []);
                }

                if (result.IsCompleted && length == 0)
                {
                    // The whole body in one read, the usual case: one copy.
                    var whole = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return Utf8.IsValid(whole) ? (Outcome.Ok, whole) : (Outcome.NotUtf8, []);
                }

                var needed = length + (int)buffer.Length;
                if (received is null || received.Length < needed)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (int)Math.Min(request.ContentLength ?? 0, maxBytes)));
                    received?.AsSpan(0, length).CopyTo(larger);
                    if (received is not null)
                    {
                        ArrayPool<byte>.Shared.Return(received);
                    }

                    received = larger;
                }

                buffer.CopyTo(received.AsSpan(length));
                length = needed;
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    var data = received.AsSpan(0, length);
                    return Utf8.IsValid(data) ? (Outcome.Ok, data.ToArray()) : (Outcome.NotUtf8, []);
                }
            }
        }
        finally
        {
            if (received is not null)
            {
                ArrayPool<byte>.Shared.Return(received);
            }
        }
    }
}
