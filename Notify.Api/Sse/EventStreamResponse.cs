using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Notify.Api.Sse;

/// <summary>The HTTP side of an event stream: its response headers, and the answer that only asks the client to come back.</summary>
internal static class EventStreamResponse
{
    /// <summary>Sets the status and headers of an event stream; they are sent with the stream's first flush.</summary>
    public static void Start(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>
    /// Asks the client to reconnect within a second instead of after the usual retry interval, before the stream ends
    /// early (the silo is stopping, or the cluster cannot serve the topic now). Best effort; it may be all the stream
    /// ever says. The delay is spread over the second, so the clients of a stopping silo do not all come back at once.
    /// </summary>
    public static async Task AskToReconnectSoonAsync(PipeWriter body)
    {
        try
        {
            body.Write(SseFrame.Retry(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1_000))).Bytes.Span);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await body.FlushAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or not reading: nothing to tell it.
        }
    }
}
